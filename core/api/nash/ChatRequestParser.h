//
// ChatRequestParser.h
//


#ifndef Nash_ChatRequestParser_INCLUDED
#define Nash_ChatRequestParser_INCLUDED


#include "Nash/ChatMessage.h"
#include "Nash/ChatRequest.h"
#include "Poco/Dynamic/Var.h"
#include "Poco/JSON/Object.h"
#include <string>
#include <vector>


namespace Nash {


struct ChatInput
	/// A chat request as the client sent it, validated; no backend chosen yet.
{
	std::string sessionId;
		/// The client's id, or a new one.
	std::string modelSpec;
		/// "model" as given ("backend/model", a model or an alias); empty for
		/// the configured default.
	ChatRequest request;
		/// Messages, generation parameters and extra fields; model not set.
};


class ChatRequestParser
	/// Turns a request body into a ChatInput, or refuses it with an HttpError
	/// (400) whose message names the offending field.
{
public:
	static ChatInput parse(const Poco::JSON::Object::Ptr& body);
		/// Validates every field of a /v1/chat/completions/stream request.

	static std::vector<ChatMessage> parseMessages(const Poco::JSON::Object::Ptr& body);
		/// The "messages" field: required, an array of message objects, each
		/// with a known role and string content (null, or an array of text
		/// parts, are accepted as well). An empty array is returned as such;
		/// the caller decides whether that is an error.

	static std::string parseModel(const Poco::JSON::Object::Ptr& body);
		/// The "model" field: a string, or empty when absent or null.
};


} // namespace Nash


#endif // Nash_ChatRequestParser_INCLUDED
