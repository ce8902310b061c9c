//
// ErrorKind.h
//
// What went wrong, apart from how a dialect says it.
//


#ifndef Nash_ErrorKind_INCLUDED
#define Nash_ErrorKind_INCLUDED


#include <string>


namespace Nash {


enum class ErrorKind
	/// The kind of a failure. Each dialect has one table from kinds to its
	/// statuses and error types (OpenAiErrors, AnthropicErrors); the
	/// original's dialect answers with the status the failure was raised
	/// with.
{
	BadRequest,         ///< The client must change the request.
	Unauthorized,       ///< No token, or a token this server does not know.
	Forbidden,          ///< An origin or host this server does not serve.
	NotFound,           ///< No such model, path or server.
	TooLarge,           ///< The body or the conversation is over a limit.
	RateLimited,        ///< The upstream's rate limit (answer 429).
	Overloaded,         ///< No room now: stream slots full, upstream overloaded, shutting down.
	UpstreamFailed,     ///< The model's provider failed or sent something unusable.
	TimedOut,           ///< The upstream or the backend time limit ran out.
	ClientGone,         ///< The client closed its side before the answer was whole.
	Internal,           ///< A fault of this server.
	Protocol            ///< An HTTP-level refusal (405, 411, 414, 417, 421, 431, 501, 505...): its status is kept.
};


class ErrorKinds
{
public:
	static ErrorKind ofStatus(int status);
		/// The kind of an HTTP status this server answers.

	static ErrorKind ofUpstreamStatus(int status);
		/// The kind of a status a provider answered: what the client can act
		/// on (400, 404, 413, 429, overloaded, time-out) keeps its meaning;
		/// the rest (401 and 403 included: the gateway's key, not the
		/// client's) is the upstream failing.

	static const char* name(ErrorKind kind);
		/// "bad_request", "not_found", ... for logs and tests.
};


} // namespace Nash


#endif // Nash_ErrorKind_INCLUDED
