//
// McpObserverTest.cpp
//
// What McpManager and McpClient report to an McpObserver: requests with
// their outcome and duration, restarts, and tool calls named only by the
// tools a server listed; over scripted transports.
//


#include "McpClient.h"
#include "McpError.h"
#include "McpManager.h"
#include "RecordingObserver.h"
#include "ScriptedTransport.h"
#include <cppunit/extensions/HelperMacros.h>
#include <thread>


using namespace std::chrono_literals;
using NashTest::RecordingObserver;
using NashTest::ScriptedTransport;


namespace {


ScriptedTransport::Script toolServer(const std::vector<std::string>& names)
	/// Lists names. tools/call: "fails" answers a JSON-RPC error, "broken"
	/// a result with isError, "hang" and "crash" nothing (the test makes the
	/// server go away, from its own thread as a transport's reader would);
	/// every other tool answers its name.
{
	return ScriptedTransport::server("2025-11-25", R"({"tools":{}})", [names](ScriptedTransport& transport, const Poco::JSON::Object::Ptr& message)
	{
		std::string method = message->optValue<std::string>("method", "");
		if (method == "tools/list")
		{
			Poco::JSON::Array::Ptr tools = new Poco::JSON::Array;
			for (const auto& name: names)
			{
				Poco::JSON::Object::Ptr tool = new Poco::JSON::Object;
				tool->set("name", name);
				tool->set("inputSchema", ScriptedTransport::parse(R"({"type":"object"})"));
				tools->add(tool);
			}
			Poco::JSON::Object::Ptr result = new Poco::JSON::Object;
			result->set("tools", tools);
			transport.reply(message, result);
			return true;
		}
		if (method == "tools/call")
		{
			std::string name = message->getObject("params")->getValue<std::string>("name");
			if (name == "hang" || name == "crash") return true;
			if (name == "fails") transport.replyError(message, -32603, "Internal error");
			else if (name == "broken") transport.reply(message, ScriptedTransport::parse(R"({"content":[{"type":"text","text":"no"}],"isError":true})"));
			else transport.reply(message, ScriptedTransport::parse(R"({"content":[{"type":"text","text":")" + name + R"("}]})"));
			return true;
		}
		return false;
	});
}


Nash::McpServerSettings settingsFor(const std::string& name)
{
	Nash::McpServerSettings settings;
	settings.name = name;
	settings.transport = "scripted";
	settings.plugin = "scripted";
	settings.restartBackoff = 1ms;
	settings.restartBackoffMax = 1ms;
	return settings;
}


} // namespace


class McpObserverTest: public CppUnit::TestFixture
{
	CPPUNIT_TEST_SUITE(McpObserverTest);
	CPPUNIT_TEST(testListAndCallAreOk);
	CPPUNIT_TEST(testUnlistedToolIsOther);
	CPPUNIT_TEST(testToolErrorResult);
	CPPUNIT_TEST(testRpcErrorIsError);
	CPPUNIT_TEST(testRestartCountsOnce);
	CPPUNIT_TEST(testTimeoutCancelledUnavailable);
	CPPUNIT_TEST(testWithoutObserver);
	CPPUNIT_TEST_SUITE_END();

public:
	void tearDown() override
	{
		_manager.reset();
		_transport = nullptr;
	}

	void testListAndCallAreOk()
	{
		startWith(toolServer({"echo"}));
		call("list_tools", nullptr);
		call("call_tool", ScriptedTransport::parse(R"({"tool_name": "echo", "args": {"secret": "xyz-argument"}})"));

		auto lists = _observer.calls("tools/list");
		CPPUNIT_ASSERT_EQUAL(std::size_t(1), lists.size());
		CPPUNIT_ASSERT_EQUAL(std::string("alpha"), lists[0].server);
		CPPUNIT_ASSERT_EQUAL(std::string("ok"), lists[0].outcome);
		CPPUNIT_ASSERT(lists[0].seconds >= 0.0);
		auto calls = _observer.calls("tools/call");
		CPPUNIT_ASSERT_EQUAL(std::size_t(1), calls.size());
		CPPUNIT_ASSERT_EQUAL(std::string("ok"), calls[0].outcome);
		CPPUNIT_ASSERT(calls[0].seconds >= 0.0 && calls[0].seconds < 60.0);
		auto tools = _observer.toolCalls();
		CPPUNIT_ASSERT_EQUAL(std::size_t(1), tools.size());
		CPPUNIT_ASSERT_EQUAL(std::string("alpha"), tools[0].server);
		CPPUNIT_ASSERT_EQUAL(std::string("echo"), tools[0].tool);
		CPPUNIT_ASSERT_EQUAL(std::string("ok"), tools[0].outcome);
		// The handshake is no call, and the first start no restart.
		CPPUNIT_ASSERT(_observer.calls("initialize").empty());
		CPPUNIT_ASSERT_EQUAL(std::size_t(2), _observer.allCalls().size());
		CPPUNIT_ASSERT(_observer.restarts().empty());
		// The cached list asks nothing, so counts nothing.
		call("list_tools", nullptr);
		CPPUNIT_ASSERT_EQUAL(std::size_t(1), _observer.calls("tools/list").size());
	}

	void testUnlistedToolIsOther()
	{
		// The manager asks no server for a tool none listed ...
		startWith(toolServer({"echo"}));
		expectStatus("call_tool", ScriptedTransport::parse(R"({"tool_name": "made-up-name"})"), 404);
		CPPUNIT_ASSERT(_observer.calls("tools/call").empty());
		CPPUNIT_ASSERT(_observer.toolCalls().empty());

		// ... but a client can be asked for one (or the server dropped it
		// from its list): counted, under "other".
		Nash::McpClient client(settingsFor("beta"), std::unique_ptr<Nash::McpTransport>(new ScriptedTransport(toolServer({"echo"}))));
		client.setObserver(&_observer);
		client.callTool("made-up-name", nullptr, nullptr);
		client.listTools(nullptr);
		client.callTool("made-up-name", nullptr, nullptr);
		client.callTool("echo", nullptr, nullptr);
		auto tools = _observer.toolCalls();
		CPPUNIT_ASSERT_EQUAL(std::size_t(3), tools.size());
		CPPUNIT_ASSERT_EQUAL(std::string("beta"), tools[0].server);
		CPPUNIT_ASSERT_EQUAL(std::string("other"), tools[0].tool);
		CPPUNIT_ASSERT_EQUAL(std::string("ok"), tools[0].outcome);
		CPPUNIT_ASSERT_EQUAL(std::string("other"), tools[1].tool);
		CPPUNIT_ASSERT_EQUAL(std::string("echo"), tools[2].tool);
		for (const auto& call: _observer.allCalls())
			CPPUNIT_ASSERT(call.method.find("made-up") == std::string::npos);
		client.shutdown();
	}

	void testToolErrorResult()
	{
		startWith(toolServer({"broken"}));
		auto result = call("call_tool", ScriptedTransport::parse(R"({"tool_name": "broken"})")).extract<Poco::JSON::Object::Ptr>();
		CPPUNIT_ASSERT(result->getValue<bool>("isError"));
		// The request itself was answered; the tool failed.
		auto calls = _observer.calls("tools/call");
		CPPUNIT_ASSERT_EQUAL(std::size_t(1), calls.size());
		CPPUNIT_ASSERT_EQUAL(std::string("ok"), calls[0].outcome);
		auto tools = _observer.toolCalls();
		CPPUNIT_ASSERT_EQUAL(std::size_t(1), tools.size());
		CPPUNIT_ASSERT_EQUAL(std::string("broken"), tools[0].tool);
		CPPUNIT_ASSERT_EQUAL(std::string("tool_error"), tools[0].outcome);
	}

	void testRpcErrorIsError()
	{
		startWith(toolServer({"fails"}));
		expectStatus("call_tool", ScriptedTransport::parse(R"({"tool_name": "fails"})"), 502);
		auto calls = _observer.calls("tools/call");
		CPPUNIT_ASSERT_EQUAL(std::size_t(1), calls.size());
		CPPUNIT_ASSERT_EQUAL(std::string("error"), calls[0].outcome);
		CPPUNIT_ASSERT(calls[0].seconds >= 0.0);
		auto tools = _observer.toolCalls();
		CPPUNIT_ASSERT_EQUAL(std::size_t(1), tools.size());
		CPPUNIT_ASSERT_EQUAL(std::string("fails"), tools[0].tool);
		CPPUNIT_ASSERT_EQUAL(std::string("error"), tools[0].outcome);
	}

	void testRestartCountsOnce()
	{
		startWith(toolServer({"echo"}));
		call("call_tool", ScriptedTransport::parse(R"({"tool_name": "echo"})"));
		CPPUNIT_ASSERT(_observer.restarts().empty());
		_transport->closeFromPeer("the process exited with code 1");
		call("call_tool", ScriptedTransport::parse(R"({"tool_name": "echo"})"));
		CPPUNIT_ASSERT_EQUAL(2, _transport->state()->starts);
		auto restarts = _observer.restarts();
		CPPUNIT_ASSERT_EQUAL(std::size_t(1), restarts.size());
		CPPUNIT_ASSERT_EQUAL(std::string("alpha"), restarts[0]);
		// The tool was listed before the restart: still named.
		auto tools = _observer.toolCalls();
		CPPUNIT_ASSERT_EQUAL(std::size_t(2), tools.size());
		CPPUNIT_ASSERT_EQUAL(std::string("echo"), tools[1].tool);
		CPPUNIT_ASSERT_EQUAL(std::string("ok"), tools[1].outcome);
		// stop() and start() are no restart.
		_manager->stop();
		_manager->start();
		call("call_tool", ScriptedTransport::parse(R"({"tool_name": "echo"})"));
		CPPUNIT_ASSERT_EQUAL(std::size_t(1), _observer.restarts().size());
	}

	void testTimeoutCancelledUnavailable()
	{
		Nash::McpServerSettings settings = settingsFor("alpha");
		// Long enough for the crash below to come first, even under a sanitizer.
		settings.toolTimeout = 500ms;
		startWith(toolServer({"hang", "echo", "crash"}), settings);
		expectStatus("call_tool", ScriptedTransport::parse(R"({"tool_name": "hang"})"), 504);
		Nash::CancellationToken cancelled;
		cancelled.cancel();
		try
		{
			_manager->call("call_tool", ScriptedTransport::parse(R"({"tool_name": "echo"})"), cancelled);
			CPPUNIT_FAIL("a cancelled call must fail");
		}
		catch (Nash::McpError& exc)
		{
			CPPUNIT_ASSERT_EQUAL(499, exc.httpStatus());
		}
		// The server dies in the middle of a call ...
		std::thread peer([this] {
			_transport->waitForSent([](const Poco::JSON::Object::Ptr& message) {
				Poco::JSON::Object::Ptr params = message->getObject("params");
				return params && params->optValue<std::string>("name", "") == "crash";
			}, 5000ms);
			_transport->closeFromPeer("the process exited with code 3");
		});
		expectStatus("call_tool", ScriptedTransport::parse(R"({"tool_name": "crash"})"), 503);
		peer.join();
		// ... and cannot be started again: the tools/list that comes first
		// fails for want of a connection; no tools/call goes out.
		_transport->state()->startError = "cannot spawn";
		expectStatus("call_tool", ScriptedTransport::parse(R"({"tool_name": "echo"})"), 503);

		auto calls = _observer.calls("tools/call");
		CPPUNIT_ASSERT_EQUAL(std::size_t(3), calls.size());
		CPPUNIT_ASSERT_EQUAL(std::string("timeout"), calls[0].outcome);
		CPPUNIT_ASSERT(calls[0].seconds >= 0.04);
		CPPUNIT_ASSERT_EQUAL(std::string("cancelled"), calls[1].outcome);
		CPPUNIT_ASSERT_EQUAL(std::string("unavailable"), calls[2].outcome);
		auto tools = _observer.toolCalls();
		CPPUNIT_ASSERT_EQUAL(std::size_t(3), tools.size());
		CPPUNIT_ASSERT_EQUAL(std::string("hang"), tools[0].tool);
		CPPUNIT_ASSERT_EQUAL(std::string("timeout"), tools[0].outcome);
		CPPUNIT_ASSERT_EQUAL(std::string("echo"), tools[1].tool);
		CPPUNIT_ASSERT_EQUAL(std::string("cancelled"), tools[1].outcome);
		CPPUNIT_ASSERT_EQUAL(std::string("crash"), tools[2].tool);
		CPPUNIT_ASSERT_EQUAL(std::string("unavailable"), tools[2].outcome);
		auto lists = _observer.calls("tools/list");
		CPPUNIT_ASSERT_EQUAL(std::size_t(2), lists.size());
		CPPUNIT_ASSERT_EQUAL(std::string("ok"), lists[0].outcome);
		CPPUNIT_ASSERT_EQUAL(std::string("unavailable"), lists[1].outcome);
		// The failed start was a restart all the same.
		CPPUNIT_ASSERT_EQUAL(std::size_t(1), _observer.restarts().size());
	}

	void testWithoutObserver()
	{
		startWith(toolServer({"echo"}));
		_manager->setObserver(nullptr);
		call("list_tools", nullptr);
		call("call_tool", ScriptedTransport::parse(R"({"tool_name": "echo"})"));
		_transport->closeFromPeer("gone");
		call("call_tool", ScriptedTransport::parse(R"({"tool_name": "echo"})"));
		CPPUNIT_ASSERT(_observer.allCalls().empty());
		CPPUNIT_ASSERT(_observer.toolCalls().empty());
		CPPUNIT_ASSERT(_observer.restarts().empty());
	}

private:
	void startWith(const ScriptedTransport::Script& script, const Nash::McpServerSettings& settings = settingsFor("alpha"))
	{
		_manager.reset(new Nash::McpManager({settings}, [this, script](const std::string&)
		{
			// Kept to make the server go away: the manager owns it.
			_transport = new ScriptedTransport(script);
			return std::unique_ptr<Nash::McpTransport>(_transport);
		}));
		_manager->setObserver(&_observer);
		// No start(): its background listing would race with the counts.
	}

	Poco::Dynamic::Var call(const std::string& method, const Poco::JSON::Object::Ptr& arguments)
	{
		Nash::CancellationToken token;
		return _manager->call(method, arguments, token);
	}

	void expectStatus(const std::string& method, const Poco::JSON::Object::Ptr& arguments, int status)
	{
		try
		{
			call(method, arguments);
			CPPUNIT_FAIL(method + " must fail with " + std::to_string(status));
		}
		catch (Nash::McpError& exc)
		{
			CPPUNIT_ASSERT_EQUAL_MESSAGE(method + ": " + exc.message(), status, exc.httpStatus());
		}
	}

	RecordingObserver _observer;
	std::unique_ptr<Nash::McpManager> _manager;
	ScriptedTransport* _transport = nullptr;
};


CPPUNIT_TEST_SUITE_REGISTRATION(McpObserverTest);
