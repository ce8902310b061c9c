//
// AppErrors.cpp
//


#include "core/api/app/AppErrors.h"
#include "Poco/String.h"


namespace Nash {


std::string AppErrors::className(const ChatOutcome& outcome)
{
	switch (outcome.upstreamStatus)
	{
	case 0:
		break;
	case 400:
	{
		std::string message = Poco::toLower(outcome.error.message);
		bool tooLong = message.find("prompt is too long") != std::string::npos || message.find("context length") != std::string::npos
			|| message.find("context window") != std::string::npos || message.find("context_length_exceeded") != std::string::npos;
		return tooLong ? "ContextWindowExceededError" : "BadRequestError";
	}
	case 401:
		return "AuthenticationError";
	case 403:
		return "PermissionDeniedError";
	case 404:
		return "NotFoundError";
	case 408:
		return "Timeout";
	case 422:
		return "UnprocessableEntityError";
	case 429:
		return "RateLimitError";
	case 503:
		return "ServiceUnavailableError";
	default:
		return outcome.upstreamStatus >= 500 ? "InternalServerError" : "BadRequestError";
	}
	switch (outcome.error.kind)
	{
	case ErrorKind::BadRequest:
	case ErrorKind::TooLarge:
		return "BadRequestError";
	case ErrorKind::Unauthorized:
		return "AuthenticationError";
	case ErrorKind::Forbidden:
		return "PermissionDeniedError";
	case ErrorKind::NotFound:
		return "NotFoundError";
	case ErrorKind::RateLimited:
		return "RateLimitError";
	case ErrorKind::Overloaded:
		return "ServiceUnavailableError";
	case ErrorKind::TimedOut:
		return "Timeout";
	case ErrorKind::UpstreamFailed:
	case ErrorKind::ClientGone:
		return "APIConnectionError";
	default:
		return "APIError";
	}
}


std::string AppErrors::text(const ChatOutcome& outcome)
{
	return className(outcome) + ": " + outcome.error.message;
}


} // namespace Nash
