//
// McpServerEvents.h
//
// What the MCP servers say on their own, for whoever passes it on (the MCP
// gateway): their notifications, and their requests to the client.
//


#ifndef Nash_McpServerEvents_INCLUDED
#define Nash_McpServerEvents_INCLUDED


#include "Poco/JSON/Object.h"
#include <functional>
#include <string>


namespace Nash {


class McpServerEvents
	/// Called on a transport's thread: must not block.
{
public:
	using Reply = std::function<void(const Poco::JSON::Object::Ptr& answer)>;
		/// Sends the answer to the server's request: an object with either
		/// "result" or "error" (the JSON-RPC response without id). Safe to
		/// call from any thread, at most once; does nothing once the
		/// connection the request came on has ended.

	virtual ~McpServerEvents() = default;

	virtual void serverNotification(const std::string& server, const std::string& method, const Poco::JSON::Object::Ptr& params) = 0;
		/// Every notification of server, after the client took what it
		/// needs of it (list_changed empties its caches).

	virtual bool serverRequest(const std::string& server, const std::string& method, const Poco::JSON::Object::Ptr& params, Reply reply) = 0;
		/// A request of server other than ping. True when taken: reply is
		/// then called later. False leaves it to the client's own answer
		/// (the elicitation policy, or "method not found").

	virtual Poco::JSON::Object::Ptr relayedCapabilities() const = 0;
		/// The client capabilities to declare for the requests taken
		/// ("sampling", "elicitation"), merged into what the client declares
		/// itself when it connects.
};


} // namespace Nash


#endif // Nash_McpServerEvents_INCLUDED
