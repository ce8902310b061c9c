//
// AppErrors.h
//
// How the Nash app's dialect names what went wrong.
//


#ifndef Nash_AppErrors_INCLUDED
#define Nash_AppErrors_INCLUDED


#include "core/chat/ChatHandler.h"
#include <string>


namespace Nash {


class AppErrors
	/// The app's server reported errors in-band as "<Class>: <message>",
	/// with the class names of its provider library, and the app words two
	/// of them specially (AuthenticationError, RateLimitError).
{
public:
	static std::string className(const ChatOutcome& outcome);
		/// By the provider's status when it refused (401
		/// AuthenticationError, 429 RateLimitError, 400 BadRequestError or
		/// ContextWindowExceededError, ...), else by the error's kind
		/// (Timeout, APIConnectionError, ...).

	static std::string text(const ChatOutcome& outcome);
		/// "<Class>: <message>".
};


} // namespace Nash


#endif // Nash_AppErrors_INCLUDED
