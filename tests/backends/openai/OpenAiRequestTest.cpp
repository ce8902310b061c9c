//
// OpenAiRequestTest.cpp
//
// The openai backend's request bodies and its exchange with a scripted
// upstream, compiled into the unit tests (the plugin through the real
// server is OpenAiBackendTest's).
//


#include "OpenAiBackend.h"
#include "EnvironmentGuard.h"
#include "ObservingSink.h"
#include "ScriptedUpstream.h"
#include "TestCall.h"
#include "Poco/AutoPtr.h"
#include "Poco/JSON/Array.h"
#include "Poco/JSON/ParseHandler.h"
#include "Poco/JSON/Parser.h"
#include "Poco/JSON/Stringifier.h"
#include "Poco/Util/MapConfiguration.h"
#include <cppunit/extensions/HelperMacros.h>
#include <sstream>


using NashTest::TestCall;


namespace {


const char* const apiKey = "sk-openai-test-0123456789";


Poco::JSON::Object::Ptr ordered(const std::string& text)
	/// text parsed with its keys in the order written, as the server keeps
	/// a client's messages.
{
	Poco::JSON::Parser parser(new Poco::JSON::ParseHandler(true));
	return parser.parse(text).extract<Poco::JSON::Object::Ptr>();
}


Nash::ChatMessage message(const std::string& role, const std::string& content, const std::string& raw)
{
	Nash::ChatMessage result;
	result.role = role;
	result.content = content;
	result.raw = ordered(raw);
	return result;
}


Nash::ChatRequest request(std::vector<Nash::ChatMessage> messages)
{
	Nash::ChatRequest result;
	result.model = "gpt-test";
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


} // namespace


class OpenAiRequestTest: public CppUnit::TestFixture
{
	CPPUNIT_TEST_SUITE(OpenAiRequestTest);
	CPPUNIT_TEST(testToolLoopKeysAreLeftOut);
	CPPUNIT_TEST(testOtherMessagesAreSentAsTheyCame);
	CPPUNIT_TEST(testUpstreamHeadReachesAnObserver);
	CPPUNIT_TEST_SUITE_END();

public:
	void setUp() override
	{
		_environment.reset(new NashTest::EnvironmentGuard({"OPENAI_API_KEY", "OPENAI_BASE_URL"}));
		_config = new Poco::Util::MapConfiguration;
		_config->setString("base_url", "http://127.0.0.1:9/v1");
		_config->setString("api_key", apiKey);
		_backend.configure("o", *_config);
	}

	void tearDown() override
	{
		_environment.reset();
	}

	void testToolLoopKeysAreLeftOut()
	{
		// The server's tool loop appends messages in LiteLLM's shape;
		// is_error on a tool result, a null function_call and the index of a
		// tool call are no fields of OpenAI's request messages.
		Nash::ChatRequest chat = request({
			message("user", "Add 2 and 40.", R"({"role": "user", "content": "Add 2 and 40."})"),
			message("assistant", "I'll add them.", R"({"content": "I'll add them.", "role": "assistant", "tool_calls": [)"
				R"({"id": "toolu_01Ju5", "function": {"arguments": "{\"a\": 2, \"b\": 40}", "name": "add"}, "type": "function", "index": 0}], "function_call": null})"),
			message("tool", "42", R"({"role": "tool", "tool_call_id": "toolu_01Ju5", "name": "add", "content": "42", "is_error": false})"),
			message("tool", "failed", R"({"role": "tool", "tool_call_id": "toolu_02", "name": "add", "content": "failed", "is_error": true})"),
			message("assistant", "The sum is 42.", R"({"content": "The sum is 42.", "role": "assistant"})")});
		Poco::JSON::Object::Ptr body = _backend.requestBody(chat, true);
		CPPUNIT_ASSERT_EQUAL(std::string(
			R"([{"role":"user","content":"Add 2 and 40."},)"
			R"({"content":"I'll add them.","role":"assistant","tool_calls":[)"
				R"({"id":"toolu_01Ju5","function":{"arguments":"{\"a\": 2, \"b\": 40}","name":"add"},"type":"function"}]},)"
			R"({"role":"tool","tool_call_id":"toolu_01Ju5","name":"add","content":"42"},)"
			R"({"role":"tool","tool_call_id":"toolu_02","name":"add","content":"failed"},)"
			R"({"content":"The sum is 42.","role":"assistant"}])"), text(body->get("messages")));

		// Copies: the messages the server holds keep what they had.
		CPPUNIT_ASSERT(chat.messages[1].raw->has("function_call"));
		CPPUNIT_ASSERT(chat.messages[1].raw->getArray("tool_calls")->getObject(0)->has("index"));
		CPPUNIT_ASSERT(chat.messages[2].raw->has("is_error"));
	}

	void testOtherMessagesAreSentAsTheyCame()
	{
		// Only what must go goes: a function_call that is not null, an
		// is_error on another role and unknown keys stay; a message with
		// nothing to leave out is sent as it is, not copied.
		Nash::ChatRequest chat = request({
			message("user", "x", R"({"role": "user", "content": "x", "is_error": true, "name": "ann"})"),
			message("assistant", "", R"({"role": "assistant", "content": null, "function_call": {"name": "f", "arguments": "{}"}})"),
			message("assistant", "", R"({"role": "assistant", "content": null, "tool_calls": [{"id": "c1", "type": "function", "function": {"name": "f", "arguments": "{}"}}]})")});
		Poco::JSON::Array::Ptr messages = _backend.requestBody(chat, false)->getArray("messages");
		for (unsigned i = 0; i < 3; ++i)
			CPPUNIT_ASSERT(messages->getObject(i).get() == chat.messages[i].raw.get());
		CPPUNIT_ASSERT_EQUAL(std::string(R"({"role":"user","content":"x","is_error":true,"name":"ann"})"), text(messages->get(0)));
	}

	void testUpstreamHeadReachesAnObserver()
	{
		NashTest::ScriptedUpstream upstream;
		upstream.header("x-ratelimit-remaining-requests", "499");
		upstream.answer(200, "text/event-stream",
			"data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"Hi\"}}]}\n\n"
			"data: {\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}]}\n\n"
			"data: [DONE]\n\n");
		_config->setString("base_url", upstream.baseUrl() + "/v1");
		_config->setString("max_retries", "0");
		_backend.configure("o", *_config);
		NashTest::ObservingSink sink;
		Nash::CancellationToken token;
		_backend.streamChat(request({message("user", "Hi", R"({"role": "user", "content": "Hi"})")}), sink, token);

		CPPUNIT_ASSERT_EQUAL(std::size_t(1), sink.statuses.size());
		CPPUNIT_ASSERT_EQUAL(200, sink.statuses[0]);
		CPPUNIT_ASSERT_EQUAL(std::string("499"), sink.lastHeaders.get("x-ratelimit-remaining-requests", ""));
		CPPUNIT_ASSERT(sink.events.size() >= 2);
		CPPUNIT_ASSERT_EQUAL(std::string("head"), sink.events.front());
		CPPUNIT_ASSERT_EQUAL(std::string("Hi"), sink.text());
		CPPUNIT_ASSERT_EQUAL(std::string("/v1/chat/completions"), upstream.requests().at(0).uri);
	}

private:
	std::unique_ptr<NashTest::EnvironmentGuard> _environment;
	Poco::AutoPtr<Poco::Util::MapConfiguration> _config;
	Nash::OpenAiBackend _backend;
};


CPPUNIT_TEST_SUITE_REGISTRATION(OpenAiRequestTest);
