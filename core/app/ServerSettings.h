//
// ServerSettings.h
//


#ifndef Nash_ServerSettings_INCLUDED
#define Nash_ServerSettings_INCLUDED


#include "Poco/Util/AbstractConfiguration.h"
#include <cstddef>
#include <string>
#include <utility>
#include <vector>


namespace Nash {


struct BackendSettings
	/// One [backend.<name>] section.
{
	std::string name;
	std::string plugin;
	bool required = false;
};


struct McpAccessSettings
	/// [mcp_access.<name>]: what the holder of one token may use of /mcp.
{
	std::string name;
	std::string token;
	std::vector<std::string> tools;
	std::vector<std::string> deny;
};


struct ServerSettings
	/// Everything the server reads from its configuration, read once at start
	/// (with the built-in defaults) so that no code deeper down reaches back
	/// into the configuration. The sample etc/llm_server.ini documents each key.
{
	// [server]
	std::string host = "127.0.0.1";
	int port = 8001;
	std::string portFile;
	int minThreads = 4;
	int maxThreads = 512;
	int maxQueued = 1024;
	int threadStackKiB = 256;
	int threadIdleSeconds = 60;
	bool keepAlive = true;
	int keepAliveTimeoutSeconds = 10;
	int maxKeepAliveRequests = 1000;
	int readTimeoutSeconds = 30;
	int requestTimeoutSeconds = 60;
		/// From the first byte of a request to the last byte of its body;
		/// a client still sending then is answered 408 and dropped.
	int headTimeoutSeconds = 10;
		/// From a new connection (or the first byte of a kept-alive one's
		/// next request) to the end of the request head; then 408.
	int maxHeaderFields = 100;
	std::size_t maxHeaderBytes = 16 * 1024;
		/// The request line plus every field's name and value.
	std::size_t maxBodyBytes = 8 * 1024 * 1024;
	int backendTimeLimitSeconds = 600;
		/// A chat stream or summary still running then is cancelled; 0: no limit.
	int disconnectPollMilliseconds = 100;
	int shutdownGraceSeconds = 10;
	int loopThreads = 2;
		/// The event-loop threads that relay streams from providers over
		/// http://; 0: every stream holds a worker thread.
	int maxStreams = 10000;
		/// Open chat streams at once; more are answered 503 with Retry-After.
		/// Without the event loop (loop_threads = 0), below threads.max by
		/// default, so that /health and short calls still get a thread.
	int maxConnections = 10000;
		/// Open connections at once; more are answered 503 and closed.
	int maxConnectionsPerClient = 1024;
		/// Open connections of one client address; 0: no limit.
	bool reusePort = false;
		/// SO_REUSEPORT: off, so that a second instance cannot silently
		/// share the port (and take half of the requests).
	std::vector<std::string> allowedHosts;
		/// Host header values accepted besides the loopback names and host.
	std::vector<std::string> corsOrigins;
		/// Origins whose (browser) requests are accepted; "*" accepts all.
	bool allowUnauthenticatedRemote = false;

	// [auth]
	std::vector<std::string> authTokens;
		/// Bearer tokens clients must present; none: no authentication.

	// [chat]
	std::string defaultModel;
		/// Empty: chosen at start (a provider backend that is available, else echo).
	std::string defaultBackend;
	std::vector<std::pair<std::string, std::string>> aliases;
	std::string chatSystemPrompt = "You are a helpful AI assistant.";
	long long maxMessages = 20;
	long long maxTokens = 50000;

	// [metrics] and the access log
	bool metricsEnabled = true;
		/// GET /metrics, and the counting behind it.
	bool accessLogJson = false;
		/// logging.access_format = json: the access log as one JSON object a line.

	// [mcp]
	bool mcpHttpEndpoints = true;
		/// POST /v1/mcp/{method}.
	std::size_t mcpMaxResponseBytes = 16 * 1024 * 1024;
		/// Larger MCP results are answered 502 instead of being relayed.
	bool mcpGateway = true;
		/// /mcp, the MCP servers as one MCP server; follows
		/// mcp.http_endpoints unless set.
	std::vector<std::string> mcpGatewayTools{"*"};
		/// The tools /mcp shows and calls ("server/tool" patterns).
	std::vector<std::string> mcpGatewayDeny;
		/// Tools /mcp hides and refuses even when mcpGatewayTools allows them.
	int mcpGatewaySessionIdleSeconds = 3600;
	int mcpGatewayMaxSessions = 1000;
	std::vector<McpAccessSettings> mcpAccess;

	// [app] (the Nash desktop app's dialect) and the tool loop of every dialect
	bool appEnabled = false;
		/// Serves the app's dialect on /v1/chat/completions/stream for
		/// bodies carrying api_key or api_base_url.
	std::vector<std::string> appAllowedBaseUrls{"https://api.anthropic.com"};
		/// The provider URLs a request may name (scheme, host, port, path prefix).
	std::vector<std::string> toolPatterns;
		/// [app] tools: the MCP tools the tool loop may offer ("*",
		/// "server/*", "server/tool"); none by default.
	std::string appSystemPrompt = defaultAppSystemPrompt();
		/// "{date}" becomes the day of the request (YYYY-MM-DD).
	int appMaxTokens = 4096;
	double appTemperature = 0.7;
	int toolLoopMaxRounds = 25;
	int toolCallTimeoutSeconds = 120;
	std::size_t toolResultMaxBytes = 1024 * 1024;
	double rateLimitMaxWaitSeconds = 60;
	// [summarize]
	std::string summarizeModel;
	std::string summarizeSystemPrompt;

	// [plugins]
	std::vector<std::string> pluginPaths;
	std::vector<std::string> pluginLoad;
	bool loadAllPlugins = true;
	std::vector<std::string> requiredPlugins;

	// [backend.<name>]
	std::vector<BackendSettings> backends;

	static ServerSettings fromConfig(const Poco::Util::AbstractConfiguration& config);
		/// Reads every value, with the built-in default where a key is absent.
		/// Throws Poco::InvalidArgumentException naming the key when a value
		/// is malformed or out of range.

	static std::string defaultSummarizePrompt();
	static std::string defaultAppSystemPrompt();
};


} // namespace Nash


#endif // Nash_ServerSettings_INCLUDED
