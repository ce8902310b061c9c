//
// McpClient.h
//
// One configured MCP server as the manager sees it: the connection with its
// handshake, restart and back-off, the negotiated capabilities and the lists
// it caches.
//


#ifndef Nash_McpClient_INCLUDED
#define Nash_McpClient_INCLUDED


#include "McpObserver.h"
#include "McpServerEvents.h"
#include "McpServerSettings.h"
#include "McpSession.h"
#include "Nash/CancellationToken.h"
#include "Nash/McpTransport.h"
#include "Poco/JSON/Array.h"
#include "Poco/JSON/Object.h"
#include "Poco/Logger.h"
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <vector>


namespace Nash {


class McpClient
	/// Talks MCP to one server through its transport.
	///
	/// Connecting runs the initialize handshake (offering the newest
	/// protocol version, accepting the older ones we implement) on the
	/// thread that first needs the server; other threads wait for it. When
	/// the server dies, the next call that needs it starts it again, unless
	/// the back-off after failed attempts says not yet: then it gets 503 at
	/// once. The call in flight when the server died gets 503 too.
	///
	/// The list methods follow nextCursor to the end and cache the whole
	/// list until the server says it changed (notifications/*/list_changed)
	/// or the connection is renewed.
	///
	/// All methods are safe to call from many threads. Every error is an
	/// McpError.
	///
	/// With an observer, every request to the server (not the initialize
	/// handshake, not notifications), every restart and every tools/call is
	/// reported to it; never arguments or results.
{
public:
	McpClient(const McpServerSettings& settings, std::unique_ptr<McpTransport> transport, const std::string& setupError = std::string());
		/// Takes a transport already configured. A non-empty setupError
		/// (the plugin did not load or refused its configuration) makes every
		/// call fail with 503 naming it; no connection is ever tried.

	~McpClient();

	McpClient(const McpClient&) = delete;
	McpClient& operator = (const McpClient&) = delete;

	const McpServerSettings& settings() const;
	const std::string& name() const;

	void setObserver(McpObserver* observer);
		/// Where requests, restarts and tool calls are reported; null (the
		/// default) reports nothing. May be called at any time; observer
		/// must outlive its use by this client.

	void setServerEvents(McpServerEvents* events);
		/// Who hears the server's notifications and is offered its requests
		/// (the MCP gateway); null (the default): nobody. Set it before the
		/// first connection: the capabilities it relays are declared then.

	static const std::vector<std::string>& supportedProtocolVersions();
		/// Newest first; the first is the one we offer.

	void connect(const CancellationToken* cancel);
		/// Makes sure the server is connected (see the class comment).
		/// Throws McpError 503 when it is not and cannot be now.

	void shutdown();
		/// Ends the connection and refuses calls (503) until reopen().

	void reopen();
		/// Allows connections again after shutdown().

	bool isConnected() const;

	bool supports(const std::string& capability, const CancellationToken* cancel);
		/// Connects, then tells whether the server declared capability
		/// ("tools", "prompts", "resources", "logging" ...).

	std::string protocolVersion() const;
		/// The negotiated version, empty when not connected.

	Poco::JSON::Array::Ptr listTools(const CancellationToken* cancel);
		/// Every tool (tools/list, all pages; cached). Empty for a server
		/// without the tools capability. The returned objects are shared
		/// with the cache: copy before changing them.

	Poco::JSON::Array::Ptr listPrompts(const CancellationToken* cancel);
	Poco::JSON::Array::Ptr listResources(const CancellationToken* cancel);
	Poco::JSON::Array::Ptr listResourceTemplates(const CancellationToken* cancel);
		/// As listTools(), but throw McpError 501 for a server without the
		/// prompts or resources capability.

	Poco::JSON::Object::Ptr callTool(const std::string& name, const Poco::JSON::Object::Ptr& arguments, const CancellationToken* cancel);
		/// tools/call with the tool timeout. Returns the CallToolResult, with
		/// "isError": false added when the server left it out.

	Poco::JSON::Object::Ptr callTool(const Poco::JSON::Object::Ptr& params, const CancellationToken* cancel);
		/// tools/call with params as the caller wrote them ("name",
		/// "arguments", "_meta" ...).

	Poco::JSON::Object::Ptr forward(const std::string& method, const Poco::JSON::Object::Ptr& params, const std::string& capability, const CancellationToken* cancel);
		/// Any request with params passed on untouched (the MCP gateway's):
		/// tools/call as callTool(params), others with the request timeout.
		/// A non-empty capability the server did not declare is McpError 501
		/// without asking it.

	Poco::Dynamic::Var getPrompt(const std::string& name, const Poco::JSON::Object::Ptr& arguments, const CancellationToken* cancel);
	Poco::Dynamic::Var readResource(const std::string& uri, const CancellationToken* cancel);
	void ping(const CancellationToken* cancel);

	void invalidate(const std::string& listMethod);
		/// Forgets the cached result of a list method ("tools/list" ...).

	Poco::JSON::Object::Ptr status() const;
		/// For /health: name, transport, enabled, connected, protocolVersion,
		/// serverInfo, tools (cached count or null), lastError (without the
		/// credentials of the URLs in it). Nothing of the transport's section
		/// (no commands, env or header values).

private:
	enum class State { Idle, Connecting, Connected, Stopped };

	std::shared_ptr<McpSession> session(const CancellationToken* cancel);
	std::shared_ptr<McpSession> connectOnce(const CancellationToken* cancel);
	std::shared_ptr<McpSession> sessionFor(const std::string& method, const CancellationToken* cancel);
		/// session() for a request of method: not getting one counts as the
		/// request failing.
	Poco::Dynamic::Var exchange(McpSession& session, const std::string& method, const Poco::JSON::Object::Ptr& params,
		std::chrono::milliseconds timeout, const CancellationToken* cancel);
		/// session.request(), reported to the observer: the one place where
		/// a request of ours is answered or fails (initialize aside).
	void reportCall(const std::string& method, const std::string& outcome, std::chrono::steady_clock::time_point started) const;
	static std::string outcomeOf(const McpError& error);
		/// The observer's outcome for the error of a request.
	Poco::JSON::Array::Ptr list(const std::string& method, const std::string& key, const std::string& capability, bool required, const CancellationToken* cancel);
	Poco::Dynamic::Var request(const std::string& method, const Poco::JSON::Object::Ptr& params, const std::string& capability, std::chrono::milliseconds timeout, const CancellationToken* cancel);
	Poco::JSON::Object::Ptr resultObject(const std::string& method, const Poco::Dynamic::Var& result) const;
		/// result as an object, which every MCP result is; McpError 502
		/// (McpError::invalidAnswer()) when it is none.
	void notificationReceived(const std::string& method, const Poco::JSON::Object::Ptr& params);
	void handleNotification(const std::string& method, const Poco::JSON::Object::Ptr& params);
		/// What the client itself does with a notification (caches, log).
	void sessionClosed(const McpSession* session, const std::string& reason);
	std::chrono::milliseconds backoff(int failures) const;
	void wake();

	McpServerSettings _settings;
	std::unique_ptr<McpTransport> _transport;
	std::string _setupError;
	Poco::Logger& _logger;

	std::mutex _connectMutex;
		// Serialises the transport's start()/stop(); never held by a waiting caller.
	mutable std::mutex _mutex;
	std::condition_variable _condition;
	State _state = State::Idle;
	std::uint64_t _attempts = 0;
	std::shared_ptr<McpSession> _session;
	std::shared_ptr<McpSession> _listener;
		// The transport's current listener: kept until the transport's next stop().
	std::string _protocolVersion;
	Poco::JSON::Object::Ptr _capabilities;
	Poco::JSON::Object::Ptr _serverInfo;
	std::string _lastError;
	int _failures = 0;
	std::chrono::steady_clock::time_point _nextAttempt;
	std::chrono::steady_clock::time_point _connectedAt;
	std::map<std::string, Poco::JSON::Array::Ptr> _cache;
	std::map<std::string, std::uint64_t> _generation;
	bool _startedBefore = false;
		// A connection was tried since the construction or reopen(): the
		// next attempt is a restart.
	std::set<std::string> _listedTools;
		// The names of the last complete tools/list: the only tool names the
		// observer gets. Kept over reconnects and list_changed, unlike the cache.
	std::atomic<McpObserver*> _observer{nullptr};
	std::atomic<McpServerEvents*> _events{nullptr};
};


} // namespace Nash


#endif // Nash_McpClient_INCLUDED
