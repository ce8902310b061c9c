//
// AnthropicErrors.h
//
// How the Anthropic dialect answers each kind of failure.
//


#ifndef Nash_AnthropicErrors_INCLUDED
#define Nash_AnthropicErrors_INCLUDED


#include "core/http/ErrorResponder.h"
#include <string>


namespace Nash {


class AnthropicErrors
	/// The one table from error kinds to Anthropic's statuses and error types:
	///
	///   kind            status  type
	///   BadRequest      400     invalid_request_error
	///   Unauthorized    401     authentication_error
	///   Forbidden       403     permission_error
	///   NotFound        404     not_found_error
	///   TooLarge        413     request_too_large
	///   RateLimited     429     rate_limit_error
	///   Overloaded      529     overloaded_error
	///   UpstreamFailed  502     api_error
	///   TimedOut        504     timeout_error
	///   ClientGone      400     invalid_request_error
	///   Internal        500     api_error
	///   Protocol        its own status, invalid_request_error
{
public:
	static int status(const ErrorReply& reply);
	static const char* type(ErrorKind kind);

	static std::string body(const ErrorReply& reply);
		/// {"type": "error", "error": {"type", "message"}}: the body of an
		/// answer, and the data of a stream's error event.

	static ErrorAnswer answer(const ErrorReply& reply);
		/// status(reply) with body(reply).
};


} // namespace Nash


#endif // Nash_AnthropicErrors_INCLUDED
