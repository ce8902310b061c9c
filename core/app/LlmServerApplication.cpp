//
// LlmServerApplication.cpp
//


#include "core/app/LlmServerApplication.h"
#include "core/loop/EventLoop.h"
#include "core/app/OpenFileLimit.h"
#include "core/app/EscapingPatternFormatter.h"
#include "core/http/MemoryRelease.h"
#include "core/chat/BackendRegistry.h"
#include "core/http/ClientDisconnectWatcher.h"
#include "core/app/HangupListener.h"
#include "core/app/ParentWatch.h"
#include "core/app/PluginLoader.h"
#include "core/http/RequestRouter.h"
#include "core/app/ServerContext.h"
#include "core/app/ServerSettings.h"
#include "core/app/PluginSetup.h"
#include "core/http/AccessLog.h"
#include "core/metrics/Metrics.h"
#include "core/http/RequestGuard.h"
#include "Nash/SdkVersion.h"
#include "Poco/Exception.h"
#include "Poco/File.h"
#include "Poco/FileStream.h"
#include "Poco/Net/NetException.h"
#include "Poco/Net/HTTPServerParams.h"
#include "Poco/Net/ServerSocket.h"
#include "Poco/Net/SocketAddress.h"
#include "Poco/NumberParser.h"
#include "Poco/Path.h"
#include "Poco/Util/HelpFormatter.h"
#include "Poco/Util/Option.h"
#include "Poco/Util/OptionCallback.h"
#include "Poco/Util/OptionException.h"
#include <chrono>
#include <functional>
#include <iostream>
#include <thread>
#include <memory>
#ifdef NASH_WITH_MCP
#include "core/mcp/McpManager.h"
#include "core/mcp/McpServerSettings.h"
#include "core/mcp/gateway/McpGateway.h"
#include "core/mcp/gateway/McpGatewaySessions.h"
#include "core/mcp/gateway/McpStdioServer.h"
#include "core/chat/ToolPolicy.h"
#endif


using Poco::Util::Option;
using Poco::Util::OptionCallback;


namespace Nash {


namespace {


const int lowestPriority = 1000;


namespace NashWait {


bool until(const std::function<bool()>& condition, std::chrono::milliseconds timeout)
{
	auto deadline = std::chrono::steady_clock::now() + timeout;
	while (!condition())
	{
		if (std::chrono::steady_clock::now() >= deadline) return false;
		std::this_thread::sleep_for(std::chrono::milliseconds(20));
	}
	return true;
}


} // namespace NashWait
#if defined(_WIN32)
const char* const demoServerFile = "mcp_demo_server.exe";
#else
const char* const demoServerFile = "mcp_demo_server";
#endif
const int commandLinePriority = -1000;


} // namespace


LlmServerApplication::LlmServerApplication():
	_overrides(new Poco::Util::MapConfiguration)
{
	setUnixOptions(true);
}


Poco::AutoPtr<Poco::Util::MapConfiguration> LlmServerApplication::builtInDefaults()
{
	Poco::AutoPtr<Poco::Util::MapConfiguration> defaults(new Poco::Util::MapConfiguration);
	defaults->setString("backend.echo.plugin", "echo");
	defaults->setString("plugins.path", "${application.dir}plugins, ${application.dir}../lib/nash-llm-server/plugins");
	defaults->setString("logging.formatters.plain.class", "EscapingPatternFormatter");
	defaults->setString("logging.formatters.plain.pattern", "%Y-%m-%d %H:%M:%S.%i [%p] %s: %t");
	defaults->setString("logging.channels.console.class", "ConsoleChannel");
	defaults->setString("logging.channels.console.formatter", "plain");
	defaults->setString("logging.loggers.root.channel", "console");
	defaults->setString("logging.loggers.root.level", "information");
	return defaults;
}


void LlmServerApplication::defineOptions(Poco::Util::OptionSet& options)
{
	ServerApplication::defineOptions(options);

	options.addOption(Option("help", "h", "Show the options and exit.")
		.required(false).repeatable(false)
		.callback(OptionCallback<LlmServerApplication>(this, &LlmServerApplication::handleHelp)));
	options.addOption(Option("config", "c", "Read the configuration from FILE (.ini, .properties, .xml or .json).")
		.required(false).repeatable(false).argument("FILE")
		.callback(OptionCallback<LlmServerApplication>(this, &LlmServerApplication::handleConfig)));
	options.addOption(Option("port", "p", "Listen on port N (0: any free port).")
		.required(false).repeatable(false).argument("N")
		.callback(OptionCallback<LlmServerApplication>(this, &LlmServerApplication::handleOverride)));
	options.addOption(Option("host", "", "Listen on address ADDR (default 127.0.0.1).")
		.required(false).repeatable(false).argument("ADDR")
		.callback(OptionCallback<LlmServerApplication>(this, &LlmServerApplication::handleOverride)));
	options.addOption(Option("port-file", "", "Write the port the server listens on to FILE once it accepts connections.")
		.required(false).repeatable(false).argument("FILE")
		.callback(OptionCallback<LlmServerApplication>(this, &LlmServerApplication::handleOverride)));
	options.addOption(Option("exit-with-parent", "", "Exit when standard input reaches its end or the parent process is gone (for a desktop app that starts the server).")
		.required(false).repeatable(false)
		.callback(OptionCallback<LlmServerApplication>(this, &LlmServerApplication::handleOverride)));
	options.addOption(Option("mcp-config", "", "Add the MCP servers of FILE, a JSON file of the form {\"mcpServers\": {...}}.")
		.required(false).repeatable(false).argument("FILE")
		.callback(OptionCallback<LlmServerApplication>(this, &LlmServerApplication::handleOverride)));
	options.addOption(Option("mcp-stdio", "", "Serve the MCP servers as one MCP server on standard input and output instead of HTTP (for a desktop client's mcpServers entry).")
		.required(false).repeatable(false)
		.callback(OptionCallback<LlmServerApplication>(this, &LlmServerApplication::handleOverride)));
}


void LlmServerApplication::handleHelp(const std::string&, const std::string&)
{
	_helpRequested = true;
	Poco::Util::HelpFormatter formatter(options());
	formatter.setCommand(commandName());
	formatter.setUsage("[--config=FILE] [--port=N] [--mcp-config=FILE] [OPTIONS]");
	formatter.setHeader(
		"nash-llm-server: a local server between chat clients and language models. It streams "
		"answers as server-sent events, summarizes conversations and offers the tools of MCP servers "
		"over plain HTTP. With no options it serves http://127.0.0.1:8001 with the plugins beside the binary.");
	formatter.setFooter("The sample configuration etc/llm_server.ini documents every key.");
	formatter.format(std::cout);
	stopOptionsProcessing();
}


void LlmServerApplication::handleConfig(const std::string&, const std::string& value)
{
	_configFile = value;
}


void LlmServerApplication::handleOverride(const std::string& name, const std::string& value)
{
	if (name == "port")
	{
		int port = 0;
		if (!Poco::NumberParser::tryParse(value, port) || port < 0 || port > 65535)
			throw Poco::Util::InvalidArgumentException("--port must be a number from 0 to 65535, not '" + value + "'");
		_overrides->setString("server.port", value);
	}
	else if (name == "host") _overrides->setString("server.host", value);
	else if (name == "port-file") _overrides->setString("server.port_file", value);
	else if (name == "exit-with-parent") _exitWithParent = true;
	else if (name == "mcp-stdio") _mcpStdio = true;
	else if (name == "mcp-config") _overrides->setString("mcp_config.file", Poco::Path(value).absolute().toString());
}


void LlmServerApplication::initialize(Poco::Util::Application& self)
{
	// Before the logging configuration is read, which may name it.
	EscapingPatternFormatter::registerClass();
	MemoryRelease::configure();
	Poco::AutoPtr<Poco::Util::MapConfiguration> defaults = builtInDefaults();
	// The demo MCP server built beside the binary, so that /v1/mcp answers on
	// a fresh machine; [mcp.demo] enabled = false turns it off.
	defaults->setString("mcp.demo.transport", "stdio");
	defaults->setString("mcp.demo.command", config().getString("application.dir") + demoServerFile);
	config().add(defaults, lowestPriority, false);
	config().add(_overrides, commandLinePriority, false);
	if (!_configFile.empty())
	{
		try
		{
			if (!Poco::File(_configFile).exists())
				throw Poco::FileNotFoundException("no such file");
			loadConfiguration(_configFile);
		}
		catch (Poco::Exception& exc)
		{
			_configError = "Cannot read the configuration file " + _configFile + ": " + exc.displayText();
		}
	}
	ServerApplication::initialize(self);
}


void LlmServerApplication::stopGracefully(HttpServer& server, ServerContext& context, int graceSeconds)
{
	Poco::Logger& log = logger();
	// No new connections; the requests under way may finish within the grace period.
	server.stopAccepting();
	std::size_t open = context.watcher.watchedCount();
	log.information("Stopping: %z streams and calls open, waiting up to %d s for them", open, graceSeconds);
	bool finished = NashWait::until([&] { return context.watcher.watchedCount() == 0; }, std::chrono::seconds(graceSeconds));
	if (!finished)
	{
		log.warning("Grace period over: ending %z open streams and calls", context.watcher.watchedCount());
		context.stopping = true;
		context.watcher.cancelAll();
		NashWait::until([&] { return context.watcher.watchedCount() == 0; }, std::chrono::seconds(5));
	}
	// What is left (a client still sending a body, one not reading its answer) ends now.
	server.shutdownAll();
}


int LlmServerApplication::main(const ArgVec&)
{
	if (_helpRequested) return Application::EXIT_OK;
	HangupListener::blockInThisThread();
	HangupListener hangup;
	hangup.start();
	Poco::Logger& log = logger();
	if (!_configError.empty())
	{
		log.fatal(_configError);
		return Application::EXIT_CONFIG;
	}

	ServerSettings settings;
	try
	{
		settings = ServerSettings::fromConfig(config());
	}
	catch (Poco::Exception& exc)
	{
		log.fatal("Configuration error: %s", exc.message());
		return Application::EXIT_CONFIG;
	}

	if (!RequestGuard::isLoopback(settings.host) && settings.authTokens.empty() && !settings.allowUnauthenticatedRemote)
	{
		log.fatal("Refusing to listen on %s without authentication: anyone who can reach it could use the models and run the MCP tools. "
			"Configure auth.tokens (or auth.tokens_file), or set server.allow_unauthenticated_remote = true if this is really wanted.", settings.host);
		return Application::EXIT_CONFIG;
	}

	log.information("Open files: %s", OpenFileLimit::raiseToHard());

	// Before the backends, which are counted from their creation on; after
	// everything else, which may count until it goes.
	std::unique_ptr<Metrics> metrics;
	if (settings.metricsEnabled) metrics.reset(new Metrics);
	Metrics::setInstance(metrics.get());
	struct MetricsOff
	{
		~MetricsOff()
		{
			Metrics::setInstance(nullptr);
		}
	} metricsOff;
	AccessLog::setJson(settings.accessLogJson);

	// The loader outlives everything created from its plugins.
	PluginLoader plugins;
	BackendRegistry backends(settings.defaultModel);
	if (!PluginSetup::loadPlugins(settings, plugins) ||
	    !PluginSetup::createBackends(settings, config(), plugins, backends))
	{
		return Application::EXIT_CONFIG;
	}
	PluginSetup::chooseRouting(settings, backends);
	if (metrics)
	{
		for (const auto& info: plugins.plugins())
		{
			if (info.loaded) metrics->plugin(info.name, info.kind);
		}
	}
	try
	{
		backends.resolve(std::string());
	}
	catch (Poco::Exception& exc)
	{
		log.warning("The default model '%s' cannot be used (%s); requests must name a model.", backends.defaultModelSpec(), exc.message());
	}

	ClientDisconnectWatcher watcher(settings.disconnectPollMilliseconds);
	watcher.start();

#ifdef NASH_WITH_MCP
	// Declared first, so gone last: the servers' threads call the gateway
	// until the manager has stopped them.
	std::unique_ptr<McpGateway> gateway;
	std::unique_ptr<McpGatewaySessions> gatewaySessions;
	std::unique_ptr<McpManager> mcp;
	try
	{
		mcp = PluginSetup::createMcpManager(config(), plugins);
	}
	catch (Poco::Exception& exc)
	{
		log.fatal("MCP configuration error: %s", exc.displayText());
		return Application::EXIT_CONFIG;
	}
	if (mcp && metrics) mcp->setObserver(&metrics->mcp());
	// /mcp: it must hear the servers from their first connection on, which
	// declares what it relays (sampling, elicitation).
	if (mcp && (settings.mcpGateway || _mcpStdio))
	{
		McpGatewayPolicy policy(ToolPolicy::parse(settings.mcpGatewayTools), ToolPolicy::parse(settings.mcpGatewayDeny));
		for (const auto& access: settings.mcpAccess)
			policy.restrict(access.token, access.name, ToolPolicy::parse(access.tools), ToolPolicy::parse(access.deny));
		gateway.reset(new McpGateway(*mcp, policy, NASH_SERVER_VERSION));
		McpGateway* routing = gateway.get();
		gatewaySessions.reset(new McpGatewaySessions(std::chrono::seconds(settings.mcpGatewaySessionIdleSeconds),
			static_cast<std::size_t>(settings.mcpGatewayMaxSessions), [routing](const std::string& id) { routing->forget(id); }));
		mcp->setServerEvents(gateway.get());
	}
	if (mcp) mcp->start();
	if (_mcpStdio)
	{
		if (!gateway)
		{
			log.fatal("--mcp-stdio: no MCP servers are configured");
			return Application::EXIT_CONFIG;
		}
		// Standard output carries the protocol; the log goes to standard error.
		log.information("nash-llm-server %s serving its MCP servers on standard input and output", std::string(NASH_SERVER_VERSION));
		McpStdioServer(*gateway, std::cin, std::cout, settings.maxBodyBytes).run();
		mcp->stop();
		return Application::EXIT_OK;
	}
	McpManager* mcpManager = mcp.get();
#else
	McpManager* mcpManager = nullptr;
#endif

	ServerContext context{settings, plugins, backends, watcher, mcpManager, Poco::Timestamp()};
#ifdef NASH_WITH_MCP
	context.mcpGateway = gateway.get();
	context.mcpSessions = gatewaySessions.get();
#endif
	std::unique_ptr<EventLoop> loop;
	if (settings.loopThreads > 0)
	{
		loop.reset(new EventLoop(static_cast<std::size_t>(settings.loopThreads), "stream"));
		context.loop = loop.get();
	}

	Poco::Net::HTTPServerParams::Ptr params = new Poco::Net::HTTPServerParams;
	params->setKeepAlive(settings.keepAlive);
	params->setKeepAliveTimeout(Poco::Timespan(settings.keepAliveTimeoutSeconds, 0));
	params->setMaxKeepAliveRequests(settings.maxKeepAliveRequests);
	params->setTimeout(Poco::Timespan(settings.readTimeoutSeconds, 0));
	params->setServerName("nash-llm-server");
	params->setSoftwareVersion(std::string("nash-llm-server/") + NASH_SERVER_VERSION);

	Poco::Net::ServerSocket socket;
	Poco::Net::SocketAddress address;
	try
	{
		address = Poco::Net::SocketAddress(settings.host, static_cast<Poco::UInt16>(settings.port));
		// SO_REUSEADDR lets a restart bind while old connections linger in
		// TIME_WAIT; SO_REUSEPORT would let a second instance share the port
		// unnoticed, so it is off unless configured.
		socket.bind(address, true, settings.reusePort);
		socket.listen(1024);
	}
	catch (Poco::Net::NetException& exc)
	{
		std::string cause = exc.code() == POCO_EADDRINUSE || exc.displayText().find("in use") != std::string::npos
			? "the port is in use (another instance of this server, or another program, listens on it)"
			: exc.displayText();
		log.fatal("Cannot listen on %s port %d: %s", settings.host, settings.port, cause);
		return Application::EXIT_UNAVAILABLE;
	}
	catch (Poco::Exception& exc)
	{
		log.fatal("Cannot listen on %s port %d: %s", settings.host, settings.port, exc.displayText());
		return Application::EXIT_UNAVAILABLE;
	}

	RequestRouter* router = new RequestRouter(context);
	for (auto& route: RequestRouter::standardRoutes()) router->add(std::move(route));
	HttpServer::Settings http;
	http.head.maxHeadBytes = settings.maxHeaderBytes;
	http.head.maxFields = settings.maxHeaderFields;
	http.head.maxTargetBytes = settings.maxHeaderBytes;
	http.headTimeoutSeconds = settings.headTimeoutSeconds;
	http.requestTimeoutSeconds = settings.requestTimeoutSeconds;
	http.readTimeoutSeconds = settings.readTimeoutSeconds;
	http.keepAlive = settings.keepAlive;
	http.keepAliveTimeoutSeconds = settings.keepAliveTimeoutSeconds;
	http.maxKeepAliveRequests = settings.maxKeepAliveRequests;
	http.maxConnections = settings.maxConnections;
	http.maxConnectionsPerClient = settings.maxConnectionsPerClient;
	http.minThreads = settings.minThreads;
	http.maxThreads = settings.maxThreads;
	http.maxQueued = settings.maxQueued;
	http.threadIdleSeconds = settings.threadIdleSeconds;
	http.threadStackKiB = settings.threadStackKiB;
	http.software = params->getSoftwareVersion();
	HttpServer server(socket, router, params, http);
	if (metrics) metrics->countConnectionsWith([&server] { return server.openConnections(); });
	server.start();

	Poco::UInt16 port = socket.address().port();
	if (!settings.portFile.empty())
	{
		Poco::FileOutputStream portFile(settings.portFile);
		portFile << port << std::endl;
	}
	log.information("nash-llm-server %s (SDK %d) listening on http://%s:%hu/ with default model '%s'",
		std::string(NASH_SERVER_VERSION), NASH_SDK_VERSION, settings.host, port, backends.defaultModelSpec());

	if (_exitWithParent) ParentWatch::start();
	waitForTerminationRequest();
	stopGracefully(server, context, settings.shutdownGraceSeconds);
#ifdef NASH_WITH_MCP
	if (mcp) mcp->stop();
#endif
	// The relays still running (their clients are gone now) end before the
	// connections they hold outlive the server.
	NashWait::until([&] { return context.openStreams.load() <= 0; }, std::chrono::seconds(2));
	if (loop) loop->stop();
	server.join();
	if (metrics) metrics->countConnectionsWith(nullptr);
	watcher.stop();
	backends.clear();
	log.information("Stopped");
	return Application::EXIT_OK;
}


} // namespace Nash
