//
// McpGateway.h
//
// The configured MCP servers served as one MCP server: the JSON-RPC methods
// of the aggregate, whatever carries them (Streamable HTTP at /mcp, or
// standard input and output).
//


#ifndef Nash_McpGateway_INCLUDED
#define Nash_McpGateway_INCLUDED


#include "core/mcp/gateway/McpGatewayPolicy.h"
#include "core/mcp/McpServerEvents.h"
#include "Nash/CancellationToken.h"
#include "Poco/JSON/Array.h"
#include "Poco/JSON/Object.h"
#include "Poco/Logger.h"
#include <atomic>
#include <cstdint>
#include <functional>
#include <list>
#include <map>
#include <mutex>
#include <set>
#include <string>
#include <vector>


namespace Nash {


class McpClient;
class McpError;
class McpManager;


class McpGateway: public McpServerEvents
	/// Answers the requests of one MCP client from the servers of an
	/// McpManager.
	///
	/// The lists (tools, prompts, resources, resource templates) are the
	/// servers' lists merged in configuration order. A tool or prompt name
	/// that two servers offer is shown as "<server>__<name>" for each; that
	/// form is accepted for every name, so that a client may keep using it
	/// when the collision goes away. Calls go to the server that owns the
	/// name or URI, with their params untouched but for the name; results
	/// come back untouched, JSON-RPC errors with their code, message and
	/// data.
	///
	/// A server that cannot be reached leaves its items out of the lists
	/// (and is logged); a call meant for it fails alone.
	///
	/// While a call runs, what its server says on its own goes to the
	/// caller's Sink: progress notifications by their progressToken,
	/// logging messages, and the server's requests for sampling and
	/// elicitation (when the caller declared the capability), whose
	/// answers come back through answer(). Over stdio a server's message
	/// does not name the call it belongs to: a request goes to the latest
	/// call on that server whose client can answer it.
	///
	/// Install it with McpManager::setServerEvents() before the manager
	/// starts. Safe to use from many threads.
{
public:
	struct Caller
		/// What the gateway keeps of one client (an HTTP session, or the
		/// peer on standard input).
	{
		std::string protocolVersion;
			/// Negotiated by initialize; empty before.
		Poco::JSON::Object::Ptr clientInfo;
		Poco::JSON::Object::Ptr capabilities;
		std::string identity;
			/// Who is calling, for the log.
		std::string key;
			/// Names the client for attach() and its subscriptions (the
			/// HTTP session's id).
		std::string token;
			/// The token the client presented, empty for none.
	};

	class Sink
		/// Where the messages for one call's client go while it runs.
	{
	public:
		virtual ~Sink() = default;
		virtual void send(const Poco::JSON::Object::Ptr& message) = 0;
			/// A notification or request for the client. Called on a
			/// transport's thread: must not block.
	};

	McpGateway(McpManager& manager, McpGatewayPolicy policy, std::string version);
		/// A tool is seen and called only when the policy allows it to the
		/// caller's token.
	~McpGateway() override;

	Poco::JSON::Object::Ptr answer(const Poco::JSON::Object::Ptr& message, Caller& caller, const CancellationToken& cancel, Sink* sink = nullptr);
		/// The JSON-RPC response to a request; null for a notification or
		/// a response (nothing to answer; a response is passed to the
		/// server that asked). An invalid message is answered with its
		/// JSON-RPC error (-32600), never thrown. With a sink, the call's
		/// own messages go there until answer() returns.

	bool attach(const std::string& key, Sink* sink);
		/// Where the messages for client key that belong to no call go
		/// (list changes, updates of the resources it subscribed to, log
		/// messages between calls) until detach(). False when another sink
		/// is attached for key already.

	void detach(const std::string& key, Sink* sink);
		/// Stops sending to sink (if it is the one attached for key).

	void forget(const std::string& key);
		/// The client is gone: its subscriptions end (the servers are told
		/// when nobody else wants them).

	void serverNotification(const std::string& server, const std::string& method, const Poco::JSON::Object::Ptr& params) override;
	bool serverRequest(const std::string& server, const std::string& method, const Poco::JSON::Object::Ptr& params, Reply reply) override;
	Poco::JSON::Object::Ptr relayedCapabilities() const override;

	enum RpcCode
		/// The JSON-RPC error codes the gateway answers with: JSON-RPC's own,
		/// and those the MCP SDKs use.
	{
		PARSE_ERROR = -32700,
		INVALID_REQUEST = -32600,
		METHOD_NOT_FOUND = -32601,
		INVALID_PARAMS = -32602,
		INTERNAL_ERROR = -32603,
		SERVER_ERROR = -32000,
			/// What goes wrong at the HTTP level.
		TIMED_OUT_OR_NO_SESSION = -32001,
			/// A request that took too long; at the HTTP level, a session not found.
		RESOURCE_NOT_FOUND = -32002,
		REQUEST_CANCELLED = -32800
	};

	static Poco::JSON::Object::Ptr errorResponse(const Poco::Dynamic::Var& id, int code, const std::string& message,
		const Poco::Dynamic::Var& data = Poco::Dynamic::Var());
		/// {"jsonrpc": "2.0", "id": id, "error": {...}}.

	static bool isRequest(const Poco::JSON::Object::Ptr& message);
		/// Has a method and an id.

	static const std::vector<std::string>& protocolVersions();
		/// The versions we speak, newest first (those of the client side).

	static bool templateMatches(const std::string& uriTemplate, const std::string& uri);
		/// uri is one that the RFC 6570 uriTemplate can produce: "{x}"
		/// stands for text without "/", "?" or "#"; "{+x}" and "{#x}" for
		/// any text; "{?x}" and "{&x}" for the rest of a query.

	static const int PAGE_SIZE = 100;
		/// Items a list answer holds at most; the rest follow nextCursor.

private:
	struct Item
	{
		McpClient* client;
		std::string name;
			/// The server's name or URI of the item.
		Poco::JSON::Object::Ptr object;
			/// As the client sees it (a copy when it was renamed).
	};
	enum class Kind { Tools, Prompts, Resources, Templates };

	struct RunningCall
	{
		std::string server;
		std::string progressToken;
			/// As JSON text; empty without one.
		Sink* sink;
		bool sampling;
		bool elicitation;
	};

	class CallRegistration
		/// A call with a sink is known to the routing while it runs.
	{
	public:
		CallRegistration(McpGateway& gateway, RunningCall call);
		~CallRegistration();
	private:
		McpGateway& _gateway;
		std::list<RunningCall>::iterator _entry;
	};

	struct PendingRequest
	{
		Reply reply;
		const RunningCall* call;
	};

	void deliverResponse(const Poco::JSON::Object::Ptr& response);
	Poco::JSON::Object::Ptr forwardCall(McpClient& client, const std::string& method, const Poco::JSON::Object::Ptr& params,
		const std::string& capability, const Caller& caller, const CancellationToken& cancel, Sink* sink);

	Poco::Dynamic::Var dispatch(const std::string& method, const Poco::JSON::Object::Ptr& params, Caller& caller, const CancellationToken& cancel, Sink* sink);
	Poco::JSON::Object::Ptr initialize(const Poco::JSON::Object::Ptr& params, Caller& caller);
	Poco::JSON::Object::Ptr listPage(Kind kind, const Poco::JSON::Object::Ptr& params, const Caller& caller, const CancellationToken& cancel);
	Poco::JSON::Object::Ptr callNamed(Kind kind, const std::string& method, const Poco::JSON::Object::Ptr& params, Caller& caller, const CancellationToken& cancel, Sink* sink);
	Poco::JSON::Object::Ptr readResource(const Poco::JSON::Object::Ptr& params, const Caller& caller, const CancellationToken& cancel, Sink* sink);
	Poco::JSON::Object::Ptr complete(const Poco::JSON::Object::Ptr& params, const Caller& caller, const CancellationToken& cancel);
	Poco::JSON::Object::Ptr setLevel(const Poco::JSON::Object::Ptr& params, const CancellationToken& cancel);
	Poco::JSON::Object::Ptr subscribe(const Poco::JSON::Object::Ptr& params, const Caller& caller, bool on, const CancellationToken& cancel);
	void unsubscribeUnwanted(const std::vector<std::string>& uris, const Caller& caller, const CancellationToken& cancel);
		/// resources/unsubscribe to the owners of the uris nobody subscribes
		/// to any more.

	std::vector<Item> catalog(Kind kind, const Caller& caller, const CancellationToken& cancel);
		/// Every item of kind the policy lets the caller see, names
		/// qualified where two servers collide.
	Item resolve(Kind kind, const std::string& name, const Caller& caller, const CancellationToken& cancel);
		/// The item a client's name means; McpError 404 when none.
	McpClient* ownerOfUri(const std::string& uri, const Caller& caller, const CancellationToken& cancel);
		/// The server listing uri, or one of whose templates matches it;
		/// null when none does.
	static bool declared(const Caller& caller, const std::string& capability);
	static std::string qualified(const std::string& server, const std::string& name);
	static Poco::JSON::Object::Ptr copyOf(const Poco::JSON::Object::Ptr& object);
	static Poco::JSON::Object::Ptr rpcErrorOf(const Poco::Dynamic::Var& id, const McpError& error);

	McpManager& _manager;
	McpGatewayPolicy _policy;
	std::string _version;
	Poco::Logger& _logger;

	std::mutex _routingMutex;
		// Guards _calls and _pending.
	std::list<RunningCall> _calls;
		// Newest last.
	std::map<std::string, PendingRequest> _pending;
		// The servers' requests sent to clients, by the id we gave them.
	struct Listener
	{
		Sink* sink = nullptr;
		std::set<std::string> subscriptions;
	};
	std::map<std::string, Listener> _listeners;
		// By the client's key.
	std::atomic<std::uint64_t> _nextRequestId{0};
};


} // namespace Nash


#endif // Nash_McpGateway_INCLUDED
