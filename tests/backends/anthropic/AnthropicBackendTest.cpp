//
// AnthropicBackendTest.cpp
//
// The anthropic backend's configuration, its request bodies, and whole
// exchanges with a scripted upstream.
//


#include "AnthropicBackend.h"
#include "EnvironmentGuard.h"
#include "RecordingSink.h"
#include "ScriptedUpstream.h"
#include "TestCall.h"
#include "Nash/BackendException.h"
#include "Poco/AutoPtr.h"
#include "Poco/JSON/Array.h"
#include "Poco/JSON/Stringifier.h"
#include "Poco/Util/MapConfiguration.h"
#include <cppunit/extensions/HelperMacros.h>
#include <chrono>
#include <thread>
#include <sstream>


using NashTest::TestCall;


namespace {


const char* const apiKey = "sk-ant-test-0123456789";


Nash::ChatMessage message(const std::string& role, const std::string& content, const std::string& raw = std::string())
{
	Nash::ChatMessage result;
	result.role = role;
	result.content = content;
	result.raw = raw.empty() ? nullptr : TestCall::json(raw);
	return result;
}


Nash::ChatRequest request(std::vector<Nash::ChatMessage> messages)
{
	Nash::ChatRequest result;
	result.model = "claude-test";
	result.messages = std::move(messages);
	result.extra = new Poco::JSON::Object;
	return result;
}


std::string text(const Poco::Dynamic::Var& value)
{
	std::ostringstream out;
	Poco::JSON::Stringifier::condense(value, out);
	return out.str();
}


std::string sseEvent(const std::string& name, const std::string& data)
{
	return "event: " + name + "\ndata: " + data + "\n\n";
}


} // namespace


class AnthropicBackendTest: public CppUnit::TestFixture
{
	CPPUNIT_TEST_SUITE(AnthropicBackendTest);
	CPPUNIT_TEST(testBodyOfAPlainConversation);
	CPPUNIT_TEST(testBodyOfAToolConversation);
	CPPUNIT_TEST(testToolsAndToolChoice);
	CPPUNIT_TEST(testImagesAndAnthropicFields);
	CPPUNIT_TEST(testToolArgumentsMustBeAnObject);
	CPPUNIT_TEST(testKeyRequiredForAnthropic);
	CPPUNIT_TEST(testMessagesPath);
	CPPUNIT_TEST(testStreamExchange);
	CPPUNIT_TEST(testStreamWithoutMessageStopFails);
	CPPUNIT_TEST(testErrorAnswerKeepsMessageAndHidesKey);
	CPPUNIT_TEST(testComplete);
	CPPUNIT_TEST(testCancellationEndsTheStream);
	CPPUNIT_TEST(testCancelledBeforeTheAnswer);
	CPPUNIT_TEST(testCancelledWhileWaitingForTheAnswer);
	CPPUNIT_TEST_SUITE_END();

public:
	void setUp() override
	{
		_environment.reset(new NashTest::EnvironmentGuard({"ANTHROPIC_API_KEY", "ANTHROPIC_BASE_URL"}));
		_config = new Poco::Util::MapConfiguration;
	}

	void tearDown() override
	{
		_environment.reset();
	}

	void testBodyOfAPlainConversation()
	{
		_config->setString("base_url", "http://127.0.0.1:9");
		_backend.configure("a", *_config);
		Nash::ChatRequest chat = request({
			message("system", "Be brief."),
			message("user", "Hi", R"({"role":"user","content":"Hi","name":"ann"})"),
			message("assistant", "Hello."),
			message("system", "Answer in French."),
			message("user", "Weather?")});
		Poco::JSON::Object::Ptr body = _backend.requestBody(chat, true);
		CPPUNIT_ASSERT_EQUAL(std::string(
			R"({"model":"claude-test","max_tokens":4096,"system":"Be brief.\n\nAnswer in French.",)"
			R"("messages":[{"role":"user","content":"Hi"},{"role":"assistant","content":"Hello."},{"role":"user","content":"Weather?"}],)"
			R"("stream":true})"), text(body));

		chat.maxTokens = 100;
		chat.temperature = 0.5;
		chat.topP = 0.9;
		chat.stop = {"END", "STOP"};
		body = _backend.requestBody(chat, false);
		CPPUNIT_ASSERT_EQUAL(100, body->getValue<int>("max_tokens"));
		CPPUNIT_ASSERT_EQUAL(0.5, body->getValue<double>("temperature"));
		CPPUNIT_ASSERT_EQUAL(0.9, body->getValue<double>("top_p"));
		CPPUNIT_ASSERT_EQUAL(std::string(R"(["END","STOP"])"), text(body->get("stop_sequences")));
		CPPUNIT_ASSERT_EQUAL(false, body->getValue<bool>("stream"));

		_config->setString("max_tokens", "512");
		_backend.configure("a", *_config);
		CPPUNIT_ASSERT_EQUAL(512, _backend.requestBody(request({message("user", "x")}), true)->getValue<int>("max_tokens"));
		CPPUNIT_ASSERT(!_backend.requestBody(request({message("user", "x")}), true)->has("system"));
		_config->setString("max_tokens", "0");
		CPPUNIT_ASSERT_THROW(_backend.configure("a", *_config), Poco::InvalidArgumentException);
	}

	void testBodyOfAToolConversation()
	{
		_config->setString("base_url", "http://127.0.0.1:9");
		_backend.configure("a", *_config);
		Nash::ChatRequest chat = request({
			message("user", "Weather and time in Paris?"),
			message("assistant", "Checking.", R"({"role":"assistant","content":"Checking.","tool_calls":[
				{"id":"call_1","type":"function","function":{"name":"get_weather","arguments":"{\"city\":\"Paris\"}"}},
				{"id":"call_2","type":"function","function":{"name":"get_time","arguments":""}}]})"),
			message("tool", "18 C", R"({"role":"tool","tool_call_id":"call_1","content":"18 C"})"),
			message("tool", "14:00", R"({"role":"tool","tool_call_id":"call_2","content":"14:00"})"),
			message("user", "Thanks")});
		Poco::JSON::Array::Ptr messages = _backend.requestBody(chat, true)->getArray("messages");
		CPPUNIT_ASSERT_EQUAL(std::string(
			R"([{"role":"user","content":"Weather and time in Paris?"},)"
			R"({"role":"assistant","content":[{"type":"text","text":"Checking."},)"
			R"({"type":"tool_use","id":"call_1","name":"get_weather","input":{"city":"Paris"}},)"
			R"({"type":"tool_use","id":"call_2","name":"get_time","input":{}}]},)"
			R"({"role":"user","content":[{"type":"tool_result","tool_use_id":"call_1","content":"18 C"},)"
			R"({"type":"tool_result","tool_use_id":"call_2","content":"14:00"}]},)"
			R"({"role":"user","content":"Thanks"}])"), text(messages));
	}

	void testToolsAndToolChoice()
	{
		_config->setString("base_url", "http://127.0.0.1:9");
		_backend.configure("a", *_config);
		Nash::ChatRequest chat = request({message("user", "Weather?")});
		chat.extra->set("tools", TestCall::json(R"({"t":[
			{"type":"function","function":{"name":"get_weather","description":"Weather of a city","parameters":{"type":"object","properties":{"city":{"type":"string"}}}}},
			{"type":"function","function":{"name":"now"}},
			{"name":"native","input_schema":{"type":"object"}}]})")->get("t"));
		chat.extra->set("tool_choice", "required");
		chat.extra->set("seed", 1);
		Poco::JSON::Object::Ptr body = _backend.requestBody(chat, true);
		CPPUNIT_ASSERT_EQUAL(std::string(
			R"([{"name":"get_weather","description":"Weather of a city","input_schema":{"properties":{"city":{"type":"string"}},"type":"object"}},)"
			R"({"name":"now","input_schema":{"type":"object","properties":{}}},)"
			R"({"input_schema":{"type":"object"},"name":"native"}])"), text(body->get("tools")));
		CPPUNIT_ASSERT_EQUAL(std::string(R"({"type":"any"})"), text(body->get("tool_choice")));
		CPPUNIT_ASSERT(!body->has("seed"));

		chat.extra->set("tool_choice", TestCall::json(R"({"type":"function","function":{"name":"get_weather"}})"));
		CPPUNIT_ASSERT_EQUAL(std::string(R"({"type":"tool","name":"get_weather"})"), text(_backend.requestBody(chat, true)->get("tool_choice")));
		chat.extra->set("tool_choice", "auto");
		CPPUNIT_ASSERT_EQUAL(std::string(R"({"type":"auto"})"), text(_backend.requestBody(chat, true)->get("tool_choice")));
	}

	void testImagesAndAnthropicFields()
	{
		_config->setString("base_url", "http://127.0.0.1:9");
		_backend.configure("a", *_config);
		Nash::ChatRequest chat = request({message("user", "what is this?", R"({"role": "user", "content": [
			{"type": "text", "text": "what is this?"},
			{"type": "image_url", "image_url": {"url": "data:image/png;base64,iVBORw0KGgo="}},
			{"type": "image_url", "image_url": {"url": "https://example.com/cat.jpg"}}]})")});
		chat.extra->set("tools", TestCall::json(R"({"t":[{"type":"function","function":{"name":"now"}}]})")->get("t"));
		chat.extra->set("parallel_tool_calls", false);
		chat.extra->set("top_k", 5);
		chat.extra->set("user", "u-1");
		Poco::JSON::Object::Ptr body = _backend.requestBody(chat, true);
		CPPUNIT_ASSERT_EQUAL(std::string(R"([{"type":"text","text":"what is this?"},)"
			R"({"type":"image","source":{"type":"base64","media_type":"image/png","data":"iVBORw0KGgo="}},)"
			R"({"type":"image","source":{"type":"url","url":"https://example.com/cat.jpg"}}])"),
			text(body->getArray("messages")->getObject(0)->get("content")));
		CPPUNIT_ASSERT_EQUAL(5, body->getValue<int>("top_k"));
		CPPUNIT_ASSERT_EQUAL(std::string("u-1"), body->getObject("metadata")->getValue<std::string>("user_id"));
		CPPUNIT_ASSERT_EQUAL(std::string(R"({"type":"auto","disable_parallel_tool_use":true})"), text(body->get("tool_choice")));
	}

	void testToolArgumentsMustBeAnObject()
	{
		_config->setString("base_url", "http://127.0.0.1:9");
		_backend.configure("a", *_config);
		Nash::ChatRequest chat = request({
			message("user", "x"),
			message("assistant", "", R"({"role":"assistant","content":null,"tool_calls":[{"id":"call_9","type":"function","function":{"name":"f","arguments":"[1,2]"}}]})")});
		try
		{
			_backend.requestBody(chat, true);
			CPPUNIT_FAIL("arguments that are no object must be refused");
		}
		catch (Nash::BackendException& exc)
		{
			CPPUNIT_ASSERT(exc.message().find("call_9") != std::string::npos);
		}
	}

	void testKeyRequiredForAnthropic()
	{
		try
		{
			_backend.configure("claude", *_config);
			CPPUNIT_FAIL("api.anthropic.com without a key must be refused");
		}
		catch (Poco::InvalidArgumentException& exc)
		{
			CPPUNIT_ASSERT(exc.message().find("api_key") != std::string::npos);
			CPPUNIT_ASSERT(exc.message().find("[backend.claude]") != std::string::npos);
			CPPUNIT_ASSERT(exc.message().find("ANTHROPIC_API_KEY") != std::string::npos);
		}
		Poco::Environment::set("ANTHROPIC_API_KEY", apiKey);
		_backend.configure("claude", *_config);
		CPPUNIT_ASSERT_EQUAL(std::string("claude-sonnet-4-5"), _backend.defaultModel());
		CPPUNIT_ASSERT(_backend.acceptsAnyModel());

		// Another host (a proxy, a compatible server) may need no key.
		Poco::Environment::set("ANTHROPIC_API_KEY", "");
		Poco::Environment::set("ANTHROPIC_BASE_URL", "http://127.0.0.1:9");
		_config->setString("models", "claude-a, claude-b");
		_backend.configure("claude", *_config);
		CPPUNIT_ASSERT_EQUAL(std::string("claude-a"), _backend.defaultModel());
		CPPUNIT_ASSERT_EQUAL(std::size_t(2), _backend.models().size());
	}

	void testMessagesPath()
	{
		_config->setString("base_url", "http://127.0.0.1:9");
		_backend.configure("a", *_config);
		CPPUNIT_ASSERT_EQUAL(std::string("/v1/messages"), _backend.messagesPath());
		_config->setString("base_url", "http://127.0.0.1:9/v1/");
		_backend.configure("a", *_config);
		CPPUNIT_ASSERT_EQUAL(std::string("/messages"), _backend.messagesPath());
		_config->setString("base_url", "http://127.0.0.1:9/anthropic");
		_backend.configure("a", *_config);
		CPPUNIT_ASSERT_EQUAL(std::string("/v1/messages"), _backend.messagesPath());
	}

	void testStreamExchange()
	{
		NashTest::ScriptedUpstream upstream;
		upstream.answer(200, "text/event-stream",
			sseEvent("message_start", R"({"type":"message_start","message":{"usage":{"input_tokens":9,"output_tokens":1}}})") +
			sseEvent("content_block_start", R"({"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}})") +
			sseEvent("ping", R"({"type":"ping"})") +
			sseEvent("content_block_delta", R"({"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"Reply"}})") +
			sseEvent("content_block_delta", R"({"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":" here"}})") +
			sseEvent("content_block_stop", R"({"type":"content_block_stop","index":0})") +
			sseEvent("message_delta", R"({"type":"message_delta","delta":{"stop_reason":"max_tokens"},"usage":{"output_tokens":2}})") +
			sseEvent("message_stop", R"({"type":"message_stop"})"));
		configureFor(upstream);
		NashTest::RecordingSink sink;
		Nash::CancellationToken token;
		_backend.streamChat(request({message("system", "S"), message("user", "Hi")}), sink, token);

		CPPUNIT_ASSERT_EQUAL(std::string("Reply here"), sink.text());
		CPPUNIT_ASSERT_EQUAL(std::string("length"), sink.finishReasons.at(0));
		CPPUNIT_ASSERT_EQUAL(9LL, sink.usages.at(0).promptTokens.value());
		CPPUNIT_ASSERT_EQUAL(2LL, sink.usages.at(0).completionTokens.value());

		auto requests = upstream.requests();
		CPPUNIT_ASSERT_EQUAL(std::size_t(1), requests.size());
		CPPUNIT_ASSERT_EQUAL(std::string("POST"), requests[0].method);
		CPPUNIT_ASSERT_EQUAL(std::string("/v1/messages"), requests[0].uri);
		CPPUNIT_ASSERT_EQUAL(std::string(apiKey), requests[0].headers.get("x-api-key", ""));
		CPPUNIT_ASSERT_EQUAL(std::string("2023-06-01"), requests[0].headers.get("anthropic-version", ""));
		CPPUNIT_ASSERT_EQUAL(std::string("application/json"), requests[0].headers.get("Content-Type", ""));
		CPPUNIT_ASSERT(!requests[0].headers.has("Authorization"));
		Poco::JSON::Object::Ptr sent = TestCall::json(requests[0].body);
		CPPUNIT_ASSERT_EQUAL(std::string("S"), sent->getValue<std::string>("system"));
		CPPUNIT_ASSERT_EQUAL(true, sent->getValue<bool>("stream"));
	}

	void testStreamWithoutMessageStopFails()
	{
		NashTest::ScriptedUpstream upstream;
		upstream.answer(200, "text/event-stream",
			sseEvent("message_start", R"({"type":"message_start","message":{"usage":{"input_tokens":9}}})") +
			sseEvent("content_block_delta", R"({"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"Reply"}})"));
		configureFor(upstream);
		NashTest::RecordingSink sink;
		Nash::CancellationToken token;
		try
		{
			_backend.streamChat(request({message("user", "Hi")}), sink, token);
			CPPUNIT_FAIL("a stream without message_stop must fail");
		}
		catch (Nash::BackendException& exc)
		{
			CPPUNIT_ASSERT(exc.message().find("ended the stream before it was complete") != std::string::npos);
		}
		CPPUNIT_ASSERT_EQUAL(std::string("Reply"), sink.text());
	}

	void testErrorAnswerKeepsMessageAndHidesKey()
	{
		NashTest::ScriptedUpstream upstream;
		upstream.answer(401, "application/json",
			std::string(R"({"type":"error","error":{"type":"authentication_error","message":"invalid x-api-key )") + apiKey + R"("}})");
		configureFor(upstream);
		NashTest::RecordingSink sink;
		Nash::CancellationToken token;
		try
		{
			_backend.streamChat(request({message("user", "Hi")}), sink, token);
			CPPUNIT_FAIL("a 401 must fail");
		}
		catch (Nash::BackendException& exc)
		{
			CPPUNIT_ASSERT_EQUAL(std::string("Anthropic upstream 'a' answered 401 Unauthorized: invalid x-api-key [redacted]"), exc.message());
		}
		CPPUNIT_ASSERT(sink.events.empty());
	}

	void testComplete()
	{
		NashTest::ScriptedUpstream upstream;
		upstream.answer(200, "application/json", R"({"id":"msg_1","type":"message","role":"assistant","content":[
			{"type":"thinking","thinking":"..."},{"type":"text","text":"Part one. "},
			{"type":"tool_use","id":"toolu_1","name":"f","input":{}},{"type":"text","text":"Part two."}],
			"stop_reason":"end_turn","usage":{"input_tokens":5,"output_tokens":6}})");
		configureFor(upstream);
		Nash::CancellationToken token;
		Nash::ChatResult result = _backend.complete(request({message("user", "Hi")}), token);
		CPPUNIT_ASSERT_EQUAL(std::string("Part one. Part two."), result.content);
		CPPUNIT_ASSERT_EQUAL(std::string("stop"), result.finishReason);
		CPPUNIT_ASSERT_EQUAL(5LL, result.usage.promptTokens.value());
		CPPUNIT_ASSERT_EQUAL(6LL, result.usage.completionTokens.value());
		CPPUNIT_ASSERT_EQUAL(false, TestCall::json(upstream.requests().at(0).body)->getValue<bool>("stream"));
	}

	void testCancellationEndsTheStream()
	{
		// The upstream sends one piece and then nothing: the client going
		// away must end the call at once, without an error.
		NashTest::ScriptedUpstream upstream;
		upstream.answer(200, "text/event-stream",
			sseEvent("content_block_delta", R"({"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"Reply"}})"), NashTest::ScriptedUpstream::STALL_AFTER_BODY);
		configureFor(upstream);
		NashTest::RecordingSink sink;
		Nash::CancellationToken token;
		sink.cancelOnContent = &token;
		auto start = std::chrono::steady_clock::now();
		_backend.streamChat(request({message("user", "Hi")}), sink, token);
		CPPUNIT_ASSERT(std::chrono::steady_clock::now() - start < std::chrono::seconds(5));
		CPPUNIT_ASSERT_EQUAL(std::string("Reply"), sink.text());
		CPPUNIT_ASSERT(sink.finishReasons.empty());
	}

	void testCancelledBeforeTheAnswer()
	{
		// The client went away before the upstream answered: no error.
		NashTest::ScriptedUpstream upstream;
		configureFor(upstream);
		NashTest::RecordingSink sink;
		Nash::CancellationToken token;
		token.cancel();
		_backend.streamChat(request({message("user", "Hi")}), sink, token);
		CPPUNIT_ASSERT(sink.events.empty());
		CPPUNIT_ASSERT_THROW(_backend.complete(request({message("user", "Hi")}), token), Nash::BackendException);
	}

	void testCancelledWhileWaitingForTheAnswer()
	{
		// The client goes away, on another thread, while the upstream has
		// not answered yet; again and again, since the cancellation races
		// the request's own end.
		NashTest::ScriptedUpstream upstream;
		upstream.answer(200, "text/event-stream", "", NashTest::ScriptedUpstream::STALL_BEFORE_ANSWER);
		configureFor(upstream);
		for (int i = 0; i < 40; ++i)
		{
			NashTest::RecordingSink sink;
			Nash::CancellationToken token;
			std::thread canceller([&token, i] {
				std::this_thread::sleep_for(std::chrono::microseconds(500 * (i % 10)));
				token.cancel();
			});
			auto start = std::chrono::steady_clock::now();
			_backend.streamChat(request({message("user", "Hi")}), sink, token);
			canceller.join();
			CPPUNIT_ASSERT(std::chrono::steady_clock::now() - start < std::chrono::seconds(5));
			CPPUNIT_ASSERT(sink.events.empty());
		}
	}

private:
	void configureFor(const NashTest::ScriptedUpstream& upstream)
	{
		_config->setString("base_url", upstream.baseUrl());
		_config->setString("api_key", apiKey);
		_config->setString("max_retries", "0");
		_backend.configure("a", *_config);
	}

	std::unique_ptr<NashTest::EnvironmentGuard> _environment;
	Poco::AutoPtr<Poco::Util::MapConfiguration> _config;
	Nash::AnthropicBackend _backend;
};


CPPUNIT_TEST_SUITE_REGISTRATION(AnthropicBackendTest);
