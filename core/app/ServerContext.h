//
// ServerContext.h
//


#ifndef Nash_ServerContext_INCLUDED
#define Nash_ServerContext_INCLUDED


#include "core/chat/BackendRegistry.h"
#include "core/http/ClientDisconnectWatcher.h"
#include "core/app/PluginLoader.h"
#include "core/app/ServerSettings.h"
#include "Poco/Timestamp.h"
#include <atomic>


namespace Nash {


class EventLoop;
class McpGateway;
class McpGatewaySessions;
class McpManager;


struct ServerContext
	/// What the request handlers share: the settings read at start and the
	/// long-lived parts of the server. Owned by the application; outlives
	/// every handler.
{
	const ServerSettings& settings;
	const PluginLoader& plugins;
	const BackendRegistry& backends;
	ClientDisconnectWatcher& watcher;
	McpManager* mcp;
		/// Null when no MCP support is built in.
	Poco::Timestamp started;
	std::atomic<bool> stopping{false};
	std::atomic<int> openStreams{0};
		/// Set when the grace period of a shutdown is over: work cancelled
		/// now was cut short by the server, not left by its client.
	McpGateway* mcpGateway = nullptr;
	McpGatewaySessions* mcpSessions = nullptr;
		/// /mcp; null when it is off or there is no MCP support.
	EventLoop* loop = nullptr;
		/// Where streams from providers over http:// are relayed; null
		/// (server.loop_threads = 0): each stream holds its worker.
};


} // namespace Nash


#endif // Nash_ServerContext_INCLUDED
