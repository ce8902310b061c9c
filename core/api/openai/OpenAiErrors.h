//
// OpenAiErrors.h
//
// How the OpenAI dialect answers each kind of failure.
//


#ifndef Nash_OpenAiErrors_INCLUDED
#define Nash_OpenAiErrors_INCLUDED


#include "core/http/ErrorResponder.h"
#include <string>


namespace Nash {


class OpenAiErrors
	/// The one table from error kinds to OpenAI's statuses and error types:
	///
	///   kind            status  type
	///   BadRequest      400     invalid_request_error
	///   Unauthorized    401     authentication_error
	///   Forbidden       403     permission_error
	///   NotFound        404     invalid_request_error (code model_not_found for a model)
	///   TooLarge        413     invalid_request_error
	///   RateLimited     429     rate_limit_error
	///   Overloaded      503     server_error
	///   UpstreamFailed  502     server_error
	///   TimedOut        504     timeout_error
	///   ClientGone      400     invalid_request_error
	///   Internal        500     server_error
	///   Protocol        its own status, invalid_request_error
{
public:
	static int status(const ErrorReply& reply);
	static const char* type(ErrorKind kind);

	static std::string body(const ErrorReply& reply);
		/// {"error": {"message", "type", "param": null, "code"}}.

	static ErrorAnswer answer(const ErrorReply& reply);
		/// status(reply) with body(reply).
};


} // namespace Nash


#endif // Nash_OpenAiErrors_INCLUDED
