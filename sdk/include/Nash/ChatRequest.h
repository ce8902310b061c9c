//
// ChatRequest.h
//


#ifndef Nash_ChatRequest_INCLUDED
#define Nash_ChatRequest_INCLUDED


#include "Nash/ChatMessage.h"
#include "Poco/JSON/Object.h"
#include "Poco/Nullable.h"
#include <string>
#include <vector>


namespace Nash {


struct ChatRequest
	/// What a backend is asked to answer. The server has validated every
	/// field and put the system prompt first where the client had none.
{
	std::string model;
		/// The model name for this backend, without any "backend/" prefix.
		/// Never empty: the backend's default model is filled in.

	std::vector<ChatMessage> messages;

	Poco::Nullable<double> temperature;
	Poco::Nullable<int> maxTokens;
	Poco::Nullable<double> topP;
	std::vector<std::string> stop;
		/// Generation parameters; null or empty where the client gave none.

	Poco::JSON::Object::Ptr extra;
		/// Any other top-level fields of the client's request (for example
		/// "tools"), untouched. Never null; empty when there are none.

	std::string sessionId;
		/// The session id of the exchange, for backends that pass it on as
		/// request metadata.
};


} // namespace Nash


#endif // Nash_ChatRequest_INCLUDED
