//
// FakeUpstreamApplication.cpp
//


#include "FakeUpstreamApplication.h"
#include "CountingConnectionFactory.h"
#include "UpstreamContext.h"
#include "UpstreamRouter.h"
#include "Poco/Exception.h"
#include "Poco/File.h"
#include "Poco/FileStream.h"
#include "Poco/Net/HTTPServerConnectionFactory.h"
#include "Poco/Net/HTTPServerParams.h"
#include "Poco/Net/IPAddress.h"
#include "Poco/Net/ServerSocket.h"
#include "Poco/Net/SocketAddress.h"
#include "Poco/Net/TCPServer.h"
#include "Poco/ThreadPool.h"
#include "Poco/Util/HelpFormatter.h"
#include "Poco/Util/IntValidator.h"
#include "Poco/Util/Option.h"
#include "Poco/Util/OptionCallback.h"
#include <iostream>
#include <memory>


using Poco::Util::Option;
using Poco::Util::OptionCallback;


namespace FakeUpstream {


namespace {


// Streams hold a thread each for as long as they last; a benchmark opens
// many at once. The threads only format short strings, so a small stack
// keeps thousands of them cheap.
const int minThreads = 16;
const int defaultMaxThreads = 1024;
const int threadIdleSeconds = 60;
const int threadStackBytes = 256 * 1024;


void writePortFile(const std::string& path, Poco::UInt16 port)
{
	// Written aside and renamed, so that a reader never sees half a number.
	std::string partial = path + ".partial";
	{
		Poco::FileOutputStream out(partial);
		out << port << std::endl;
	}
	Poco::File(partial).renameTo(path);
}


} // namespace


FakeUpstreamApplication::FakeUpstreamApplication()
{
	setUnixOptions(true);
}


void FakeUpstreamApplication::defineOptions(Poco::Util::OptionSet& options)
{
	ServerApplication::defineOptions(options);

	options.addOption(Option("help", "h", "Show the options and exit.")
		.required(false).repeatable(false)
		.callback(OptionCallback<FakeUpstreamApplication>(this, &FakeUpstreamApplication::handleHelp)));
	options.addOption(Option("port", "p", "Listen on port N (default 0: any free port).")
		.required(false).repeatable(false).argument("N")
		.validator(new Poco::Util::IntValidator(0, 65535))
		.binding("fake.port"));
	options.addOption(Option("port-file", "", "Write the port to FILE once connections are accepted.")
		.required(false).repeatable(false).argument("FILE")
		.binding("fake.port_file"));
	options.addOption(Option("host", "", "Listen on the loopback address ADDR (default 127.0.0.1).")
		.required(false).repeatable(false).argument("ADDR")
		.binding("fake.host"));
	options.addOption(Option("threads", "", "Serve at most N requests at once (default 1024).")
		.required(false).repeatable(false).argument("N")
		.validator(new Poco::Util::IntValidator(minThreads, 16384))
		.binding("fake.threads"));
}


void FakeUpstreamApplication::handleHelp(const std::string&, const std::string&)
{
	_helpRequested = true;
	Poco::Util::HelpFormatter formatter(options());
	formatter.setCommand(commandName());
	formatter.setUsage("[--port=N] [--port-file=FILE] [--host=ADDR] [--threads=N]");
	formatter.setHeader(
		"A fake LLM provider for tests and benchmarks: POST /v1/chat/completions (OpenAI), "
		"POST /v1/messages (Anthropic), POST /api/chat (Ollama), GET /v1/models, GET /api/tags. "
		"The model name picks the behaviour: fault-401, fault-429, fault-500-once, fault-stall-first, "
		"fault-stall-mid, fault-cut, fault-malformed, fault-huge-line, fault-error-mid, tools, bench-50x2; "
		"any other name gets \"Reply from <api>: <last user message>\". "
		"GET /_stats and POST /_reset are for the tests.");
	formatter.format(std::cout);
	stopOptionsProcessing();
}


int FakeUpstreamApplication::main(const ArgVec&)
{
	if (_helpRequested) return Application::EXIT_OK;

	std::string host = config().getString("fake.host", "127.0.0.1");
	int port = config().getInt("fake.port", 0);
	std::string portFile = config().getString("fake.port_file", "");
	int maxThreads = config().getInt("fake.threads", defaultMaxThreads);

	Poco::Net::IPAddress address;
	if (!Poco::Net::IPAddress::tryParse(host, address) || !address.isLoopback())
	{
		std::cerr << "--host must be a loopback address (127.0.0.1, ::1), not '" << host << "'" << std::endl;
		return Application::EXIT_USAGE;
	}

	std::unique_ptr<Poco::Net::ServerSocket> socket;
	try
	{
		socket.reset(new Poco::Net::ServerSocket(Poco::Net::SocketAddress(address, static_cast<Poco::UInt16>(port)), 1024));
	}
	catch (Poco::Exception& exc)
	{
		std::cerr << "Cannot listen on " << host << ":" << port << ": " << exc.displayText() << std::endl;
		return Application::EXIT_UNAVAILABLE;
	}

	UpstreamContext context;
	Poco::ThreadPool pool("fake", minThreads, maxThreads, threadIdleSeconds, threadStackBytes);
	Poco::Net::HTTPServerParams::Ptr params = new Poco::Net::HTTPServerParams;
	params->setMaxThreads(maxThreads);
	params->setMaxQueued(4 * maxThreads);
	params->setKeepAlive(true);
	params->setKeepAliveTimeout(Poco::Timespan(30, 0));
	params->setMaxKeepAliveRequests(0);
	params->setTimeout(Poco::Timespan(60, 0));
	params->setServerName("fake-upstream");
	params->setSoftwareVersion("fake-upstream/1.0");

	// A TCPServer around HTTP connections rather than an HTTPServer, so that
	// every accepted connection passes the counting factory.
	Poco::SharedPtr<UpstreamRouter> router(new UpstreamRouter(context));
	Poco::Net::TCPServerConnectionFactory::Ptr http(new Poco::Net::HTTPServerConnectionFactory(params, router));
	Poco::Net::TCPServer server(new CountingConnectionFactory(http, context.stats), pool, *socket, params);
	server.start();

	Poco::UInt16 boundPort = socket->address().port();
	try
	{
		if (!portFile.empty()) writePortFile(portFile, boundPort);
	}
	catch (Poco::Exception& exc)
	{
		std::cerr << "Cannot write the port file " << portFile << ": " << exc.displayText() << std::endl;
		server.stop();
		return Application::EXIT_CANTCREAT;
	}
	std::cout << "fake_upstream listening on http://" << socket->address().toString() << "/" << std::endl;

	waitForTerminationRequest();

	context.stopping = true;
	server.stop();
	router->abortConnections();
	pool.joinAll();
	std::cout << "fake_upstream stopped" << std::endl;
	return Application::EXIT_OK;
}


} // namespace FakeUpstream
