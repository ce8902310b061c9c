//
// McpSessionTest.cpp
//
// JSON-RPC correlation, timeouts, cancellation and the answers to the
// server's own requests, over a scripted transport.
//


#include "McpError.h"
#include "McpSession.h"
#include "ScriptedTransport.h"
#include "Poco/JSON/Object.h"
#include <cppunit/extensions/HelperMacros.h>
#include <atomic>
#include <future>
#include <thread>


using namespace std::chrono_literals;
using NashTest::ScriptedTransport;


class McpSessionTest: public CppUnit::TestFixture
{
	CPPUNIT_TEST_SUITE(McpSessionTest);
	CPPUNIT_TEST(testOutOfOrderReplies);
	CPPUNIT_TEST(testManyThreadsInFlight);
	CPPUNIT_TEST(testJsonRpcError);
	CPPUNIT_TEST(testTimeoutSendsCancelled);
	CPPUNIT_TEST(testCancellationSendsCancelled);
	CPPUNIT_TEST(testNotCancellableSendsNothing);
	CPPUNIT_TEST(testAlreadyCancelledSendsNothing);
	CPPUNIT_TEST(testServerPingAnswered);
	CPPUNIT_TEST(testUndeclaredServerRequestsRefused);
	CPPUNIT_TEST(testElicitationCapabilityOnlyWithPolicy);
	CPPUNIT_TEST(testElicitationDefaultsFilled);
	CPPUNIT_TEST(testElicitationRequiredWithoutDefaultDeclined);
	CPPUNIT_TEST(testElicitationUrlModeDeclined);
	CPPUNIT_TEST(testElicitationDeclinePolicy);
	CPPUNIT_TEST(testTransportClosedFailsPending);
	CPPUNIT_TEST(testClosedSessionRefuses);
	CPPUNIT_TEST(testGarbageSkipped);
	CPPUNIT_TEST(testUnusableAnswerFailsAtOnce);
	CPPUNIT_TEST(testDeepResultAccepted);
	CPPUNIT_TEST(testLateAnswerIgnored);
	CPPUNIT_TEST(testStringIdMatched);
	CPPUNIT_TEST(testBatchHandled);
	CPPUNIT_TEST(testNotificationsForwarded);
	CPPUNIT_TEST_SUITE_END();

public:
	void setUp() override
	{
		startSession(Nash::ElicitationPolicy::None);
	}

	void startSession(Nash::ElicitationPolicy elicitation)
	{
		if (_transport) _transport->stop();
		_session.reset();
		_transport.reset(new ScriptedTransport(nullptr));
		_notifications.clear();
		_closeReason.clear();
		_session = std::make_shared<Nash::McpSession>("test", *_transport,
			[this](const std::string& method, const Poco::JSON::Object::Ptr&)
			{
				std::lock_guard<std::mutex> lock(_mutex);
				_notifications.push_back(method);
			},
			[this](const std::string& reason)
			{
				std::lock_guard<std::mutex> lock(_mutex);
				_closeReason = reason;
			},
			elicitation);
		_transport->start(*_session);
	}

	void tearDown() override
	{
		_transport->stop();
		_session.reset();
		_transport.reset();
	}

	void testOutOfOrderReplies()
	{
		auto a = std::async(std::launch::async, [this] { return request("first"); });
		auto b = std::async(std::launch::async, [this] { return request("second"); });
		auto c = std::async(std::launch::async, [this] { return request("third"); });
		auto first = _transport->waitForMethod("first", 5s);
		auto second = _transport->waitForMethod("second", 5s);
		auto third = _transport->waitForMethod("third", 5s);
		CPPUNIT_ASSERT(first && second && third);
		// Answers in the reverse order, each naming what it answers.
		_transport->reply(third, "answer to third");
		_transport->reply(first, "answer to first");
		_transport->reply(second, "answer to second");
		CPPUNIT_ASSERT_EQUAL(std::string("answer to first"), a.get());
		CPPUNIT_ASSERT_EQUAL(std::string("answer to second"), b.get());
		CPPUNIT_ASSERT_EQUAL(std::string("answer to third"), c.get());
		CPPUNIT_ASSERT_EQUAL(std::size_t(0), _session->pendingCount());
	}

	void testManyThreadsInFlight()
	{
		const int count = 40;
		std::vector<std::future<std::string>> futures;
		for (int i = 0; i < count; ++i)
			futures.push_back(std::async(std::launch::async, [this, i] { return request("m" + std::to_string(i)); }));
		CPPUNIT_ASSERT(_transport->waitForSent([](const Poco::JSON::Object::Ptr&) { return true; }, 5s));
		std::vector<Poco::JSON::Object::Ptr> requests;
		for (int i = 0; i < count; ++i)
		{
			auto message = _transport->waitForMethod("m" + std::to_string(i), 5s);
			CPPUNIT_ASSERT(message);
			requests.push_back(message);
		}
		for (int i = count - 1; i >= 0; i -= 2) _transport->reply(requests[i], "r" + std::to_string(i));
		for (int i = count - 2; i >= 0; i -= 2) _transport->reply(requests[i], "r" + std::to_string(i));
		for (int i = 0; i < count; ++i) CPPUNIT_ASSERT_EQUAL("r" + std::to_string(i), futures[i].get());
	}

	void testJsonRpcError()
	{
		auto call = std::async(std::launch::async, [this] { return request("tools/call"); });
		auto sent = _transport->waitForMethod("tools/call", 5s);
		CPPUNIT_ASSERT(sent);
		_transport->replyError(sent, -32602, "Unknown tool: nope");
		try
		{
			call.get();
			CPPUNIT_FAIL("a JSON-RPC error must throw");
		}
		catch (Nash::McpError& exc)
		{
			CPPUNIT_ASSERT_EQUAL(502, exc.httpStatus());
			CPPUNIT_ASSERT(exc.isRpcError());
			CPPUNIT_ASSERT_EQUAL(-32602, exc.rpcCode());
			CPPUNIT_ASSERT_EQUAL(std::string("Unknown tool: nope"), exc.rpcMessage());
			CPPUNIT_ASSERT_EQUAL(std::string("Error calling MCP method 'tools/call': -32602 Unknown tool: nope"), exc.message());
		}
	}

	void testTimeoutSendsCancelled()
	{
		auto started = std::chrono::steady_clock::now();
		try
		{
			_session->request("slow", nullptr, 150ms, nullptr);
			CPPUNIT_FAIL("no answer must time out");
		}
		catch (Nash::McpError& exc)
		{
			CPPUNIT_ASSERT_EQUAL(504, exc.httpStatus());
			CPPUNIT_ASSERT_EQUAL(std::string("error"), exc.bodyField());
		}
		auto elapsed = std::chrono::steady_clock::now() - started;
		CPPUNIT_ASSERT(elapsed >= 150ms && elapsed < 3s);
		auto sent = _transport->waitForMethod("slow", 1s);
		auto cancelled = _transport->waitForMethod("notifications/cancelled", 1s);
		CPPUNIT_ASSERT(cancelled);
		CPPUNIT_ASSERT(!cancelled->has("id"));
		CPPUNIT_ASSERT_EQUAL(sent->get("id").convert<std::string>(), cancelled->getObject("params")->get("requestId").convert<std::string>());
		CPPUNIT_ASSERT(cancelled->getObject("params")->has("reason"));
	}

	void testCancellationSendsCancelled()
	{
		Nash::CancellationToken token;
		auto call = std::async(std::launch::async, [this, &token] { return _session->request("tools/call", nullptr, 60s, &token); });
		auto sent = _transport->waitForMethod("tools/call", 5s);
		CPPUNIT_ASSERT(sent);
		auto started = std::chrono::steady_clock::now();
		token.cancel();
		try
		{
			call.get();
			CPPUNIT_FAIL("a cancelled request must throw");
		}
		catch (Nash::McpError& exc)
		{
			CPPUNIT_ASSERT_EQUAL(499, exc.httpStatus());
		}
		CPPUNIT_ASSERT(std::chrono::steady_clock::now() - started < 2s);
		auto cancelled = _transport->waitForMethod("notifications/cancelled", 1s);
		CPPUNIT_ASSERT(cancelled);
		CPPUNIT_ASSERT_EQUAL(sent->get("id").convert<std::string>(), cancelled->getObject("params")->get("requestId").convert<std::string>());
	}

	void testNotCancellableSendsNothing()
	{
		CPPUNIT_ASSERT_THROW(_session->request("initialize", nullptr, 50ms, nullptr, false), Nash::McpError);
		CPPUNIT_ASSERT(_transport->sentWithMethod("notifications/cancelled").empty());
	}

	void testAlreadyCancelledSendsNothing()
	{
		Nash::CancellationToken token;
		token.cancel();
		try
		{
			_session->request("tools/call", nullptr, 10s, &token);
			CPPUNIT_FAIL("a cancelled caller must not send");
		}
		catch (Nash::McpError& exc)
		{
			CPPUNIT_ASSERT_EQUAL(499, exc.httpStatus());
		}
		CPPUNIT_ASSERT(_transport->sentWithMethod("tools/call").empty());
		CPPUNIT_ASSERT_EQUAL(std::size_t(0), _session->pendingCount());
	}

	void testServerPingAnswered()
	{
		_transport->deliver(R"({"jsonrpc":"2.0","id":"srv-7","method":"ping"})");
		auto answer = _transport->waitForSent([](const Poco::JSON::Object::Ptr& m) { return m->has("id") && m->get("id").toString() == "srv-7"; }, 2s);
		CPPUNIT_ASSERT(answer);
		CPPUNIT_ASSERT(answer->getObject("result"));
		CPPUNIT_ASSERT_EQUAL(std::size_t(0), answer->getObject("result")->size());
		CPPUNIT_ASSERT(!answer->has("error"));
	}

	void testUndeclaredServerRequestsRefused()
	{
		const std::vector<std::string> methods = {"roots/list", "sampling/createMessage", "elicitation/create", "whatever/else"};
		int id = 100;
		for (const auto& method: methods)
		{
			_transport->deliver(R"({"jsonrpc":"2.0","id":)" + std::to_string(id) + R"(,"method":")" + method + R"(","params":{}})");
			std::string wanted = std::to_string(id);
			auto answer = _transport->waitForSent([&wanted](const Poco::JSON::Object::Ptr& m)
			{
				return m->has("id") && !m->has("method") && m->get("id").toString() == wanted;
			}, 2s);
			CPPUNIT_ASSERT_MESSAGE(method, answer);
			CPPUNIT_ASSERT_MESSAGE(method, answer->getObject("error"));
			CPPUNIT_ASSERT_EQUAL(-32601, answer->getObject("error")->getValue<int>("code"));
			CPPUNIT_ASSERT(!answer->has("result"));
			++id;
		}
	}

	void testElicitationCapabilityOnlyWithPolicy()
	{
		CPPUNIT_ASSERT_EQUAL(std::size_t(0), _session->clientCapabilities("2025-11-25")->size());
		startSession(Nash::ElicitationPolicy::Defaults);
		// 2025-11-25 names the modes; we offer forms only.
		auto newest = _session->clientCapabilities("2025-11-25")->getObject("elicitation");
		CPPUNIT_ASSERT(newest);
		CPPUNIT_ASSERT_EQUAL(std::size_t(1), newest->size());
		CPPUNIT_ASSERT(newest->getObject("form"));
		auto older = _session->clientCapabilities("2025-06-18")->getObject("elicitation");
		CPPUNIT_ASSERT(older);
		CPPUNIT_ASSERT_EQUAL(std::size_t(0), older->size());
		// Elicitation did not exist before 2025-06-18.
		CPPUNIT_ASSERT(!_session->clientCapabilities("2025-03-26")->has("elicitation"));
		startSession(Nash::ElicitationPolicy::Decline);
		CPPUNIT_ASSERT(_session->clientCapabilities("2025-11-25")->getObject("elicitation"));
	}

	void testElicitationDefaultsFilled()
	{
		startSession(Nash::ElicitationPolicy::Defaults);
		auto answer = elicit(1, R"({"message":"Fill in","requestedSchema":{"type":"object","properties":{
			"name":{"type":"string","default":"John Doe"},
			"age":{"type":"integer","default":30},
			"score":{"type":"number","default":95.5},
			"status":{"type":"string","enum":["active","inactive"],"default":"active"},
			"level":{"type":"string","oneOf":[{"const":"lo","title":"Low"},{"const":"hi","title":"High"}],"default":"hi"},
			"tags":{"type":"array","items":{"type":"string","enum":["a","b","c"]},"default":["a","c"]},
			"verified":{"type":"boolean","default":false},
			"nickname":{"type":"string"},
			"badEnum":{"type":"string","enum":["x"],"default":"y"}},
			"required":["name","age","status"]}})");
		Poco::JSON::Object::Ptr result = answer->getObject("result");
		CPPUNIT_ASSERT(result);
		CPPUNIT_ASSERT_EQUAL(std::string("accept"), result->getValue<std::string>("action"));
		Poco::JSON::Object::Ptr content = result->getObject("content");
		CPPUNIT_ASSERT(content);
		CPPUNIT_ASSERT_EQUAL(std::string("John Doe"), content->getValue<std::string>("name"));
		CPPUNIT_ASSERT(content->get("age").isInteger());
		CPPUNIT_ASSERT_EQUAL(30, content->getValue<int>("age"));
		CPPUNIT_ASSERT_EQUAL(95.5, content->getValue<double>("score"));
		CPPUNIT_ASSERT_EQUAL(std::string("active"), content->getValue<std::string>("status"));
		CPPUNIT_ASSERT_EQUAL(std::string("hi"), content->getValue<std::string>("level"));
		CPPUNIT_ASSERT_EQUAL(std::size_t(2), content->getArray("tags")->size());
		CPPUNIT_ASSERT(content->get("verified").isBoolean());
		CPPUNIT_ASSERT(!content->getValue<bool>("verified"));
		// Optional fields without a (valid) default are left out.
		CPPUNIT_ASSERT(!content->has("nickname"));
		CPPUNIT_ASSERT(!content->has("badEnum"));
		CPPUNIT_ASSERT_EQUAL(std::size_t(7), content->size());
	}

	void testElicitationRequiredWithoutDefaultDeclined()
	{
		startSession(Nash::ElicitationPolicy::Defaults);
		const std::vector<std::string> schemas = {
			R"({"type":"object","properties":{"name":{"type":"string","default":"x"},"email":{"type":"string"}},"required":["email"]})",
			R"({"type":"object","properties":{"n":{"type":"integer","default":"three"}},"required":["n"]})",
			R"({"type":"object","properties":{"s":{"type":"string","enum":["a"],"default":"b"}},"required":["s"]})",
			R"({"type":"object","properties":{},"required":["undescribed"]})"};
		int id = 10;
		for (const auto& schema: schemas)
		{
			auto answer = elicit(id++, R"({"message":"Who are you?","requestedSchema":)" + schema + "}");
			Poco::JSON::Object::Ptr result = answer->getObject("result");
			CPPUNIT_ASSERT_MESSAGE(schema, result);
			CPPUNIT_ASSERT_EQUAL_MESSAGE(schema, std::string("decline"), result->getValue<std::string>("action"));
			CPPUNIT_ASSERT_MESSAGE(schema, !result->has("content"));
		}
	}

	void testElicitationUrlModeDeclined()
	{
		startSession(Nash::ElicitationPolicy::Defaults);
		auto answer = elicit(20, R"({"mode":"url","message":"Sign in","url":"https://example.invalid/login","elicitationId":"e1"})");
		CPPUNIT_ASSERT(answer->getObject("result"));
		CPPUNIT_ASSERT_EQUAL(std::string("decline"), answer->getObject("result")->getValue<std::string>("action"));
	}

	void testElicitationDeclinePolicy()
	{
		startSession(Nash::ElicitationPolicy::Decline);
		auto answer = elicit(30, R"({"message":"Name?","requestedSchema":{"type":"object","properties":{"name":{"type":"string","default":"x"}}}})");
		CPPUNIT_ASSERT(answer->getObject("result"));
		CPPUNIT_ASSERT_EQUAL(std::string("decline"), answer->getObject("result")->getValue<std::string>("action"));
		CPPUNIT_ASSERT(!answer->getObject("result")->has("content"));
		// Other undeclared requests are still refused.
		_transport->deliver(R"({"jsonrpc":"2.0","id":31,"method":"sampling/createMessage","params":{}})");
		auto refused = answerTo("31");
		CPPUNIT_ASSERT(refused && refused->getObject("error"));
		CPPUNIT_ASSERT_EQUAL(-32601, refused->getObject("error")->getValue<int>("code"));
	}

	void testTransportClosedFailsPending()
	{
		auto call = std::async(std::launch::async, [this] { return _session->request("tools/call", nullptr, 60s, nullptr); });
		CPPUNIT_ASSERT(_transport->waitForMethod("tools/call", 5s));
		auto started = std::chrono::steady_clock::now();
		_transport->closeFromPeer("process exited with code 3");
		try
		{
			call.get();
			CPPUNIT_FAIL("a closed transport must fail the request");
		}
		catch (Nash::McpError& exc)
		{
			CPPUNIT_ASSERT_EQUAL(503, exc.httpStatus());
			CPPUNIT_ASSERT(exc.message().find("process exited with code 3") != std::string::npos);
		}
		CPPUNIT_ASSERT(std::chrono::steady_clock::now() - started < 2s);
		CPPUNIT_ASSERT(!_session->isOpen());
		std::lock_guard<std::mutex> lock(_mutex);
		CPPUNIT_ASSERT_EQUAL(std::string("process exited with code 3"), _closeReason);
	}

	void testClosedSessionRefuses()
	{
		_session->close("shut down");
		try
		{
			_session->request("ping", nullptr, 1s, nullptr);
			CPPUNIT_FAIL("a closed session must refuse");
		}
		catch (Nash::McpError& exc)
		{
			CPPUNIT_ASSERT_EQUAL(503, exc.httpStatus());
		}
		CPPUNIT_ASSERT(_transport->sentWithMethod("ping").empty());
		std::lock_guard<std::mutex> lock(_mutex);
		CPPUNIT_ASSERT_EQUAL(std::string(), _closeReason); // close() is ours, not the peer's
	}

	void testGarbageSkipped()
	{
		auto call = std::async(std::launch::async, [this] { return request("x"); });
		auto sent = _transport->waitForMethod("x", 5s);
		_transport->deliver("this is not json");
		_transport->deliver("[1, 2");
		_transport->deliver("42");
		_transport->deliver(R"({"jsonrpc":"2.0"})");
		_transport->reply(sent, "fine");
		CPPUNIT_ASSERT_EQUAL(std::string("fine"), call.get());
	}

	void testUnusableAnswerFailsAtOnce()
	{
		// Each answer carries the request's id but cannot be used: the
		// request fails with 502 at once, not at its 10 s timeout.
		const std::vector<std::string> bodies = {
			R"({"jsonrpc":"2.0","id":ID,"result":{"text":"cut short)",
			R"({"jsonrpc":"2.0","id":ID})",
			R"({"jsonrpc":"2.0","id":ID,"result":)" + std::string(1100, '[') + std::string(1100, ']') + "}",
			R"({"result":{"x":[1,2,}, "jsonrpc":"2.0","id":ID})"};
		for (std::size_t i = 0; i < bodies.size(); ++i)
		{
			const std::string& body = bodies[i];
			std::string method = "call" + std::to_string(i);
			auto started = std::chrono::steady_clock::now();
			auto call = std::async(std::launch::async, [this, method] { return request(method); });
			auto sent = _transport->waitForMethod(method, 5s);
			CPPUNIT_ASSERT(sent);
			std::string text = body;
			text.replace(text.find("ID"), 2, sent->get("id").toString());
			_transport->deliver(text);
			try
			{
				call.get();
				CPPUNIT_FAIL("an unusable answer must fail its request: " + body.substr(0, 60));
			}
			catch (Nash::McpError& exc)
			{
				CPPUNIT_ASSERT_EQUAL_MESSAGE(text.substr(0, 80) + ": " + exc.message(), 502, exc.httpStatus());
				CPPUNIT_ASSERT(!exc.isRpcError());
				CPPUNIT_ASSERT_MESSAGE(exc.message(), exc.message().find("MCP server 'test'") != std::string::npos);
			}
			CPPUNIT_ASSERT(std::chrono::steady_clock::now() - started < 5s);
			CPPUNIT_ASSERT_EQUAL(std::size_t(0), _session->pendingCount());
		}
	}

	void testDeepResultAccepted()
	{
		// As deep as the JSON MCP servers write (Python's json module
		// stops near 1000 levels).
		auto call = std::async(std::launch::async, [this] { return _session->request("deep", nullptr, 10s, nullptr); });
		auto sent = _transport->waitForMethod("deep", 5s);
		CPPUNIT_ASSERT(sent);
		_transport->deliver(R"({"jsonrpc":"2.0","id":)" + sent->get("id").toString() + R"(,"result":{"a":)" +
			std::string(999, '[') + std::string(999, ']') + "}}");
		Poco::Dynamic::Var result = call.get();
		CPPUNIT_ASSERT(result.type() == typeid(Poco::JSON::Object::Ptr));
	}

	void testLateAnswerIgnored()
	{
		CPPUNIT_ASSERT_THROW(_session->request("late", nullptr, 50ms, nullptr), Nash::McpError);
		auto sent = _transport->waitForMethod("late", 1s);
		_transport->reply(sent, "too late");
		CPPUNIT_ASSERT_EQUAL(std::size_t(0), _session->pendingCount());
		auto call = std::async(std::launch::async, [this] { return request("next"); });
		auto next = _transport->waitForMethod("next", 5s);
		_transport->reply(next, "on time");
		CPPUNIT_ASSERT_EQUAL(std::string("on time"), call.get());
	}

	void testStringIdMatched()
	{
		auto call = std::async(std::launch::async, [this] { return request("x"); });
		auto sent = _transport->waitForMethod("x", 5s);
		std::string id = sent->get("id").convert<std::string>();
		_transport->deliver(R"({"jsonrpc":"2.0","id":")" + id + R"(","result":"by string id"})");
		CPPUNIT_ASSERT_EQUAL(std::string("by string id"), call.get());
	}

	void testBatchHandled()
	{
		auto call = std::async(std::launch::async, [this] { return request("x"); });
		auto sent = _transport->waitForMethod("x", 5s);
		std::string id = sent->get("id").convert<std::string>();
		_transport->deliver(R"([{"jsonrpc":"2.0","method":"notifications/tools/list_changed"},{"jsonrpc":"2.0","id":)" + id + R"(,"result":"batched"}])");
		CPPUNIT_ASSERT_EQUAL(std::string("batched"), call.get());
		std::lock_guard<std::mutex> lock(_mutex);
		CPPUNIT_ASSERT_EQUAL(std::size_t(1), _notifications.size());
	}

	void testNotificationsForwarded()
	{
		_transport->deliver(R"({"jsonrpc":"2.0","method":"notifications/message","params":{"level":"info","data":"hello"}})");
		_transport->deliver(R"({"jsonrpc":"2.0","method":"notifications/prompts/list_changed"})");
		std::lock_guard<std::mutex> lock(_mutex);
		CPPUNIT_ASSERT_EQUAL(std::size_t(2), _notifications.size());
		CPPUNIT_ASSERT_EQUAL(std::string("notifications/message"), _notifications[0]);
		CPPUNIT_ASSERT_EQUAL(std::string("notifications/prompts/list_changed"), _notifications[1]);
		// Notifications are never answered.
		CPPUNIT_ASSERT(_transport->state()->sent.empty());
	}

private:
	Poco::JSON::Object::Ptr answerTo(const std::string& id)
	{
		return _transport->waitForSent([&id](const Poco::JSON::Object::Ptr& m)
		{
			return m->has("id") && !m->has("method") && m->get("id").toString() == id;
		}, 2s);
	}

	Poco::JSON::Object::Ptr elicit(int id, const std::string& params)
	{
		_transport->deliver(R"({"jsonrpc":"2.0","id":)" + std::to_string(id) + R"(,"method":"elicitation/create","params":)" + params + "}");
		auto answer = answerTo(std::to_string(id));
		CPPUNIT_ASSERT(answer);
		CPPUNIT_ASSERT(!answer->has("error"));
		return answer;
	}

	std::string request(const std::string& method)
	{
		return _session->request(method, nullptr, 10s, nullptr).convert<std::string>();
	}

	std::unique_ptr<ScriptedTransport> _transport;
	std::shared_ptr<Nash::McpSession> _session;
	std::mutex _mutex;
	std::vector<std::string> _notifications;
	std::string _closeReason;
};


CPPUNIT_TEST_SUITE_REGISTRATION(McpSessionTest);
