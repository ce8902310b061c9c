//
// McpDemoServerTest.cpp
//
// McpManager against the demo server, through the mcp_stdio plugin library
// as the server loads it (Poco::ClassLoader): listing, calls, errors, a
// server that dies or hangs, the shutdown, and what an McpObserver is told.
//


#include "McpError.h"
#include "McpManager.h"
#include "McpServerSettings.h"
#include "RecordingObserver.h"
#include "TestEnvironment.h"
#include "Nash/Plugin.h"
#include "Poco/ClassLoader.h"
#include "Poco/File.h"
#include "Poco/JSON/Parser.h"
#include "Poco/JSON/Stringifier.h"
#include "Poco/Process.h"
#include "Poco/Util/MapConfiguration.h"
#include <cppunit/extensions/HelperMacros.h>
#include <sstream>


using namespace std::chrono_literals;


namespace {


Poco::ClassLoader<Nash::McpTransport>& pluginLoader()
	/// Loaded once for the whole run; unloaded at exit after every
	/// transport is gone.
{
	static Poco::ClassLoader<Nash::McpTransport> loader;
	static std::once_flag once;
	std::call_once(once, [] { loader.loadLibrary(NASH_MCP_STDIO_PLUGIN); });
	return loader;
}


std::unique_ptr<Nash::McpTransport> createTransport(const std::string& plugin)
{
	if (plugin != "mcp_stdio") throw Poco::NotFoundException("no plugin " + plugin);
	auto& loader = pluginLoader();
	auto* meta = loader.findClass("Nash::StdioTransport");
	if (!meta) throw Poco::NotFoundException("Nash::StdioTransport is not in " NASH_MCP_STDIO_PLUGIN);
	return std::unique_ptr<Nash::McpTransport>(meta->create());
}


Poco::JSON::Object::Ptr args(const std::string& json)
{
	Poco::JSON::Parser parser;
	return parser.parse(json).extract<Poco::JSON::Object::Ptr>();
}


std::string text(const Poco::Dynamic::Var& result)
{
	return result.extract<Poco::JSON::Object::Ptr>()->getArray("content")->getObject(0)->getValue<std::string>("text");
}


} // namespace


class McpDemoServerTest: public CppUnit::TestFixture
{
	CPPUNIT_TEST_SUITE(McpDemoServerTest);
	CPPUNIT_TEST(testPluginIdentity);
	CPPUNIT_TEST(testListToolsFollowsPages);
	CPPUNIT_TEST(testCallTools);
	CPPUNIT_TEST(testToolErrorIsAResult);
	CPPUNIT_TEST(testUnknownTool);
	CPPUNIT_TEST(testListDirectory);
	CPPUNIT_TEST(testCrashMidCallThenRecovery);
	CPPUNIT_TEST(testKilledServerRestartsOnNextCall);
	CPPUNIT_TEST(testHangingToolTimesOut);
	CPPUNIT_TEST(testCancelledCallReturnsAtOnce);
	CPPUNIT_TEST(testSilentServerIsUnavailable);
	CPPUNIT_TEST(testUnsupportedVersionRefused);
	CPPUNIT_TEST(testMissingCommandIsUnavailable);
	CPPUNIT_TEST(testStopReapsServers);
	CPPUNIT_TEST(testTwoServers);
	CPPUNIT_TEST(testFromMcpConfigJson);
	CPPUNIT_TEST(testObserverSeesCrashAndRestart);
	CPPUNIT_TEST_SUITE_END();

public:
	void tearDown() override
	{
		_manager.reset();
	}

	void testPluginIdentity()
	{
		Poco::SharedLibrary library(NASH_MCP_STDIO_PLUGIN);
		using Version = int (*)();
		using Text = const char* (*)();
		CPPUNIT_ASSERT_EQUAL(NASH_SDK_VERSION, reinterpret_cast<Version>(library.getSymbol(NASH_PLUGIN_VERSION_SYMBOL))());
		CPPUNIT_ASSERT_EQUAL(std::string(NASH_PLUGIN_KIND_MCP_TRANSPORT), std::string(reinterpret_cast<Text>(library.getSymbol(NASH_PLUGIN_KIND_SYMBOL))()));
		CPPUNIT_ASSERT_EQUAL(std::string("Nash::StdioTransport"), std::string(reinterpret_cast<Text>(library.getSymbol(NASH_PLUGIN_CLASS_SYMBOL))()));
		library.unload();
	}

	void testListToolsFollowsPages()
	{
		start({demo("demo", {"--page-size=1"})});
		auto tools = call("list_tools").extract<Poco::JSON::Object::Ptr>()->getArray("tools");
		std::vector<std::string> names;
		for (std::size_t i = 0; i < tools->size(); ++i)
		{
			names.push_back(tools->getObject(static_cast<unsigned>(i))->getValue<std::string>("name"));
			CPPUNIT_ASSERT_EQUAL(std::string("demo"), tools->getObject(static_cast<unsigned>(i))->getValue<std::string>("server"));
		}
		CPPUNIT_ASSERT(names == std::vector<std::string>({"echo", "add", "current_time", "list_directory"}));
		auto health = _manager->health()->getObject(0);
		CPPUNIT_ASSERT(health->getValue<bool>("connected"));
		CPPUNIT_ASSERT_EQUAL(4, health->getValue<int>("tools"));
		CPPUNIT_ASSERT_EQUAL(std::string("2025-11-25"), health->getValue<std::string>("protocolVersion"));
	}

	void testCallTools()
	{
		start({demo("demo", {})});
		CPPUNIT_ASSERT_EQUAL(std::string("h\xC3\xA9llo w\xC3\xB6rld"), text(call("call_tool", R"({"tool_name": "echo", "args": {"message": "h\u00e9llo w\u00f6rld"}})")));
		auto sum = call("execute_tool", R"({"name": "add", "arguments": {"a": 2, "b": 40}})").extract<Poco::JSON::Object::Ptr>();
		CPPUNIT_ASSERT_EQUAL(std::string("42"), sum->getArray("content")->getObject(0)->getValue<std::string>("text"));
		CPPUNIT_ASSERT_EQUAL(42.0, sum->getObject("structuredContent")->getValue<double>("sum"));
		CPPUNIT_ASSERT(!sum->getValue<bool>("isError"));
		std::string now = text(call("call_tool", R"({"tool_name": "current_time"})"));
		CPPUNIT_ASSERT_EQUAL(std::size_t(20), now.size());
		CPPUNIT_ASSERT_EQUAL('T', now[10]);
		CPPUNIT_ASSERT_EQUAL('Z', now[19]);
		auto schema = call("get_tool_schema", R"({"tool_name": "add"})").extract<Poco::JSON::Object::Ptr>();
		CPPUNIT_ASSERT(schema->getObject("inputSchema"));
		CPPUNIT_ASSERT(schema->getObject("outputSchema"));
		CPPUNIT_ASSERT_EQUAL(std::string("{}"), toJson(call("ping")));
	}

	void testToolErrorIsAResult()
	{
		start({demo("demo", {})});
		auto result = call("call_tool", R"({"tool_name": "add", "args": {"a": "two"}})").extract<Poco::JSON::Object::Ptr>();
		CPPUNIT_ASSERT(result->getValue<bool>("isError"));
		CPPUNIT_ASSERT(result->getArray("content")->getObject(0)->getValue<std::string>("text").find("'a' and 'b'") != std::string::npos);
		// A sum past the largest double has no JSON form: a tool error, and
		// the answer stays JSON (it was parsed to get here).
		auto overflow = call("call_tool", R"({"tool_name": "add", "args": {"a": 1e308, "b": 1e308}})").extract<Poco::JSON::Object::Ptr>();
		CPPUNIT_ASSERT(overflow->getValue<bool>("isError"));
		CPPUNIT_ASSERT(!overflow->has("structuredContent"));
		CPPUNIT_ASSERT(overflow->getArray("content")->getObject(0)->getValue<std::string>("text").find("too large") != std::string::npos);
	}

	void testUnknownTool()
	{
		start({demo("demo", {})});
		expect(404, "error", "Tool 'nope' not found", [this] { call("get_tool_schema", R"({"tool_name": "nope"})"); });
		expect(404, "error", "Tool 'nope' not found", [this] { call("call_tool", R"({"tool_name": "nope"})"); });
		// The demo has no prompts: refused without asking it.
		expect(501, "error", "", [this] { call("list_prompts"); });
	}

	void testListDirectory()
	{
		std::string dir = NashTest::makeTempDir("mcp-list");
		NashTest::writeFile(dir + "/b.txt", "b");
		NashTest::writeFile(dir + "/a.txt", "a");
		Poco::File(dir + "/sub").createDirectory();
		start({demo("demo", {})});
		CPPUNIT_ASSERT_EQUAL(std::string("a.txt\nb.txt\nsub/\n"), text(call("call_tool", R"({"tool_name": "list_directory", "args": {"path": ")" + dir + R"("}})")));
		auto missing = call("call_tool", R"({"tool_name": "list_directory", "args": {"path": ")" + dir + R"(/none"}})").extract<Poco::JSON::Object::Ptr>();
		CPPUNIT_ASSERT(missing->getValue<bool>("isError"));
	}

	void testCrashMidCallThenRecovery()
	{
		start({demo("demo", {"--test-tools"})});
		std::string firstPid = text(call("call_tool", R"({"tool_name": "pid"})"));
		auto started = std::chrono::steady_clock::now();
		expect(503, "error", "", [this] { call("call_tool", R"({"tool_name": "crash"})"); });
		CPPUNIT_ASSERT(std::chrono::steady_clock::now() - started < 5s);
		CPPUNIT_ASSERT(NashTest::waitUntil([this] { return !_manager->health()->getObject(0)->getValue<bool>("connected"); }, 5s));
		CPPUNIT_ASSERT(_manager->health()->getObject(0)->getValue<std::string>("lastError").find("exited with code 3") != std::string::npos);
		// The next call starts it again.
		CPPUNIT_ASSERT_EQUAL(std::string("back"), text(call("call_tool", R"({"tool_name": "echo", "args": {"message": "back"}})")));
		CPPUNIT_ASSERT(text(call("call_tool", R"({"tool_name": "pid"})")) != firstPid);
		CPPUNIT_ASSERT(_manager->health()->getObject(0)->getValue<bool>("connected"));
	}

	void testKilledServerRestartsOnNextCall()
	{
		start({demo("demo", {"--test-tools"})});
		int pid = std::stoi(text(call("call_tool", R"({"tool_name": "pid"})")));
		Poco::Process::kill(pid);
		CPPUNIT_ASSERT(NashTest::waitUntil([this] { return !_manager->health()->getObject(0)->getValue<bool>("connected"); }, 5s));
		CPPUNIT_ASSERT(_manager->health()->getObject(0)->getValue<std::string>("lastError").find("signal 9") != std::string::npos);
		int second = std::stoi(text(call("call_tool", R"({"tool_name": "pid"})")));
		CPPUNIT_ASSERT(second != pid);
		// A second quick death: the immediate restart was used, so now the
		// back-off answers 503 at once without starting it.
		Poco::Process::kill(second);
		CPPUNIT_ASSERT(NashTest::waitUntil([this] { return !_manager->health()->getObject(0)->getValue<bool>("connected"); }, 5s));
		auto started = std::chrono::steady_clock::now();
		expect(503, "error", "", [this] { call("call_tool", R"({"tool_name": "pid"})"); });
		CPPUNIT_ASSERT(std::chrono::steady_clock::now() - started < 1s);
	}

	void testHangingToolTimesOut()
	{
		Nash::McpServerSettings settings = demo("demo", {"--test-tools"});
		settings.toolTimeout = 400ms;
		start({settings});
		call("ping");
		auto started = std::chrono::steady_clock::now();
		expect(504, "error", "", [this] { call("call_tool", R"({"tool_name": "hang"})"); });
		auto elapsed = std::chrono::steady_clock::now() - started;
		CPPUNIT_ASSERT(elapsed >= 400ms && elapsed < 3s);
		// The server is still usable.
		CPPUNIT_ASSERT_EQUAL(std::string("still here"), text(call("call_tool", R"({"tool_name": "echo", "args": {"message": "still here"}})")));
	}

	void testCancelledCallReturnsAtOnce()
	{
		start({demo("demo", {"--test-tools"})});
		call("list_tools");
		Nash::CancellationToken token;
		std::thread canceller([&token] { std::this_thread::sleep_for(200ms); token.cancel(); });
		auto started = std::chrono::steady_clock::now();
		try
		{
			_manager->call("call_tool", args(R"({"tool_name": "hang"})"), token);
			CPPUNIT_FAIL("a cancelled call must throw");
		}
		catch (Nash::McpError& exc)
		{
			CPPUNIT_ASSERT_EQUAL(499, exc.httpStatus());
		}
		canceller.join();
		CPPUNIT_ASSERT(std::chrono::steady_clock::now() - started < 5s);
	}

	void testSilentServerIsUnavailable()
	{
		Nash::McpServerSettings settings = demo("silent", {"--silent"});
		settings.requestTimeout = 300ms;
		start({settings});
		auto started = std::chrono::steady_clock::now();
		expect(503, "error", "did not complete initialize", [this] { call("list_tools"); });
		CPPUNIT_ASSERT(std::chrono::steady_clock::now() - started < 5s);
	}

	void testUnsupportedVersionRefused()
	{
		start({demo("old", {"--protocol-version=1999-01-01"})});
		expect(503, "error", "'1999-01-01'", [this] { call("list_tools"); });
		CPPUNIT_ASSERT(!_manager->health()->getObject(0)->getValue<bool>("connected"));
	}

	void testMissingCommandIsUnavailable()
	{
		Nash::McpServerSettings settings = demo("missing", {});
		settings.transportConfig->setString("command", "nash-mcp-no-such-command-here");
		start({settings});
		expect(503, "error", "nash-mcp-no-such-command-here", [this] { call("list_tools"); });
	}

	void testStopReapsServers()
	{
		start({demo("a", {"--test-tools"}), demo("b", {"--test-tools"})});
		int a = std::stoi(text(call("call_tool", R"({"tool_name": "pid", "server": "a"})")));
		int b = std::stoi(text(call("call_tool", R"({"tool_name": "pid", "server": "b"})")));
		CPPUNIT_ASSERT(Poco::Process::isRunning(a) && Poco::Process::isRunning(b));
		_manager->stop();
		CPPUNIT_ASSERT(!Poco::Process::isRunning(a));
		CPPUNIT_ASSERT(!Poco::Process::isRunning(b));
	}

	void testTwoServers()
	{
		start({demo("one", {}), demo("two", {"--test-tools"})});
		auto tools = call("list_tools").extract<Poco::JSON::Object::Ptr>()->getArray("tools");
		CPPUNIT_ASSERT_EQUAL(std::size_t(4 + 10), tools->size());
		expect(409, "detail", "", [this] { call("call_tool", R"({"tool_name": "echo", "args": {"message": "x"}})"); });
		CPPUNIT_ASSERT_EQUAL(std::string("x"), text(call("call_tool", R"({"tool_name": "echo", "server": "two", "args": {"message": "x"}})")));
		// Only "two" has the test tools: the unique name chooses it.
		CPPUNIT_ASSERT(!text(call("call_tool", R"({"tool_name": "pid"})")).empty());
		auto health = _manager->health();
		CPPUNIT_ASSERT_EQUAL(std::size_t(2), health->size());
	}

	void testFromMcpConfigJson()
	{
		std::string dir = NashTest::makeTempDir("mcp-config");
		NashTest::writeFile(dir + "/mcp.json", std::string(R"({"mcpServers": {"demo": {"command": ")") + NASH_MCP_DEMO_SERVER +
			R"(", "args": ["--page-size=3"], "timeout": 5}, "off": {"command": "x", "disabled": true}}})");
		auto servers = Nash::McpServerSettings::fromJsonFile(dir + "/mcp.json");
		start(servers);
		auto tools = call("list_tools").extract<Poco::JSON::Object::Ptr>()->getArray("tools");
		CPPUNIT_ASSERT_EQUAL(std::size_t(4), tools->size());
		CPPUNIT_ASSERT_EQUAL(std::string("ok"), text(call("call_tool", R"({"tool_name": "echo", "args": {"message": "ok"}})")));
	}

	void testObserverSeesCrashAndRestart()
	{
		_manager.reset(new Nash::McpManager({demo("demo", {"--test-tools"})}, createTransport));
		_manager->setObserver(&_observer);
		_manager->start();
		call("call_tool", R"({"tool_name": "pid"})");
		expect(503, "error", "", [this] { call("call_tool", R"({"tool_name": "crash"})"); });
		CPPUNIT_ASSERT(NashTest::waitUntil([this] { return !_manager->health()->getObject(0)->getValue<bool>("connected"); }, 5s));
		CPPUNIT_ASSERT(_observer.restarts().empty());
		auto failed = call("call_tool", R"({"tool_name": "add", "args": {"a": "two"}})").extract<Poco::JSON::Object::Ptr>();
		CPPUNIT_ASSERT(failed->getValue<bool>("isError"));

		CPPUNIT_ASSERT(_observer.restarts() == std::vector<std::string>({"demo"}));
		auto tools = _observer.toolCalls();
		CPPUNIT_ASSERT_EQUAL(std::size_t(3), tools.size());
		CPPUNIT_ASSERT_EQUAL(std::string("pid"), tools[0].tool);
		CPPUNIT_ASSERT_EQUAL(std::string("ok"), tools[0].outcome);
		CPPUNIT_ASSERT_EQUAL(std::string("crash"), tools[1].tool);
		CPPUNIT_ASSERT_EQUAL(std::string("unavailable"), tools[1].outcome);
		CPPUNIT_ASSERT_EQUAL(std::string("add"), tools[2].tool);
		CPPUNIT_ASSERT_EQUAL(std::string("tool_error"), tools[2].outcome);
		auto calls = _observer.calls("tools/call");
		CPPUNIT_ASSERT_EQUAL(std::size_t(3), calls.size());
		CPPUNIT_ASSERT_EQUAL(std::string("unavailable"), calls[1].outcome);
		CPPUNIT_ASSERT_EQUAL(std::string("ok"), calls[2].outcome);
		for (const auto& list: _observer.calls("tools/list"))
		{
			CPPUNIT_ASSERT_EQUAL(std::string("demo"), list.server);
			CPPUNIT_ASSERT_EQUAL(std::string("ok"), list.outcome);
			CPPUNIT_ASSERT(list.seconds >= 0.0);
		}
		CPPUNIT_ASSERT(_observer.calls("initialize").empty());
	}

private:
	static Nash::McpServerSettings demo(const std::string& name, const std::vector<std::string>& demoArgs)
	{
		Nash::McpServerSettings settings = Nash::McpServerSettings::stdioServer(name, NASH_MCP_DEMO_SERVER, demoArgs);
		settings.restartBackoff = 30s;
		settings.restartBackoffMax = 60s;
		return settings;
	}

	void start(const std::vector<Nash::McpServerSettings>& servers)
	{
		_manager.reset(new Nash::McpManager(servers, createTransport));
		_manager->start();
	}

	Poco::Dynamic::Var call(const std::string& method, const std::string& json = "{}")
	{
		Nash::CancellationToken token;
		return _manager->call(method, args(json), token);
	}

	static void expect(int status, const std::string& field, const std::string& part, const std::function<void()>& action)
	{
		try
		{
			action();
			CPPUNIT_FAIL("must fail with " + std::to_string(status));
		}
		catch (Nash::McpError& exc)
		{
			CPPUNIT_ASSERT_EQUAL_MESSAGE(exc.message(), status, exc.httpStatus());
			CPPUNIT_ASSERT_EQUAL_MESSAGE(exc.message(), field, exc.bodyField());
			CPPUNIT_ASSERT_MESSAGE(exc.message() + " should contain " + part, exc.message().find(part) != std::string::npos);
		}
	}

	static std::string toJson(const Poco::Dynamic::Var& value)
	{
		std::ostringstream out;
		Poco::JSON::Stringifier::condense(value, out);
		return out.str();
	}

	NashTest::RecordingObserver _observer;
		// Before _manager: outlives the clients that report to it.
	std::unique_ptr<Nash::McpManager> _manager;
};


CPPUNIT_TEST_SUITE_REGISTRATION(McpDemoServerTest);
