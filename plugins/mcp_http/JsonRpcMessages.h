//
// JsonRpcMessages.h
//
// What the http transports need to know of the JSON-RPC messages they carry,
// and the error answers they make up for requests the server failed.
//


#ifndef Nash_JsonRpcMessages_INCLUDED
#define Nash_JsonRpcMessages_INCLUDED


#include "Poco/Dynamic/Var.h"
#include "Poco/JSON/Object.h"
#include <cstddef>
#include <string>


namespace Nash {


class JsonRpcMessages
	/// A transport reads no more of a message than it must to route it; the
	/// client (McpSession) is what understands them. Messages are read as
	/// the client reads them (McpMessageText).
{
public:
	static void identify(const std::string& message, Poco::Dynamic::Var& id, std::string& method);
		/// The method of a message of the client, and its id when it is a
		/// request (empty for notifications and responses). Throws
		/// Poco::DataFormatException when message is not JSON.

	static bool answers(const std::string& message, const std::string& requestId);
		/// Whether message (or one in a batch) is the response to the
		/// request whose id, as text, is requestId. A message that cannot
		/// be parsed answers it when McpMessageText::responseId() tells
		/// that id: the client fails the request with it.

	static bool isInitialize(const std::string& message);

	static std::string cancelledRequest(const std::string& message);
		/// The requestId of a notifications/cancelled, as text; empty for
		/// other messages.

	static std::string errorAnswer(const Poco::Dynamic::Var& id, const std::string& text);
		/// A JSON-RPC error response (code -32000) to id: how a transport
		/// fails a request the server did not answer usably.

	static std::string tooLarge(std::size_t limit);
		/// The error text for an answer over max_message_size.

	static std::string oversizedAnswer(const std::string& head, const std::string& tail, std::size_t limit);
		/// The error answer for a message that was dropped for its size,
		/// given its first and last bytes; empty when they do not tell
		/// which request it answered.

	static std::string toJson(const Poco::JSON::Object::Ptr& object);
};


} // namespace Nash


#endif // Nash_JsonRpcMessages_INCLUDED
