//
// OpenAiErrors.cpp
//


#include "core/api/openai/OpenAiErrors.h"
#include "core/json/JsonText.h"
#include "Poco/String.h"


namespace Nash {


int OpenAiErrors::status(const ErrorReply& reply)
{
	switch (reply.kind)
	{
	case ErrorKind::BadRequest: return 400;
	case ErrorKind::Unauthorized: return 401;
	case ErrorKind::Forbidden: return 403;
	case ErrorKind::NotFound: return 404;
	case ErrorKind::TooLarge: return 413;
	case ErrorKind::RateLimited: return 429;
	case ErrorKind::Overloaded: return 503;
	case ErrorKind::UpstreamFailed: return 502;
	case ErrorKind::TimedOut: return 504;
	case ErrorKind::ClientGone: return 400;
	case ErrorKind::Internal: return 500;
	case ErrorKind::Protocol: return reply.status;
	}
	return 500;
}


const char* OpenAiErrors::type(ErrorKind kind)
{
	switch (kind)
	{
	case ErrorKind::Unauthorized: return "authentication_error";
	case ErrorKind::Forbidden: return "permission_error";
	case ErrorKind::RateLimited: return "rate_limit_error";
	case ErrorKind::TimedOut: return "timeout_error";
	case ErrorKind::Overloaded:
	case ErrorKind::UpstreamFailed:
	case ErrorKind::Internal: return "server_error";
	default: return "invalid_request_error";
	}
}


std::string OpenAiErrors::body(const ErrorReply& reply)
{
	std::string out = "{\"error\": {\"message\": ";
	JsonText::appendQuoted(out, reply.message);
	out += ", \"type\": ";
	JsonText::appendQuoted(out, type(reply.kind));
	out += ", \"param\": null, \"code\": ";
	// What OpenAI itself says of a model it does not have.
	bool unknownModel = reply.kind == ErrorKind::NotFound && Poco::icompare(reply.message.substr(0, 13), "unknown model") == 0;
	out += unknownModel ? "\"model_not_found\"" : "null";
	return out + "}}";
}


ErrorAnswer OpenAiErrors::answer(const ErrorReply& reply)
{
	return {status(reply), body(reply)};
}


} // namespace Nash
