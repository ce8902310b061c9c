//
// AnthropicErrors.cpp
//


#include "core/api/anthropic/AnthropicErrors.h"
#include "core/json/JsonText.h"


namespace Nash {


int AnthropicErrors::status(const ErrorReply& reply)
{
	switch (reply.kind)
	{
	case ErrorKind::BadRequest: return 400;
	case ErrorKind::Unauthorized: return 401;
	case ErrorKind::Forbidden: return 403;
	case ErrorKind::NotFound: return 404;
	case ErrorKind::TooLarge: return 413;
	case ErrorKind::RateLimited: return 429;
	case ErrorKind::Overloaded: return 529;
	case ErrorKind::UpstreamFailed: return 502;
	case ErrorKind::TimedOut: return 504;
	case ErrorKind::ClientGone: return 400;
	case ErrorKind::Internal: return 500;
	case ErrorKind::Protocol: return reply.status;
	}
	return 500;
}


const char* AnthropicErrors::type(ErrorKind kind)
{
	switch (kind)
	{
	case ErrorKind::Unauthorized: return "authentication_error";
	case ErrorKind::Forbidden: return "permission_error";
	case ErrorKind::NotFound: return "not_found_error";
	case ErrorKind::TooLarge: return "request_too_large";
	case ErrorKind::RateLimited: return "rate_limit_error";
	case ErrorKind::Overloaded: return "overloaded_error";
	case ErrorKind::TimedOut: return "timeout_error";
	case ErrorKind::UpstreamFailed:
	case ErrorKind::Internal: return "api_error";
	default: return "invalid_request_error";
	}
}


std::string AnthropicErrors::body(const ErrorReply& reply)
{
	std::string out = "{\"type\": \"error\", \"error\": {\"type\": ";
	JsonText::appendQuoted(out, type(reply.kind));
	out += ", \"message\": ";
	JsonText::appendQuoted(out, reply.message);
	return out + "}}";
}


ErrorAnswer AnthropicErrors::answer(const ErrorReply& reply)
{
	return {status(reply), body(reply)};
}


} // namespace Nash
