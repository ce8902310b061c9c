//
// McpManager.h
//
// The MCP client side as the HTTP server sees it: every configured MCP
// server, and the fixed method table of POST /v1/mcp/{method}.
//


#ifndef Nash_McpManager_INCLUDED
#define Nash_McpManager_INCLUDED


#include "McpObserver.h"
#include "McpServerEvents.h"
#include "McpServerSettings.h"
#include "Nash/CancellationToken.h"
#include "Nash/McpTransport.h"
#include "Poco/Dynamic/Var.h"
#include "Poco/JSON/Array.h"
#include "Poco/JSON/Object.h"
#include "Poco/Logger.h"
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>


namespace Nash {


class McpClient;


class McpManager
	/// Owns one McpClient per configured server and answers the methods of
	/// POST /v1/mcp/{method} (PROTOCOL.md): list_tools, get_tool_schema,
	/// execute_tool, call_tool, list_prompts, get_prompt, list_resources,
	/// list_resource_templates, read_resource, ping, send_ping.
	///
	/// Several servers: list_tools adds "server": "<name>" to every tool (the
	/// other list methods do the same to their items); a call takes an
	/// optional "server" argument, else the server that offers the named
	/// tool or prompt; a name offered by several servers is 409.
	///
	/// Every error is an McpError carrying the HTTP status and body field.
	/// All methods are safe to call from many threads.
{
public:
	using TransportFactory = std::function<std::unique_ptr<McpTransport>(const std::string& pluginName)>;
		/// Creates a transport of the named plugin ("mcp_stdio" ...). May
		/// throw a Poco::Exception or return null when there is none.

	McpManager(const std::vector<McpServerSettings>& servers, TransportFactory factory);
		/// Creates and configures a transport for every enabled server. A
		/// server whose plugin does not load or refuses its configuration is
		/// logged by name and answers 503 with the reason; it never throws.

	~McpManager();
		/// Calls stop().

	McpManager(const McpManager&) = delete;
	McpManager& operator = (const McpManager&) = delete;

	void setObserver(McpObserver* observer);
		/// Reports every server's requests (not initialize), restarts and
		/// tool calls to observer; null reports nothing. Safe at any time;
		/// observer must outlive the manager or be replaced before it goes.

	void setServerEvents(McpServerEvents* events);
		/// McpClient::setServerEvents() for every server; before start().

	void start();
		/// Connects every enabled server in the background and returns at
		/// once. A call that comes before a server is ready waits for its
		/// handshake (bounded by the request timeout).

	void stop();
		/// Ends all connections (children are stopped and reaped) and waits
		/// for the background threads. Calls fail with 503 afterwards until
		/// start() is called again.

	Poco::Dynamic::Var call(const std::string& method, const Poco::JSON::Object::Ptr& args, const CancellationToken& cancel);
		/// Runs one method of the table with args (null means none) and
		/// returns what goes into {"result": ...}. cancel is our HTTP
		/// caller's: cancelling it abandons the MCP request (and sends
		/// notifications/cancelled). Throws McpError: 400 {"detail"} for an
		/// unknown method or a missing, ill-typed or unknown argument
		/// (including an unknown "server"); 404 {"error"} for an unknown
		/// tool or prompt; 409 {"detail"} for a name several servers offer;
		/// 499 when cancel was cancelled; 500 for an error of ours; 501 when
		/// the server lacks the capability (prompts, resources); 502 for a
		/// JSON-RPC error or a malformed answer; 503 when the server is
		/// disabled, cannot be started or reached, died, or waits for its
		/// restart back-off; 504 when it did not answer in time.

	Poco::JSON::Array::Ptr health() const;
		/// One object per configured server (also disabled ones): name,
		/// transport, plugin, enabled, connected, state, protocolVersion,
		/// serverInfo, tools (count, null before the first listing),
		/// lastError. Never configuration values (no secrets).

	std::vector<std::string> serverNames() const;
		/// The configured servers, enabled or not, in configuration order.

	static const std::vector<std::string>& methods();
		/// The method names call() accepts.

	std::vector<McpClient*> enabledClients() const;
		/// The enabled servers in configuration order (the MCP gateway's
		/// aggregate); owned by the manager, valid while it lives.

private:
	using Handler = Poco::Dynamic::Var (McpManager::*)(const Poco::JSON::Object::Ptr& args, const CancellationToken* cancel);
	struct Choice;

	Poco::Dynamic::Var listTools(const Poco::JSON::Object::Ptr& args, const CancellationToken* cancel);
	Poco::Dynamic::Var getToolSchema(const Poco::JSON::Object::Ptr& args, const CancellationToken* cancel);
	Poco::Dynamic::Var callTool(const Poco::JSON::Object::Ptr& args, const CancellationToken* cancel);
	Poco::Dynamic::Var listPrompts(const Poco::JSON::Object::Ptr& args, const CancellationToken* cancel);
	Poco::Dynamic::Var getPrompt(const Poco::JSON::Object::Ptr& args, const CancellationToken* cancel);
	Poco::Dynamic::Var listResources(const Poco::JSON::Object::Ptr& args, const CancellationToken* cancel);
	Poco::Dynamic::Var listResourceTemplates(const Poco::JSON::Object::Ptr& args, const CancellationToken* cancel);
	Poco::Dynamic::Var readResource(const Poco::JSON::Object::Ptr& args, const CancellationToken* cancel);
	Poco::Dynamic::Var ping(const Poco::JSON::Object::Ptr& args, const CancellationToken* cancel);

	static const std::vector<std::pair<std::string, Handler>>& table();
	std::vector<McpClient*> targets(const Poco::JSON::Object::Ptr& args) const;
	Poco::Dynamic::Var listAll(const Poco::JSON::Object::Ptr& args, const std::string& key,
		const std::function<Poco::JSON::Array::Ptr(McpClient&)>& lister);
	std::pair<McpClient*, Poco::JSON::Object::Ptr> findNamed(const std::string& kind, const std::string& itemName,
		const Poco::JSON::Object::Ptr& args, const CancellationToken* cancel);

	std::vector<std::unique_ptr<McpClient>> _clients;
		// Every configured server; the disabled ones only for health().
	Poco::Logger& _logger;
	mutable std::mutex _mutex;
	bool _stopped = false;
	std::unique_ptr<CancellationToken> _stopToken;
	std::vector<std::thread> _starters;
};


} // namespace Nash


#endif // Nash_McpManager_INCLUDED
