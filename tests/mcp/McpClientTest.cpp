//
// McpClientTest.cpp
//
// The handshake and version negotiation, capabilities, paging, caching,
// restart and back-off of one MCP server, over a scripted transport.
//


#include "McpClient.h"
#include "McpError.h"
#include "ScriptedTransport.h"
#include "Poco/AutoPtr.h"
#include "Poco/Channel.h"
#include "Poco/Logger.h"
#include "Poco/Message.h"
#include <cppunit/extensions/HelperMacros.h>
#include <future>


using namespace std::chrono_literals;
using NashTest::ScriptedTransport;


namespace {


class CapturingChannel: public Poco::Channel
	/// Keeps what is logged, for the assertions.
{
public:
	void log(const Poco::Message& message) override
	{
		std::lock_guard<std::mutex> lock(_mutex);
		_messages.push_back(message);
	}

	std::vector<Poco::Message> messages()
	{
		std::lock_guard<std::mutex> lock(_mutex);
		return _messages;
	}

private:
	std::mutex _mutex;
	std::vector<Poco::Message> _messages;
};


Poco::JSON::Array::Ptr namedItems(const std::string& prefix, int from, int to)
{
	Poco::JSON::Array::Ptr items = new Poco::JSON::Array;
	for (int i = from; i < to; ++i)
	{
		Poco::JSON::Object::Ptr item = new Poco::JSON::Object;
		item->set("name", prefix + std::to_string(i));
		items->add(item);
	}
	return items;
}


bool pagedTools(ScriptedTransport& transport, const Poco::JSON::Object::Ptr& message)
	/// tools/list in three pages of two, cursors "p2" and "p3".
{
	if (message->optValue<std::string>("method", "") != "tools/list") return false;
	Poco::JSON::Object::Ptr params = message->getObject("params");
	std::string cursor = params && params->has("cursor") ? params->getValue<std::string>("cursor") : "";
	Poco::JSON::Object::Ptr result = new Poco::JSON::Object;
	if (cursor.empty())
	{
		result->set("tools", namedItems("tool", 0, 2));
		result->set("nextCursor", "p2");
	}
	else if (cursor == "p2")
	{
		result->set("tools", namedItems("tool", 2, 4));
		result->set("nextCursor", "p3");
	}
	else
	{
		result->set("tools", namedItems("tool", 4, 6));
	}
	transport.reply(message, result);
	return true;
}


} // namespace


class McpClientTest: public CppUnit::TestFixture
{
	CPPUNIT_TEST_SUITE(McpClientTest);
	CPPUNIT_TEST(testHandshake);
	CPPUNIT_TEST(testElicitationDeclaredOnlyWithPolicy);
	CPPUNIT_TEST(testOlderVersionsAccepted);
	CPPUNIT_TEST(testUnknownVersionDisconnects);
	CPPUNIT_TEST(testInitializeErrorIsUnavailable);
	CPPUNIT_TEST(testPagingFollowsCursor);
	CPPUNIT_TEST(testRepeatedCursorRefused);
	CPPUNIT_TEST(testListCachedUntilListChanged);
	CPPUNIT_TEST(testListChangedWhilePaging);
	CPPUNIT_TEST(testCapabilitiesRespected);
	CPPUNIT_TEST(testRestartAfterDeath);
	CPPUNIT_TEST(testBackoffAfterFailedStarts);
	CPPUNIT_TEST(testToolTimeout);
	CPPUNIT_TEST(testCallToolAddsIsError);
	CPPUNIT_TEST(testLogNotificationLogged);
	CPPUNIT_TEST(testConcurrentCallersShareOneConnect);
	CPPUNIT_TEST(testShutdownRefuses);
	CPPUNIT_TEST_SUITE_END();

public:
	void testHandshake()
	{
		auto client = makeClient(ScriptedTransport::server("2025-11-25", R"({"tools":{}})"));
		client->connect(nullptr);
		CPPUNIT_ASSERT(client->isConnected());
		auto initialize = _transport->waitForMethod("initialize", 1s);
		CPPUNIT_ASSERT(initialize);
		Poco::JSON::Object::Ptr params = initialize->getObject("params");
		CPPUNIT_ASSERT_EQUAL(std::string("2025-11-25"), params->getValue<std::string>("protocolVersion"));
		CPPUNIT_ASSERT(params->getObject("capabilities"));
		CPPUNIT_ASSERT_EQUAL(std::string("nash-llm-server"), params->getObject("clientInfo")->getValue<std::string>("name"));
		auto initialized = _transport->waitForMethod("notifications/initialized", 1s);
		CPPUNIT_ASSERT(initialized);
		CPPUNIT_ASSERT(!initialized->has("id"));
		// initialized comes after the initialize request, and nothing before it.
		CPPUNIT_ASSERT_EQUAL(std::string("initialize"), _state->sent.front()->getValue<std::string>("method"));
		CPPUNIT_ASSERT_EQUAL(std::string("2025-11-25"), _state->protocolVersion);
		CPPUNIT_ASSERT_EQUAL(std::string("2025-11-25"), client->protocolVersion());
		auto status = client->status();
		CPPUNIT_ASSERT(status->getValue<bool>("connected"));
		CPPUNIT_ASSERT_EQUAL(std::string("scripted"), status->getObject("serverInfo")->getValue<std::string>("name"));
	}

	void testElicitationDeclaredOnlyWithPolicy()
	{
		auto plain = makeClient(ScriptedTransport::server("2025-11-25", R"({"tools":{}})"));
		plain->connect(nullptr);
		auto initialize = _transport->waitForMethod("initialize", 1s);
		CPPUNIT_ASSERT(initialize);
		CPPUNIT_ASSERT_EQUAL(std::size_t(0), initialize->getObject("params")->getObject("capabilities")->size());
		plain.reset();

		Nash::McpServerSettings settings = baseSettings();
		settings.elicitation = Nash::ElicitationPolicy::Defaults;
		auto eliciting = makeClient(ScriptedTransport::server("2025-11-25", R"({"tools":{}})"), settings);
		eliciting->connect(nullptr);
		initialize = _transport->waitForMethod("initialize", 1s);
		CPPUNIT_ASSERT(initialize);
		Poco::JSON::Object::Ptr elicitation = initialize->getObject("params")->getObject("capabilities")->getObject("elicitation");
		CPPUNIT_ASSERT(elicitation);
		CPPUNIT_ASSERT(elicitation->getObject("form"));
		CPPUNIT_ASSERT(!elicitation->has("url"));
	}

	void testOlderVersionsAccepted()
	{
		for (const std::string version: {"2025-06-18", "2025-03-26", "2024-11-05"})
		{
			auto client = makeClient(ScriptedTransport::server(version, R"({"tools":{}})"));
			client->connect(nullptr);
			CPPUNIT_ASSERT_EQUAL(version, client->protocolVersion());
			CPPUNIT_ASSERT_EQUAL(version, _state->protocolVersion);
		}
	}

	void testUnknownVersionDisconnects()
	{
		auto client = makeClient(ScriptedTransport::server("2099-01-01", R"({"tools":{}})"));
		try
		{
			client->connect(nullptr);
			CPPUNIT_FAIL("an unknown protocol version must be refused");
		}
		catch (Nash::McpError& exc)
		{
			CPPUNIT_ASSERT_EQUAL(503, exc.httpStatus());
			CPPUNIT_ASSERT(exc.message().find("'2099-01-01'") != std::string::npos);
			CPPUNIT_ASSERT(exc.message().find("2025-11-25") != std::string::npos);
		}
		CPPUNIT_ASSERT(!client->isConnected());
		CPPUNIT_ASSERT(!_transport->isOpen());
		CPPUNIT_ASSERT(_transport->sentWithMethod("notifications/initialized").empty());
		CPPUNIT_ASSERT(client->status()->getValue<std::string>("lastError").find("2099-01-01") != std::string::npos);
	}

	void testInitializeErrorIsUnavailable()
	{
		auto client = makeClient([](ScriptedTransport& transport, const Poco::JSON::Object::Ptr& message)
		{
			if (message->optValue<std::string>("method", "") == "initialize") transport.replyError(message, -32600, "no");
		});
		try
		{
			client->connect(nullptr);
			CPPUNIT_FAIL("a refused initialize must throw");
		}
		catch (Nash::McpError& exc)
		{
			CPPUNIT_ASSERT_EQUAL(503, exc.httpStatus());
			CPPUNIT_ASSERT(!exc.isRpcError());
			CPPUNIT_ASSERT(exc.message().find("-32600 no") != std::string::npos);
		}
	}

	void testPagingFollowsCursor()
	{
		auto client = makeClient(ScriptedTransport::server("2025-11-25", R"({"tools":{}})", pagedTools));
		auto tools = client->listTools(nullptr);
		CPPUNIT_ASSERT_EQUAL(std::size_t(6), tools->size());
		for (int i = 0; i < 6; ++i)
			CPPUNIT_ASSERT_EQUAL("tool" + std::to_string(i), tools->getObject(i)->getValue<std::string>("name"));
		auto requests = _transport->sentWithMethod("tools/list");
		CPPUNIT_ASSERT_EQUAL(std::size_t(3), requests.size());
		CPPUNIT_ASSERT(!requests[0]->getObject("params")->has("cursor"));
		CPPUNIT_ASSERT_EQUAL(std::string("p2"), requests[1]->getObject("params")->getValue<std::string>("cursor"));
		CPPUNIT_ASSERT_EQUAL(std::string("p3"), requests[2]->getObject("params")->getValue<std::string>("cursor"));
		CPPUNIT_ASSERT_EQUAL(6, client->status()->getValue<int>("tools"));
	}

	void testRepeatedCursorRefused()
	{
		auto client = makeClient(ScriptedTransport::server("2025-11-25", R"({"tools":{}})",
			[](ScriptedTransport& transport, const Poco::JSON::Object::Ptr& message)
			{
				Poco::JSON::Object::Ptr result = new Poco::JSON::Object;
				result->set("tools", namedItems("t", 0, 1));
				result->set("nextCursor", "again");
				transport.reply(message, result);
				return true;
			}));
		try
		{
			client->listTools(nullptr);
			CPPUNIT_FAIL("a cursor loop must end");
		}
		catch (Nash::McpError& exc)
		{
			CPPUNIT_ASSERT_EQUAL(502, exc.httpStatus());
		}
		CPPUNIT_ASSERT_EQUAL(std::size_t(2), _transport->sentWithMethod("tools/list").size());
	}

	void testListCachedUntilListChanged()
	{
		auto client = makeClient(ScriptedTransport::server("2025-11-25", R"({"tools":{"listChanged":true}})", pagedTools));
		client->listTools(nullptr);
		client->listTools(nullptr);
		CPPUNIT_ASSERT_EQUAL(std::size_t(3), _transport->sentWithMethod("tools/list").size());
		_transport->deliver(R"({"jsonrpc":"2.0","method":"notifications/tools/list_changed"})");
		CPPUNIT_ASSERT(client->status()->get("tools").isEmpty());
		client->listTools(nullptr);
		CPPUNIT_ASSERT_EQUAL(std::size_t(6), _transport->sentWithMethod("tools/list").size());
	}

	void testListChangedWhilePaging()
	{
		// The notification arrives between the first and second page: the
		// list may be stale, so the caller gets it but the cache does not.
		auto client = makeClient(ScriptedTransport::server("2025-11-25", R"({"tools":{"listChanged":true}})",
			[](ScriptedTransport& transport, const Poco::JSON::Object::Ptr& message)
			{
				if (message->optValue<std::string>("method", "") != "tools/list") return false;
				Poco::JSON::Object::Ptr params = message->getObject("params");
				if (!params->has("cursor")) transport.deliver(R"({"jsonrpc":"2.0","method":"notifications/tools/list_changed"})");
				return pagedTools(transport, message);
			}));
		CPPUNIT_ASSERT_EQUAL(std::size_t(6), client->listTools(nullptr)->size());
		client->listTools(nullptr);
		CPPUNIT_ASSERT_EQUAL(std::size_t(6), _transport->sentWithMethod("tools/list").size());
	}

	void testCapabilitiesRespected()
	{
		auto client = makeClient(ScriptedTransport::server("2025-11-25", R"({"tools":{}})"));
		for (int which = 0; which < 3; ++which)
		{
			try
			{
				if (which == 0) client->listPrompts(nullptr);
				else if (which == 1) client->listResources(nullptr);
				else client->getPrompt("p", nullptr, nullptr);
				CPPUNIT_FAIL("a missing capability must be refused");
			}
			catch (Nash::McpError& exc)
			{
				CPPUNIT_ASSERT_EQUAL(501, exc.httpStatus());
				CPPUNIT_ASSERT(exc.message().find("does not offer") != std::string::npos);
			}
		}
		CPPUNIT_ASSERT(_transport->sentWithMethod("prompts/list").empty());
		CPPUNIT_ASSERT(_transport->sentWithMethod("prompts/get").empty());
		CPPUNIT_ASSERT(_transport->sentWithMethod("resources/list").empty());
		// A server without tools has none to list.
		auto bare = makeClient(ScriptedTransport::server("2025-11-25", R"({})"));
		CPPUNIT_ASSERT_EQUAL(std::size_t(0), bare->listTools(nullptr)->size());
		CPPUNIT_ASSERT(_transport->sentWithMethod("tools/list").empty());
	}

	void testRestartAfterDeath()
	{
		auto client = makeClient(ScriptedTransport::server("2025-11-25", R"({"tools":{}})"));
		client->ping(nullptr);
		CPPUNIT_ASSERT_EQUAL(1, _state->starts);
		_transport->closeFromPeer("the process exited with code 1");
		CPPUNIT_ASSERT(!client->isConnected());
		CPPUNIT_ASSERT(client->status()->getValue<std::string>("lastError").find("exited with code 1") != std::string::npos);
		client->ping(nullptr);
		CPPUNIT_ASSERT(client->isConnected());
		CPPUNIT_ASSERT_EQUAL(2, _state->starts);
		CPPUNIT_ASSERT_EQUAL(std::size_t(2), _transport->sentWithMethod("initialize").size());
	}

	void testBackoffAfterFailedStarts()
	{
		Nash::McpServerSettings settings = baseSettings();
		settings.restartBackoff = 30s;
		auto client = makeClient(ScriptedTransport::server("2025-11-25", R"({"tools":{}})"), settings);
		_state->startError = "spawn failed";
		CPPUNIT_ASSERT_EQUAL(503, statusOf([&] { client->connect(nullptr); }));
		CPPUNIT_ASSERT_EQUAL(1, _state->starts);
		// The first retry is immediate ...
		CPPUNIT_ASSERT_EQUAL(503, statusOf([&] { client->connect(nullptr); }));
		CPPUNIT_ASSERT_EQUAL(2, _state->starts);
		// ... the next waits for the back-off: 503 at once, nothing started.
		auto started = std::chrono::steady_clock::now();
		try
		{
			client->connect(nullptr);
			CPPUNIT_FAIL("the back-off must refuse");
		}
		catch (Nash::McpError& exc)
		{
			CPPUNIT_ASSERT_EQUAL(503, exc.httpStatus());
			CPPUNIT_ASSERT(exc.message().find("spawn failed") != std::string::npos);
			CPPUNIT_ASSERT(exc.message().find("next restart attempt") != std::string::npos);
		}
		CPPUNIT_ASSERT(std::chrono::steady_clock::now() - started < 1s);
		CPPUNIT_ASSERT_EQUAL(2, _state->starts);
	}

	void testToolTimeout()
	{
		Nash::McpServerSettings settings = baseSettings();
		settings.toolTimeout = 200ms;
		auto client = makeClient(ScriptedTransport::server("2025-11-25", R"({"tools":{}})"), settings);
		auto started = std::chrono::steady_clock::now();
		CPPUNIT_ASSERT_EQUAL(504, statusOf([&] { client->callTool("slow", nullptr, nullptr); }));
		CPPUNIT_ASSERT(std::chrono::steady_clock::now() - started < 3s);
		auto call = _transport->waitForMethod("tools/call", 1s);
		auto cancelled = _transport->waitForMethod("notifications/cancelled", 1s);
		CPPUNIT_ASSERT(call && cancelled);
		CPPUNIT_ASSERT_EQUAL(call->get("id").toString(), cancelled->getObject("params")->get("requestId").toString());
		// The session stays usable.
		client->ping(nullptr);
	}

	void testCallToolAddsIsError()
	{
		auto client = makeClient(ScriptedTransport::server("2025-11-25", R"({"tools":{}})",
			[](ScriptedTransport& transport, const Poco::JSON::Object::Ptr& message)
			{
				if (message->optValue<std::string>("method", "") != "tools/call") return false;
				transport.deliver(R"({"jsonrpc":"2.0","id":)" + message->get("id").toString() + R"(,"result":{"content":[]}})");
				return true;
			}));
		auto result = client->callTool("t", nullptr, nullptr);
		CPPUNIT_ASSERT(result->has("isError"));
		CPPUNIT_ASSERT(!result->getValue<bool>("isError"));
		auto call = _transport->waitForMethod("tools/call", 1s);
		CPPUNIT_ASSERT_EQUAL(std::string("t"), call->getObject("params")->getValue<std::string>("name"));
		CPPUNIT_ASSERT(call->getObject("params")->getObject("arguments"));
	}

	void testLogNotificationLogged()
	{
		Poco::AutoPtr<CapturingChannel> channel(new CapturingChannel);
		Poco::Logger& logger = Poco::Logger::get("Nash.Mcp.scripted");
		logger.setChannel(channel);
		logger.setLevel(Poco::Message::PRIO_DEBUG);
		auto client = makeClient(ScriptedTransport::server("2025-11-25", R"({"tools":{},"logging":{}})"));
		client->connect(nullptr);
		_transport->deliver(R"({"jsonrpc":"2.0","method":"notifications/message","params":{"level":"warning","logger":"db","data":"disk almost full"}})");
		bool found = false;
		for (const auto& message: channel->messages())
		{
			if (message.getText().find("disk almost full") != std::string::npos)
			{
				found = true;
				CPPUNIT_ASSERT_EQUAL(Poco::Message::PRIO_WARNING, message.getPriority());
				CPPUNIT_ASSERT(message.getText().find("[db]") != std::string::npos);
			}
		}
		logger.setChannel(nullptr);
		CPPUNIT_ASSERT(found);
	}

	void testConcurrentCallersShareOneConnect()
	{
		std::promise<void> release;
		std::shared_future<void> released = release.get_future().share();
		auto client = makeClient([released](ScriptedTransport& transport, const Poco::JSON::Object::Ptr& message)
		{
			std::string method = message->optValue<std::string>("method", "");
			if (method == "initialize")
			{
				// Answer from another thread once the test lets it.
				std::thread([&transport, message, released]
				{
					released.wait();
					Poco::JSON::Object::Ptr result = new Poco::JSON::Object;
					result->set("protocolVersion", "2025-11-25");
					result->set("capabilities", ScriptedTransport::parse(R"({"tools":{}})"));
					transport.reply(message, result);
				}).detach();
			}
			else if (method == "ping")
			{
				transport.reply(message, Poco::JSON::Object::Ptr(new Poco::JSON::Object));
			}
		});
		std::vector<std::future<void>> callers;
		for (int i = 0; i < 5; ++i) callers.push_back(std::async(std::launch::async, [&client] { client->ping(nullptr); }));
		CPPUNIT_ASSERT(_transport->waitForMethod("initialize", 5s));
		release.set_value();
		for (auto& caller: callers) caller.get();
		CPPUNIT_ASSERT_EQUAL(1, _state->starts);
		CPPUNIT_ASSERT_EQUAL(std::size_t(1), _transport->sentWithMethod("initialize").size());
		CPPUNIT_ASSERT_EQUAL(std::size_t(5), _transport->sentWithMethod("ping").size());
	}

	void testShutdownRefuses()
	{
		auto client = makeClient(ScriptedTransport::server("2025-11-25", R"({"tools":{}})"));
		client->ping(nullptr);
		client->shutdown();
		CPPUNIT_ASSERT(!_transport->isOpen());
		CPPUNIT_ASSERT_EQUAL(503, statusOf([&] { client->ping(nullptr); }));
		client->reopen();
		client->ping(nullptr);
		CPPUNIT_ASSERT_EQUAL(2, _state->starts);
	}

private:
	static Nash::McpServerSettings baseSettings()
	{
		Nash::McpServerSettings settings;
		settings.name = "scripted";
		settings.transport = "scripted";
		settings.plugin = "scripted";
		return settings;
	}

	std::unique_ptr<Nash::McpClient> makeClient(ScriptedTransport::Script script, const Nash::McpServerSettings& settings = baseSettings())
	{
		std::unique_ptr<ScriptedTransport> transport(new ScriptedTransport(std::move(script)));
		_transport = transport.get();
		_state = transport->state();
		return std::unique_ptr<Nash::McpClient>(new Nash::McpClient(settings, std::move(transport)));
	}

	static int statusOf(const std::function<void()>& action)
	{
		try
		{
			action();
		}
		catch (Nash::McpError& exc)
		{
			return exc.httpStatus();
		}
		return 200;
	}

	ScriptedTransport* _transport = nullptr;
	std::shared_ptr<ScriptedTransport::State> _state;
};


CPPUNIT_TEST_SUITE_REGISTRATION(McpClientTest);
