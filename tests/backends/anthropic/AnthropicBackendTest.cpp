//
// AnthropicBackendTest.cpp
//
// The anthropic backend's configuration, its request bodies, and whole
// exchanges with a scripted upstream, made by the server's runner of
// translators (NashUpstream::ProviderExchange).
//


#include "AnthropicBackend.h"
#include "EnvironmentGuard.h"
#include "ObservingSink.h"
#include "RecordingSink.h"
#include "ScriptedUpstream.h"
#include "TestCall.h"
#include "NashUpstream/ProviderExchange.h"
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


std::string joined(const std::vector<std::string>& events)
{
	std::string result;
	for (const auto& event: events) result += (result.empty() ? "" : ",") + event;
	return result;
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
	CPPUNIT_TEST(testBodyOfTheServersToolLoop);
	CPPUNIT_TEST(testToolResultsLeadTheirTurn);
	CPPUNIT_TEST(testEmptyTurnsAndBlocksAreDropped);
	CPPUNIT_TEST(testToolResultIsError);
	CPPUNIT_TEST(testToolsAndToolChoice);
	CPPUNIT_TEST(testImagesAndAnthropicFields);
	CPPUNIT_TEST(testToolArgumentsMustBeAnObject);
	CPPUNIT_TEST(testKeyRequiredForAnthropic);
	CPPUNIT_TEST(testMessagesPath);
	CPPUNIT_TEST(testChatRequest);
	CPPUNIT_TEST(testBaseUrlAndSecrets);
	CPPUNIT_TEST(testStreamExchange);
	CPPUNIT_TEST(testUpstreamHeadReachesAnObserver);
	CPPUNIT_TEST(testStreamWithoutMessageStopFails);
	CPPUNIT_TEST(testErrorAnswerKeepsMessageAndHidesKey);
	CPPUNIT_TEST(testErrorEventKeepsStatusAndHidesKey);
	CPPUNIT_TEST(testHeaderKeysDoNotReplaceTheKey);
	CPPUNIT_TEST(testComplete);
	CPPUNIT_TEST(testUnusableAnswers);
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
		_exchange.reset();
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
			R"({"type":"tool_result","tool_use_id":"call_2","content":"14:00"},)"
			R"({"type":"text","text":"Thanks"}]}])"), text(messages));
	}

	void testBodyOfTheServersToolLoop()
	{
		// A history as the server's MCP tool loop (and a client sending it
		// back) makes it: LiteLLM's shapes, two rounds of tool calls, the
		// user's words after the results, an assistant message without
		// content, and the user speaking twice in a row. The exact body
		// sent upstream must be a valid Messages API conversation.
		NashTest::ScriptedUpstream upstream;
		upstream.answer(200, "text/event-stream", sseEvent("message_stop", R"({"type":"message_stop"})"));
		configureFor(upstream);
		Nash::ChatRequest chat = request({
			message("system", "Be brief."),
			message("user", "Add 2 and 40, then 1 and 1.", R"({"role":"user","content":"Add 2 and 40, then 1 and 1."})"),
			message("assistant", "I'll add them.", R"({"content": "I'll add them.", "role": "assistant", "tool_calls": [)"
				R"({"id": "toolu_01Ju5", "function": {"arguments": "{\"a\": 2, \"b\": 40}", "name": "add"}, "type": "function", "index": 0},)"
				R"({"id": "toolu_02Kq", "function": {"arguments": "{\"a\": 1, \"b\": 1}", "name": "add"}, "type": "function", "index": 1}], "function_call": null})"),
			message("tool", "42", R"({"role": "tool", "tool_call_id": "toolu_01Ju5", "name": "add", "content": "42", "is_error": false})"),
			message("tool", "adder crashed", R"({"role": "tool", "tool_call_id": "toolu_02Kq", "name": "add", "content": "adder crashed", "is_error": true})"),
			message("user", "Retry the second.", R"({"role":"user","content":"Retry the second."})"),
			message("assistant", "", R"({"content": "", "role": "assistant", "tool_calls": [)"
				R"({"id": "toolu_03Zz", "function": {"arguments": "{\"a\": 1, \"b\": 1}", "name": "add"}, "type": "function", "index": 0}], "function_call": null})"),
			message("tool", "2", R"({"role": "tool", "tool_call_id": "toolu_03Zz", "name": "add", "content": "2", "is_error": false})"),
			message("assistant", "The sums are 42 and 2.", R"({"content": "The sums are 42 and 2.", "role": "assistant"})"),
			message("user", "Thanks.", R"({"role":"user","content":"Thanks."})"),
			message("assistant", "", R"({"content": "", "role": "assistant"})"),
			message("user", "", R"({"role":"user","content":""})"),
			message("user", "One more: 3 and 4?", R"({"role":"user","content":"One more: 3 and 4?"})")});
		chat.extra->set("tools", TestCall::json(R"({"t":[
			{"type":"function","function":{"name":"add","description":"Adds two numbers","parameters":{"type":"object","properties":{"a":{"type":"number"},"b":{"type":"number"}}}}},
			{"type":"function","function":{"name":"now","parameters":{"type":"object"}}}]})")->get("t"));
		chat.extra->set("parallel_tool_calls", false);
		NashTest::RecordingSink sink;
		Nash::CancellationToken token;
		_exchange->streamChat(chat, sink, token);

		CPPUNIT_ASSERT_EQUAL(std::size_t(1), upstream.requests().size());
		CPPUNIT_ASSERT_EQUAL(std::string(
			R"({"model":"claude-test","max_tokens":4096,"system":"Be brief.","messages":[)"
			R"({"role":"user","content":"Add 2 and 40, then 1 and 1."},)"
			R"({"role":"assistant","content":[{"type":"text","text":"I'll add them."},)"
				R"({"type":"tool_use","id":"toolu_01Ju5","name":"add","input":{"a":2,"b":40}},)"
				R"({"type":"tool_use","id":"toolu_02Kq","name":"add","input":{"a":1,"b":1}}]},)"
			R"({"role":"user","content":[{"type":"tool_result","tool_use_id":"toolu_01Ju5","content":"42"},)"
				R"({"type":"tool_result","tool_use_id":"toolu_02Kq","content":"adder crashed","is_error":true},)"
				R"({"type":"text","text":"Retry the second."}]},)"
			R"({"role":"assistant","content":[{"type":"tool_use","id":"toolu_03Zz","name":"add","input":{"a":1,"b":1}}]},)"
			R"({"role":"user","content":[{"type":"tool_result","tool_use_id":"toolu_03Zz","content":"2"}]},)"
			R"({"role":"assistant","content":"The sums are 42 and 2."},)"
			R"({"role":"user","content":[{"type":"text","text":"Thanks."},{"type":"text","text":"One more: 3 and 4?"}]}],)"
			R"("stream":true,"tools":[)"
			R"({"name":"add","description":"Adds two numbers","input_schema":{"properties":{"a":{"type":"number"},"b":{"type":"number"}},"type":"object"}},)"
			R"({"name":"now","description":"","input_schema":{"type":"object"}}],)"
			R"("tool_choice":{"type":"auto","disable_parallel_tool_use":true}})"), upstream.requests()[0].body);
	}

	void testToolResultsLeadTheirTurn()
	{
		// Anthropic wants the results right at the start of the turn after
		// the tool_use turn, even when the user spoke before they came in,
		// and merges images of the user's like any other block.
		_config->setString("base_url", "http://127.0.0.1:9");
		_backend.configure("a", *_config);
		Nash::ChatRequest chat = request({
			message("user", "Time?"),
			message("assistant", "", R"({"role":"assistant","content":null,"tool_calls":[{"id":"call_1","type":"function","function":{"name":"now","arguments":"{}"}}]})"),
			message("user", "Hurry."),
			message("tool", "14:00", R"({"role":"tool","tool_call_id":"call_1","content":"14:00"})"),
			message("user", "", R"({"role":"user","content":[{"type":"text","text":""},{"type":"image_url","image_url":{"url":"https://example.com/clock.jpg"}}]})")});
		CPPUNIT_ASSERT_EQUAL(std::string(
			R"([{"role":"user","content":"Time?"},)"
			R"({"role":"assistant","content":[{"type":"tool_use","id":"call_1","name":"now","input":{}}]},)"
			R"({"role":"user","content":[{"type":"tool_result","tool_use_id":"call_1","content":"14:00"},)"
			R"({"type":"text","text":"Hurry."},)"
			R"({"type":"image","source":{"type":"url","url":"https://example.com/clock.jpg"}}]}])"),
			text(_backend.requestBody(chat, true)->get("messages")));
	}

	void testEmptyTurnsAndBlocksAreDropped()
	{
		// Anthropic refuses empty (and blank) text blocks and turns without
		// content; what is left of the roles around them is merged.
		_config->setString("base_url", "http://127.0.0.1:9");
		_backend.configure("a", *_config);
		Nash::ChatRequest chat = request({
			message("user", "Hi"),
			message("assistant", "", R"({"role":"assistant","content":""})"),
			message("assistant", " \n", R"({"role":"assistant","content":" \n","tool_calls":[]})"),
			message("user", ""),
			message("user", "Still there?"),
			message("assistant", "Yes."),
			message("user", "  ")});
		CPPUNIT_ASSERT_EQUAL(std::string(
			R"([{"role":"user","content":[{"type":"text","text":"Hi"},{"type":"text","text":"Still there?"}]},)"
			R"({"role":"assistant","content":"Yes."}])"),
			text(_backend.requestBody(chat, true)->get("messages")));
	}

	void testToolResultIsError()
	{
		_config->setString("base_url", "http://127.0.0.1:9");
		_backend.configure("a", *_config);
		Nash::ChatRequest chat = request({
			message("user", "Read it."),
			message("assistant", "", R"({"role":"assistant","content":"","tool_calls":[
				{"id":"toolu_1","type":"function","function":{"name":"read","arguments":"{\"path\":\"/x\"}"}}]})"),
			message("tool", "MCP error -32602: no such file", R"({"role":"tool","tool_call_id":"toolu_1","name":"read","content":"MCP error -32602: no such file","is_error":true})")});
		Poco::JSON::Array::Ptr messages = _backend.requestBody(chat, true)->getArray("messages");
		CPPUNIT_ASSERT_EQUAL(std::size_t(3), messages->size());
		CPPUNIT_ASSERT_EQUAL(std::string(
			R"({"role":"user","content":[{"type":"tool_result","tool_use_id":"toolu_1","content":"MCP error -32602: no such file","is_error":true}]})"),
			text(messages->get(2)));

		// false, or anything but true, is no error: the field is left out.
		chat.messages[2].raw->set("is_error", false);
		CPPUNIT_ASSERT(!_backend.requestBody(chat, true)->getArray("messages")->getObject(2)->getArray("content")->getObject(0)->has("is_error"));
		chat.messages[2].raw->set("is_error", "true");
		CPPUNIT_ASSERT(!_backend.requestBody(chat, true)->getArray("messages")->getObject(2)->getArray("content")->getObject(0)->has("is_error"));
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
			R"({"name":"now","description":"","input_schema":{"type":"object","properties":{}}},)"
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

	void testChatRequest()
	{
		// What the server is to send: the body, the key and the API version,
		// and for a stream the event stream asked for.
		_config->setString("base_url", "http://127.0.0.1:9/v1");
		_config->setString("api_key", apiKey);
		_config->setString("anthropic_version", " 2024-01-01 ");
		_backend.configure("a", *_config);
		Nash::ChatRequest chat = request({message("user", "Hi")});
		Nash::UpstreamRequest streamed = _backend.chatRequest(chat, true);
		CPPUNIT_ASSERT_EQUAL(std::string("POST"), streamed.method);
		CPPUNIT_ASSERT_EQUAL(std::string("/messages"), streamed.path);
		CPPUNIT_ASSERT_EQUAL(std::string(R"({"model":"claude-test","max_tokens":4096,"messages":[{"role":"user","content":"Hi"}],"stream":true})"), streamed.body);
		CPPUNIT_ASSERT_EQUAL(0, streamed.timeoutMilliseconds);
		CPPUNIT_ASSERT_EQUAL(std::size_t(3), streamed.headers.size());
		CPPUNIT_ASSERT_EQUAL(std::string("x-api-key"), streamed.headers[0].first);
		CPPUNIT_ASSERT_EQUAL(std::string(apiKey), streamed.headers[0].second);
		CPPUNIT_ASSERT_EQUAL(std::string("anthropic-version"), streamed.headers[1].first);
		CPPUNIT_ASSERT_EQUAL(std::string("2024-01-01"), streamed.headers[1].second);
		CPPUNIT_ASSERT_EQUAL(std::string("Accept"), streamed.headers[2].first);
		CPPUNIT_ASSERT_EQUAL(std::string("text/event-stream"), streamed.headers[2].second);

		Nash::UpstreamRequest whole = _backend.chatRequest(chat, false);
		CPPUNIT_ASSERT_EQUAL(false, TestCall::json(whole.body)->getValue<bool>("stream"));
		CPPUNIT_ASSERT_EQUAL(std::size_t(2), whole.headers.size());

		// A host that needs no key gets none.
		_config->setString("api_key", "");
		_backend.configure("a", *_config);
		CPPUNIT_ASSERT_EQUAL(std::size_t(1), _backend.chatRequest(chat, false).headers.size());
		CPPUNIT_ASSERT_EQUAL(std::string("anthropic-version"), _backend.chatRequest(chat, false).headers[0].first);
		_config->setString("anthropic_version", " ");
		CPPUNIT_ASSERT_THROW(_backend.configure("a", *_config), Poco::InvalidArgumentException);
	}

	void testBaseUrlAndSecrets()
	{
		Poco::Environment::set("ANTHROPIC_API_KEY", apiKey);
		_backend.configure("claude", *_config);
		CPPUNIT_ASSERT_EQUAL(std::string("https://api.anthropic.com"), _backend.baseUrl());
		CPPUNIT_ASSERT_EQUAL(std::string("Anthropic upstream 'claude'"), _backend.providerName());
		CPPUNIT_ASSERT_EQUAL(std::size_t(1), _backend.secrets().size());
		CPPUNIT_ASSERT_EQUAL(std::string(apiKey), _backend.secrets()[0]);

		Poco::Environment::set("ANTHROPIC_BASE_URL", "http://127.0.0.1:9/proxy");
		_backend.configure("claude", *_config);
		CPPUNIT_ASSERT_EQUAL(std::string("http://127.0.0.1:9/proxy"), _backend.baseUrl());
		_config->setString("base_url", " http://127.0.0.1:8/v1 ");
		_backend.configure("claude", *_config);
		CPPUNIT_ASSERT_EQUAL(std::string("http://127.0.0.1:8/v1"), _backend.baseUrl());

		// The server's client goes where the backend says.
		NashUpstream::ProviderExchange exchange(std::unique_ptr<Nash::ProviderBackend>(new Nash::AnthropicBackend));
		exchange.configure("claude", *_config);
		CPPUNIT_ASSERT_EQUAL(std::string("http://127.0.0.1:8/v1"), exchange.client().settings().baseUri.toString());

		Poco::Environment::set("ANTHROPIC_API_KEY", "");
		_backend.configure("claude", *_config);
		CPPUNIT_ASSERT(_backend.secrets().empty());

		_config->setString("base_url", "ftp://127.0.0.1");
		CPPUNIT_ASSERT_THROW(_backend.configure("claude", *_config), Poco::InvalidArgumentException);
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
		_exchange->streamChat(request({message("system", "S"), message("user", "Hi")}), sink, token);

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
		CPPUNIT_ASSERT_EQUAL(std::string("text/event-stream"), requests[0].headers.get("Accept", ""));
		Poco::JSON::Object::Ptr sent = TestCall::json(requests[0].body);
		CPPUNIT_ASSERT_EQUAL(std::string("S"), sent->getValue<std::string>("system"));
		CPPUNIT_ASSERT_EQUAL(true, sent->getValue<bool>("stream"));
	}

	void testUpstreamHeadReachesAnObserver()
	{
		// The server's sink implements UpstreamHeadObserver to read the
		// provider's rate-limit headers: it learns them before any content.
		NashTest::ScriptedUpstream upstream;
		upstream.header("anthropic-ratelimit-requests-remaining", "41");
		upstream.header("anthropic-ratelimit-tokens-reset", "2025-01-01T00:00:30Z");
		upstream.answer(200, "text/event-stream",
			sseEvent("content_block_delta", R"({"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"Hi"}})") +
			sseEvent("message_delta", R"({"type":"message_delta","delta":{"stop_reason":"end_turn"}})") +
			sseEvent("message_stop", R"({"type":"message_stop"})"));
		configureFor(upstream);
		NashTest::ObservingSink sink;
		Nash::CancellationToken token;
		_exchange->streamChat(request({message("user", "Hi")}), sink, token);

		CPPUNIT_ASSERT_EQUAL(std::size_t(1), sink.statuses.size());
		CPPUNIT_ASSERT_EQUAL(200, sink.statuses[0]);
		CPPUNIT_ASSERT_EQUAL(std::string("41"), sink.lastHeaders.get("anthropic-ratelimit-requests-remaining", ""));
		CPPUNIT_ASSERT_EQUAL(std::string("2025-01-01T00:00:30Z"), sink.lastHeaders.get("Anthropic-RateLimit-Tokens-Reset", ""));
		CPPUNIT_ASSERT_EQUAL(std::string("head,content,finish"), joined(sink.events));
		CPPUNIT_ASSERT_EQUAL(std::string("Hi"), sink.text());

		// An error answer is the backend's exception, not a head.
		upstream.answer(429, "application/json", R"({"type":"error","error":{"type":"rate_limit_error","message":"slow down"}})");
		NashTest::ObservingSink refused;
		CPPUNIT_ASSERT_THROW(_exchange->streamChat(request({message("user", "Hi")}), refused, token), Nash::BackendException);
		CPPUNIT_ASSERT(refused.events.empty());
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
			_exchange->streamChat(request({message("user", "Hi")}), sink, token);
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
			_exchange->streamChat(request({message("user", "Hi")}), sink, token);
			CPPUNIT_FAIL("a 401 must fail");
		}
		catch (Nash::BackendException& exc)
		{
			CPPUNIT_ASSERT_EQUAL(std::string("Anthropic upstream 'a' answered 401 Unauthorized: invalid x-api-key [redacted]"), exc.message());
		}
		CPPUNIT_ASSERT(sink.events.empty());
	}

	void testErrorEventKeepsStatusAndHidesKey()
	{
		// An error after the stream began: the server counts it as the
		// provider's and keeps the key out of the message.
		NashTest::ScriptedUpstream upstream;
		upstream.answer(200, "text/event-stream",
			sseEvent("content_block_delta", R"({"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"Par"}})") +
			sseEvent("error", std::string(R"json({"type":"error","error":{"type":"overloaded_error","message":"Overloaded (key )json") + apiKey + R"json()"}})json"));
		configureFor(upstream);
		NashTest::RecordingSink sink;
		Nash::CancellationToken token;
		try
		{
			_exchange->streamChat(request({message("user", "Hi")}), sink, token);
			CPPUNIT_FAIL("an error event must fail");
		}
		catch (Nash::BackendException& exc)
		{
			CPPUNIT_ASSERT_EQUAL(std::string("Anthropic upstream 'a' reported an error mid-stream: Overloaded (key [redacted])"), exc.message());
			CPPUNIT_ASSERT_EQUAL(529, exc.code());
		}
		CPPUNIT_ASSERT_EQUAL(std::string("Par"), sink.text());
	}

	void testHeaderKeysDoNotReplaceTheKey()
	{
		// header.* keys add headers (beta features); the key and the API
		// version are the backend's own.
		NashTest::ScriptedUpstream upstream;
		upstream.answer(200, "text/event-stream", sseEvent("message_stop", R"({"type":"message_stop"})"));
		_config->setString("header.anthropic-beta", "tools-2024-05-16");
		_config->setString("header.x-api-key", "sk-other");
		_config->setString("header.anthropic-version", "1999-01-01");
		configureFor(upstream);
		NashTest::RecordingSink sink;
		Nash::CancellationToken token;
		_exchange->streamChat(request({message("user", "Hi")}), sink, token);
		auto requests = upstream.requests();
		CPPUNIT_ASSERT_EQUAL(std::size_t(1), requests.size());
		CPPUNIT_ASSERT_EQUAL(std::string("tools-2024-05-16"), requests[0].headers.get("anthropic-beta", ""));
		CPPUNIT_ASSERT_EQUAL(std::string(apiKey), requests[0].headers.get("x-api-key", ""));
		CPPUNIT_ASSERT_EQUAL(std::string("2023-06-01"), requests[0].headers.get("anthropic-version", ""));
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
		Nash::ChatResult result = _exchange->complete(request({message("user", "Hi")}), token);
		CPPUNIT_ASSERT_EQUAL(std::string("Part one. Part two."), result.content);
		CPPUNIT_ASSERT_EQUAL(std::string("stop"), result.finishReason);
		CPPUNIT_ASSERT_EQUAL(5LL, result.usage.promptTokens.value());
		CPPUNIT_ASSERT_EQUAL(6LL, result.usage.completionTokens.value());
		CPPUNIT_ASSERT_EQUAL(false, TestCall::json(upstream.requests().at(0).body)->getValue<bool>("stream"));
		CPPUNIT_ASSERT(upstream.requests().at(0).headers.get("Accept", "") != "text/event-stream");
		CPPUNIT_ASSERT_EQUAL(std::string(apiKey), upstream.requests().at(0).headers.get("x-api-key", ""));
	}

	void testUnusableAnswers()
	{
		NashTest::ScriptedUpstream upstream;
		upstream.answer(200, "application/json", std::string("<html>key ") + apiKey + "</html>");
		configureFor(upstream);
		Nash::CancellationToken token;
		try
		{
			_exchange->complete(request({message("user", "Hi")}), token);
			CPPUNIT_FAIL("an answer that is no JSON must fail");
		}
		catch (Nash::BackendException& exc)
		{
			CPPUNIT_ASSERT_EQUAL(std::string("Anthropic upstream 'a' sent data that is not a JSON object: <html>key [redacted]</html>"), exc.message());
		}

		upstream.answer(200, "application/json", R"({"id":"msg_1","type":"message","stop_reason":"end_turn"})");
		try
		{
			_exchange->complete(request({message("user", "Hi")}), token);
			CPPUNIT_FAIL("an answer without content must fail");
		}
		catch (Nash::BackendException& exc)
		{
			CPPUNIT_ASSERT_EQUAL(std::string("Anthropic upstream 'a' answered without content"), exc.message());
		}

		// The translator alone says why, for the server's count of failures.
		try
		{
			_backend.decodeAnswer("[]");
			CPPUNIT_FAIL("an answer that is no JSON object must fail");
		}
		catch (Nash::BackendException& exc)
		{
			CPPUNIT_ASSERT(exc.cause() == Nash::BackendException::Cause::Malformed);
		}
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
		_exchange->streamChat(request({message("user", "Hi")}), sink, token);
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
		_exchange->streamChat(request({message("user", "Hi")}), sink, token);
		CPPUNIT_ASSERT(sink.events.empty());
		CPPUNIT_ASSERT_THROW(_exchange->complete(request({message("user", "Hi")}), token), Nash::BackendException);
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
			_exchange->streamChat(request({message("user", "Hi")}), sink, token);
			canceller.join();
			CPPUNIT_ASSERT(std::chrono::steady_clock::now() - start < std::chrono::seconds(5));
			CPPUNIT_ASSERT(sink.events.empty());
		}
	}

private:
	void configureFor(const NashTest::ScriptedUpstream& upstream)
		/// Makes _exchange, an anthropic backend at work as the server
		/// runs it, for upstream.
	{
		_config->setString("base_url", upstream.baseUrl());
		_config->setString("api_key", apiKey);
		_config->setString("max_retries", "0");
		_exchange.reset(new NashUpstream::ProviderExchange(std::unique_ptr<Nash::ProviderBackend>(new Nash::AnthropicBackend)));
		_exchange->configure("a", *_config);
	}

	std::unique_ptr<NashTest::EnvironmentGuard> _environment;
	Poco::AutoPtr<Poco::Util::MapConfiguration> _config;
	Nash::AnthropicBackend _backend;
		// For what the translator makes alone: request bodies, configuration.
	std::unique_ptr<NashUpstream::ProviderExchange> _exchange;
};


CPPUNIT_TEST_SUITE_REGISTRATION(AnthropicBackendTest);
