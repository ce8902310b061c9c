//
// ChatMessage.h
//


#ifndef Nash_ChatMessage_INCLUDED
#define Nash_ChatMessage_INCLUDED


#include "Poco/JSON/Object.h"
#include <string>


namespace Nash {


struct ChatMessage
	/// One message of the conversation the client sent.
{
	std::string role;
		/// "system", "user", "assistant" or "tool".

	std::string content;
		/// The text of the message; empty when the client sent null.

	Poco::JSON::Object::Ptr raw;
		/// The message object exactly as the client sent it, with any extra
		/// fields (name, tool_calls, tool_call_id ...) a backend may forward.
		/// Never null for messages that came from a client; may be null for
		/// messages the server made (the inserted system prompt).
};


} // namespace Nash


#endif // Nash_ChatMessage_INCLUDED
