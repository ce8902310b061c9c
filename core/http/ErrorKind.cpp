//
// ErrorKind.cpp
//


#include "core/http/ErrorKind.h"


namespace Nash {


ErrorKind ErrorKinds::ofStatus(int status)
{
	switch (status)
	{
	case 400: return ErrorKind::BadRequest;
	case 401: return ErrorKind::Unauthorized;
	case 403: return ErrorKind::Forbidden;
	case 404: return ErrorKind::NotFound;
	case 413: return ErrorKind::TooLarge;
	case 429: return ErrorKind::RateLimited;
	case 499: return ErrorKind::ClientGone;
	case 500: return ErrorKind::Internal;
	case 502: return ErrorKind::UpstreamFailed;
	case 503: return ErrorKind::Overloaded;
	case 504: return ErrorKind::TimedOut;
	default: return status >= 500 ? ErrorKind::UpstreamFailed : ErrorKind::Protocol;
	}
}


ErrorKind ErrorKinds::ofUpstreamStatus(int status)
{
	switch (status)
	{
	case 400:
	case 422: return ErrorKind::BadRequest;
	case 404: return ErrorKind::NotFound;
	case 413: return ErrorKind::TooLarge;
	case 429: return ErrorKind::RateLimited;
	case 503:
	case 529: return ErrorKind::Overloaded;
	case 408:
	case 504: return ErrorKind::TimedOut;
	default: return ErrorKind::UpstreamFailed;
	}
}


const char* ErrorKinds::name(ErrorKind kind)
{
	switch (kind)
	{
	case ErrorKind::BadRequest: return "bad_request";
	case ErrorKind::Unauthorized: return "unauthorized";
	case ErrorKind::Forbidden: return "forbidden";
	case ErrorKind::NotFound: return "not_found";
	case ErrorKind::TooLarge: return "too_large";
	case ErrorKind::RateLimited: return "rate_limited";
	case ErrorKind::Overloaded: return "overloaded";
	case ErrorKind::UpstreamFailed: return "upstream_failed";
	case ErrorKind::TimedOut: return "timed_out";
	case ErrorKind::ClientGone: return "client_gone";
	case ErrorKind::Internal: return "internal";
	case ErrorKind::Protocol: return "protocol";
	}
	return "internal";
}


} // namespace Nash
