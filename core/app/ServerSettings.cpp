//
// ServerSettings.cpp
//


#include "core/app/ServerSettings.h"
#include "core/api/app/BaseUrlPolicy.h"
#include "core/chat/ToolPolicy.h"
#include "Poco/Exception.h"
#include "Poco/File.h"
#include "Poco/FileStream.h"
#include "Poco/NumberParser.h"
#include "Poco/NumberFormatter.h"
#include "Poco/String.h"
#include "Poco/StringTokenizer.h"
#include <algorithm>


namespace Nash {


namespace {


long long readInteger(const Poco::Util::AbstractConfiguration& config, const std::string& key, long long defaultValue, long long minimum, long long maximum)
{
	if (!config.hasProperty(key)) return defaultValue;
	std::string text = Poco::trim(config.getString(key));
	Poco::Int64 value = 0;
	if (!Poco::NumberParser::tryParse64(text, value) || value < minimum || value > maximum)
	{
		throw Poco::InvalidArgumentException("Configuration key '" + key + "' must be a whole number from " +
			std::to_string(minimum) + " to " + std::to_string(maximum) + ", not '" + text + "'");
	}
	return value;
}


bool readBool(const Poco::Util::AbstractConfiguration& config, const std::string& key, bool defaultValue)
{
	if (!config.hasProperty(key)) return defaultValue;
	std::string text = Poco::toLower(Poco::trim(config.getString(key)));
	if (text == "true" || text == "yes" || text == "on" || text == "1") return true;
	if (text == "false" || text == "no" || text == "off" || text == "0") return false;
	throw Poco::InvalidArgumentException("Configuration key '" + key + "' must be true or false, not '" + text + "'");
}


std::vector<std::string> readList(const Poco::Util::AbstractConfiguration& config, const std::string& key)
{
	std::vector<std::string> items;
	if (!config.hasProperty(key)) return items;
	Poco::StringTokenizer tokens(config.getString(key), ",;", Poco::StringTokenizer::TOK_TRIM | Poco::StringTokenizer::TOK_IGNORE_EMPTY);
	items.assign(tokens.begin(), tokens.end());
	return items;
}


double readNumber(const Poco::Util::AbstractConfiguration& config, const std::string& key, double defaultValue, double minimum, double maximum)
{
	std::string text = Poco::trim(config.getString(key, ""));
	if (text.empty()) return defaultValue;
	double value = 0;
	if (!Poco::NumberParser::tryParseFloat(text, value) || value < minimum || value > maximum)
		throw Poco::InvalidArgumentException("Configuration key '" + key + "' must be a number from " + Poco::NumberFormatter::format(minimum)
			+ " to " + Poco::NumberFormatter::format(maximum) + ", not '" + text + "'");
	return value;
}


std::string readString(const Poco::Util::AbstractConfiguration& config, const std::string& key, const std::string& defaultValue)
{
	return config.hasProperty(key) ? config.getString(key) : defaultValue;
}


} // namespace


std::string ServerSettings::defaultAppSystemPrompt()
{
	return "The assistant is Nash, a helpful assistant running on the user's computer. "
		"The current date is {date}. "
		"Nash answers clearly and directly, says so when it does not know something, and asks when a request is ambiguous. "
		"When a tool helps, Nash uses it; Nash never states that it is going to use a tool or shows which tool and arguments it would use, it simply uses the tool.";
}


std::string ServerSettings::defaultSummarizePrompt()
{
	return "You summarize conversations. Write a concise summary that keeps the facts, decisions, "
		"open questions and any details needed to continue the conversation. Reply with the summary only.";
}


ServerSettings ServerSettings::fromConfig(const Poco::Util::AbstractConfiguration& config)
{
	ServerSettings s;
	s.host = readString(config, "server.host", s.host);
	s.port = static_cast<int>(readInteger(config, "server.port", s.port, 0, 65535));
	s.portFile = readString(config, "server.port_file", s.portFile);
	s.minThreads = static_cast<int>(readInteger(config, "server.threads.min", s.minThreads, 1, 100000));
	s.maxThreads = static_cast<int>(readInteger(config, "server.threads.max", s.maxThreads, 2, 100000));
	if (s.minThreads > s.maxThreads)
		throw Poco::InvalidArgumentException("Configuration key 'server.threads.min' must not be larger than 'server.threads.max'");
	s.maxQueued = static_cast<int>(readInteger(config, "server.queue.max", s.maxQueued, 1, 1000000));
	s.threadStackKiB = static_cast<int>(readInteger(config, "server.threads.stack_kib", s.threadStackKiB, 0, 1024 * 1024));
	s.threadIdleSeconds = static_cast<int>(readInteger(config, "server.threads.idle_seconds", s.threadIdleSeconds, 1, 86400));
	s.keepAlive = readBool(config, "server.keepalive", s.keepAlive);
	s.keepAliveTimeoutSeconds = static_cast<int>(readInteger(config, "server.keepalive.timeout_seconds", s.keepAliveTimeoutSeconds, 1, 3600));
	s.maxKeepAliveRequests = static_cast<int>(readInteger(config, "server.keepalive.max_requests", s.maxKeepAliveRequests, 0, 1000000000));
	s.readTimeoutSeconds = static_cast<int>(readInteger(config, "server.read_timeout_seconds", s.readTimeoutSeconds, 1, 3600));
	s.requestTimeoutSeconds = static_cast<int>(readInteger(config, "server.request_timeout_seconds", s.requestTimeoutSeconds, 1, 86400));
	s.headTimeoutSeconds = static_cast<int>(readInteger(config, "server.head_timeout_seconds", s.headTimeoutSeconds, 1, 3600));
	s.maxHeaderFields = static_cast<int>(readInteger(config, "server.max_header_fields", s.maxHeaderFields, 1, 10000));
	s.maxHeaderBytes = static_cast<std::size_t>(readInteger(config, "server.max_header_bytes", static_cast<long long>(s.maxHeaderBytes), 256, 1024 * 1024));
	s.maxBodyBytes = static_cast<std::size_t>(readInteger(config, "server.max_body_bytes", static_cast<long long>(s.maxBodyBytes), 1024, 1LL << 32));
	s.backendTimeLimitSeconds = static_cast<int>(readInteger(config, "server.backend_time_limit_seconds", s.backendTimeLimitSeconds, 0, 7 * 86400));
	s.mcpHttpEndpoints = readBool(config, "mcp.http_endpoints", s.mcpHttpEndpoints);
	s.metricsEnabled = readBool(config, "metrics.enabled", s.metricsEnabled);
	std::string accessFormat = readString(config, "logging.access_format", "text");
	if (accessFormat != "text" && accessFormat != "json")
		throw Poco::InvalidArgumentException("Configuration key 'logging.access_format' must be 'text' or 'json', not '" + accessFormat + "'");
	s.accessLogJson = accessFormat == "json";
	s.mcpMaxResponseBytes = static_cast<std::size_t>(readInteger(config, "mcp.max_response_bytes", static_cast<long long>(s.mcpMaxResponseBytes), 1024, 1LL << 32));
	s.mcpGateway = readBool(config, "mcp.gateway", s.mcpHttpEndpoints);
	if (config.hasProperty("mcp.gateway_tools")) s.mcpGatewayTools = readList(config, "mcp.gateway_tools");
	s.mcpGatewayDeny = readList(config, "mcp.gateway_deny");
	ToolPolicy::parse(s.mcpGatewayTools);
	ToolPolicy::parse(s.mcpGatewayDeny);
	s.mcpGatewaySessionIdleSeconds = static_cast<int>(readInteger(config, "mcp.gateway_session_idle_seconds", s.mcpGatewaySessionIdleSeconds, 1, 7 * 86400));
	s.mcpGatewayMaxSessions = static_cast<int>(readInteger(config, "mcp.gateway_max_sessions", s.mcpGatewayMaxSessions, 1, 1000000));
	s.disconnectPollMilliseconds = static_cast<int>(readInteger(config, "server.disconnect_poll_ms", s.disconnectPollMilliseconds, 10, 10000));
	s.shutdownGraceSeconds = static_cast<int>(readInteger(config, "server.shutdown_grace_seconds", s.shutdownGraceSeconds, 0, 3600));
	s.loopThreads = static_cast<int>(readInteger(config, "server.loop_threads", s.loopThreads, 0, 256));
	s.maxStreams = static_cast<int>(readInteger(config, "server.max_streams", s.loopThreads > 0 ? s.maxStreams : std::max(1, s.maxThreads - 32), 1, 1000000));
	s.maxConnections = static_cast<int>(readInteger(config, "server.max_connections", s.maxConnections, 1, 10000000));
	s.maxConnectionsPerClient = static_cast<int>(readInteger(config, "server.max_connections_per_client", s.maxConnectionsPerClient, 0, 10000000));
	s.reusePort = readBool(config, "server.reuse_port", s.reusePort);
	s.allowedHosts = readList(config, "server.allowed_hosts");
	s.corsOrigins = readList(config, "server.cors_origins");
	s.allowUnauthenticatedRemote = readBool(config, "server.allow_unauthenticated_remote", false);
	s.authTokens = readList(config, "auth.tokens");
	std::string tokensFile = readString(config, "auth.tokens_file", "");
	if (!tokensFile.empty())
	{
		Poco::File file(tokensFile);
		if (!file.exists() || !file.canRead())
			throw Poco::InvalidArgumentException("Configuration key 'auth.tokens_file' names '" + tokensFile + "', which cannot be read");
		Poco::FileInputStream in(tokensFile);
		std::string line;
		while (std::getline(in, line))
		{
			line = Poco::trim(line);
			if (!line.empty() && line[0] != '#') s.authTokens.push_back(line);
		}
	}
	for (const auto& token: s.authTokens)
	{
		if (token.size() < 16)
			throw Poco::InvalidArgumentException("An auth token is shorter than 16 characters; use long random tokens (auth.tokens, auth.tokens_file)");
	}

	Poco::Util::AbstractConfiguration::Keys accessNames;
	config.keys("mcp_access", accessNames);
	for (const auto& name: accessNames)
	{
		std::string prefix = "mcp_access." + name;
		McpAccessSettings access;
		access.name = name;
		access.token = Poco::trim(readString(config, prefix + ".token", ""));
		// Without it a client could not present the token at all.
		if (std::find(s.authTokens.begin(), s.authTokens.end(), access.token) == s.authTokens.end())
			throw Poco::InvalidArgumentException("Configuration key '" + prefix + ".token' must be one of auth.tokens (or of auth.tokens_file)");
		access.tools = config.hasProperty(prefix + ".tools") ? readList(config, prefix + ".tools") : std::vector<std::string>{"*"};
		access.deny = readList(config, prefix + ".deny");
		ToolPolicy::parse(access.tools);
		ToolPolicy::parse(access.deny);
		s.mcpAccess.push_back(access);
	}

	s.defaultModel = Poco::trim(readString(config, "chat.default_model", s.defaultModel));
	s.defaultBackend = Poco::trim(readString(config, "chat.default_backend", s.defaultBackend));
	for (const auto& entry: readList(config, "chat.aliases"))
	{
		auto equals = entry.find('=');
		std::string alias = Poco::trim(entry.substr(0, equals));
		std::string target = equals == std::string::npos ? std::string() : Poco::trim(entry.substr(equals + 1));
		if (alias.empty() || target.empty())
			throw Poco::InvalidArgumentException("Configuration key 'chat.aliases' must be a list of name=backend/model, not '" + entry + "'");
		s.aliases.emplace_back(alias, target);
	}
	s.chatSystemPrompt = readString(config, "chat.system_prompt", s.chatSystemPrompt);
	s.maxMessages = readInteger(config, "chat.limits.max_messages", s.maxMessages, 1, 1000000000);
	s.maxTokens = readInteger(config, "chat.limits.max_tokens", s.maxTokens, 1, 1LL << 40);

	s.appEnabled = readBool(config, "app.enabled", s.appEnabled);
	std::vector<std::string> baseUrls = readList(config, "app.allowed_base_urls");
	if (!baseUrls.empty()) s.appAllowedBaseUrls = baseUrls;
	s.toolPatterns = readList(config, "app.tools");
	// Checked here, so that a mistake stops the start instead of a request.
	ToolPolicy::parse(s.toolPatterns);
	BaseUrlPolicy checkUrls(s.appAllowedBaseUrls);
	s.appSystemPrompt = readString(config, "app.system_prompt", s.appSystemPrompt);
	s.appMaxTokens = static_cast<int>(readInteger(config, "app.max_tokens", s.appMaxTokens, 1, 10000000));
	s.appTemperature = readNumber(config, "app.temperature", s.appTemperature, 0, 2);
	s.toolLoopMaxRounds = static_cast<int>(readInteger(config, "app.max_rounds", s.toolLoopMaxRounds, 1, 1000));
	s.toolCallTimeoutSeconds = static_cast<int>(readInteger(config, "app.tool_timeout_seconds", s.toolCallTimeoutSeconds, 1, 86400));
	s.toolResultMaxBytes = static_cast<std::size_t>(readInteger(config, "app.max_tool_result_bytes", static_cast<long long>(s.toolResultMaxBytes), 1024, 1LL << 30));
	s.rateLimitMaxWaitSeconds = readNumber(config, "app.max_wait_seconds", s.rateLimitMaxWaitSeconds, 0, 3600);

	s.summarizeModel = readString(config, "summarize.model", s.summarizeModel);
	s.summarizeSystemPrompt = readString(config, "summarize.system_prompt", defaultSummarizePrompt());

	s.pluginPaths = readList(config, "plugins.path");
	std::vector<std::string> load = readList(config, "plugins.load");
	s.loadAllPlugins = load.empty() || (load.size() == 1 && load[0] == "*");
	if (!s.loadAllPlugins) s.pluginLoad = load;
	s.requiredPlugins = readList(config, "plugins.required");

	Poco::Util::AbstractConfiguration::Keys names;
	config.keys("backend", names);
	for (const auto& name: names)
	{
		std::string prefix = "backend." + name;
		if (!readBool(config, prefix + ".enabled", true)) continue;
		BackendSettings backend;
		backend.name = name;
		backend.plugin = readString(config, prefix + ".plugin", name);
		backend.required = readBool(config, prefix + ".required", false);
		if (backend.name.find('/') != std::string::npos)
			throw Poco::InvalidArgumentException("Backend name '" + name + "' must not contain '/'");
		s.backends.push_back(backend);
	}
	return s;
}


} // namespace Nash
