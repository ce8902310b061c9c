//
// ChatCompletionsTest.cpp
//
// POST /v1/chat/completions (the OpenAI dialect) against the real server.
//


#include "HttpTestClient.h"
#include "ServerProcess.h"
#include "TestEnvironment.h"
#include "Poco/JSON/Array.h"
#include "Poco/JSON/Parser.h"
#include <cppunit/extensions/HelperMacros.h>
#include <memory>


using NashTest::HttpTestClient;


namespace {


Poco::JSON::Object::Ptr parse(const std::string& json)
{
	Poco::JSON::Parser parser;
	return parser.parse(json).extract<Poco::JSON::Object::Ptr>();
}


const std::string hello = R"({"model": "echo", "messages": [{"role": "developer", "content": "Be brief."}, {"role": "user", "content": "hi there"}]})";


} // namespace


class ChatCompletionsTest: public CppUnit::TestFixture
{
	CPPUNIT_TEST_SUITE(ChatCompletionsTest);
	CPPUNIT_TEST(testCompletion);
	CPPUNIT_TEST(testStream);
	CPPUNIT_TEST(testStreamWithUsage);
	CPPUNIT_TEST(testErrorsInOpenAiEnvelope);
	CPPUNIT_TEST(testBackendFailure);
	CPPUNIT_TEST(testToolConversationAccepted);
	CPPUNIT_TEST_SUITE_END();

public:
	void setUp() override
	{
		NashTest::ServerProcess::Options options;
		options.iniText =
			"[plugins]\n"
			"path = " + NashTest::testPluginDir() + ", " + NashTest::pluginDir() + "\n"
			"[backend.broken]\n"
			"plugin = faulty\n"
			"events = 2\n"
			"fail = true\n"
			"complete_fails = true\n"
			"message = upstream answered 401: invalid key\n";
		_server.reset(new NashTest::ServerProcess(options));
		_server->start();
	}

	void tearDown() override
	{
		_server.reset();
	}

	void testCompletion()
	{
		auto result = client().post("/v1/chat/completions", R"({"model": "echo", "messages": [{"role": "user", "content": "hi there"}]})");
		CPPUNIT_ASSERT_EQUAL_MESSAGE(result.body, 200, result.status);
		CPPUNIT_ASSERT_EQUAL(std::string("application/json"), result.headers.get("Content-Type"));
		auto completion = result.json();
		CPPUNIT_ASSERT_EQUAL(std::string("chat.completion"), completion->getValue<std::string>("object"));
		CPPUNIT_ASSERT_EQUAL(std::string("chatcmpl-"), completion->getValue<std::string>("id").substr(0, 9));
		CPPUNIT_ASSERT_EQUAL(std::string("echo"), completion->getValue<std::string>("model"));
		CPPUNIT_ASSERT(completion->getValue<Poco::Int64>("created") > 1700000000);
		auto choice = completion->getArray("choices")->getObject(0);
		CPPUNIT_ASSERT_EQUAL(0, choice->getValue<int>("index"));
		CPPUNIT_ASSERT_EQUAL(std::string("stop"), choice->getValue<std::string>("finish_reason"));
		auto message = choice->getObject("message");
		CPPUNIT_ASSERT_EQUAL(std::string("assistant"), message->getValue<std::string>("role"));
		CPPUNIT_ASSERT_EQUAL(std::string("Echo: hi there"), message->getValue<std::string>("content"));
		CPPUNIT_ASSERT(!message->has("tool_calls"));
		auto usage = completion->getObject("usage");
		CPPUNIT_ASSERT(usage->getValue<int>("prompt_tokens") > 0);
		CPPUNIT_ASSERT(usage->getValue<int>("completion_tokens") > 0);
		CPPUNIT_ASSERT_EQUAL(usage->getValue<int>("prompt_tokens") + usage->getValue<int>("completion_tokens"), usage->getValue<int>("total_tokens"));
	}

	void testStream()
	{
		std::string body = hello;
		body.insert(1, R"("stream": true, )");
		auto result = client().post("/v1/chat/completions", body);
		CPPUNIT_ASSERT_EQUAL_MESSAGE(result.body, 200, result.status);
		CPPUNIT_ASSERT_EQUAL(std::string("text/event-stream"), result.headers.get("Content-Type"));
		auto events = HttpTestClient::dataEvents(result.body);
		CPPUNIT_ASSERT(events.size() >= 4);
		CPPUNIT_ASSERT_EQUAL(std::string("[DONE]"), events.back());
		std::string id;
		std::string text;
		for (std::size_t i = 0; i + 1 < events.size(); ++i)
		{
			auto chunk = parse(events[i]);
			CPPUNIT_ASSERT_EQUAL(std::string("chat.completion.chunk"), chunk->getValue<std::string>("object"));
			if (i == 0) id = chunk->getValue<std::string>("id");
			CPPUNIT_ASSERT_EQUAL(id, chunk->getValue<std::string>("id"));
			CPPUNIT_ASSERT(!chunk->has("usage"));
			auto choice = chunk->getArray("choices")->getObject(0);
			auto delta = choice->getObject("delta");
			if (i == 0) CPPUNIT_ASSERT_EQUAL(std::string("assistant"), delta->getValue<std::string>("role"));
			if (delta->has("content")) text += delta->getValue<std::string>("content");
			bool last = i + 2 == events.size();
			CPPUNIT_ASSERT_EQUAL(last, !choice->isNull("finish_reason"));
			if (last) CPPUNIT_ASSERT_EQUAL(std::string("stop"), choice->getValue<std::string>("finish_reason"));
		}
		CPPUNIT_ASSERT_EQUAL(std::string("Echo: hi there"), text);
	}

	void testStreamWithUsage()
	{
		std::string body = hello;
		body.insert(1, R"("stream": true, "stream_options": {"include_usage": true}, )");
		auto result = client().post("/v1/chat/completions", body);
		CPPUNIT_ASSERT_EQUAL(200, result.status);
		auto events = HttpTestClient::dataEvents(result.body);
		CPPUNIT_ASSERT_EQUAL(std::string("[DONE]"), events.back());
		auto usageChunk = parse(events[events.size() - 2]);
		CPPUNIT_ASSERT_EQUAL(std::size_t(0), usageChunk->getArray("choices")->size());
		CPPUNIT_ASSERT(usageChunk->getObject("usage")->getValue<int>("total_tokens") > 0);
		// Every other chunk says it has no usage yet.
		CPPUNIT_ASSERT(parse(events[0])->isNull("usage"));
	}

	void testErrorsInOpenAiEnvelope()
	{
		struct Case
		{
			std::string body;
			int status;
			std::string inMessage;
		};
		const std::vector<Case> cases = {
			{R"({"model": "no-such-model", "messages": [{"role": "user", "content": "x"}]})", 404, "no-such-model"},
			{R"({"model": "echo"})", 400, "messages"},
			{R"({"model": "echo", "messages": [{"role": "user", "content": "x"}], "stream": "yes"})", 400, "stream"},
			{R"({"model": "echo", "messages": [{"role": "assistant"}]})", 400, "content"},
			{"not json", 400, "JSON"}};
		for (const auto& c: cases)
		{
			auto result = client().post("/v1/chat/completions", c.body);
			CPPUNIT_ASSERT_EQUAL_MESSAGE(c.body + ": " + result.body, c.status, result.status);
			auto error = result.json()->getObject("error");
			CPPUNIT_ASSERT_MESSAGE(result.body, error);
			CPPUNIT_ASSERT_EQUAL(std::string("invalid_request_error"), error->getValue<std::string>("type"));
			CPPUNIT_ASSERT_MESSAGE(result.body, error->getValue<std::string>("message").find(c.inMessage) != std::string::npos);
			CPPUNIT_ASSERT(error->has("param") && error->has("code"));
		}
	}

	void testBackendFailure()
	{
		auto result = client().post("/v1/chat/completions", R"({"model": "broken/faulty-model", "messages": [{"role": "user", "content": "x"}]})");
		CPPUNIT_ASSERT_EQUAL_MESSAGE(result.body, 502, result.status);
		auto error = result.json()->getObject("error");
		CPPUNIT_ASSERT_EQUAL(std::string("server_error"), error->getValue<std::string>("type"));
		CPPUNIT_ASSERT(error->getValue<std::string>("message").find("invalid key") != std::string::npos);

		// After the stream began: the text so far, one error event, no [DONE].
		result = client().post("/v1/chat/completions", R"({"model": "broken/faulty-model", "stream": true, "messages": [{"role": "user", "content": "x"}]})");
		CPPUNIT_ASSERT_EQUAL(200, result.status);
		auto events = HttpTestClient::dataEvents(result.body);
		CPPUNIT_ASSERT(events.size() >= 2);
		CPPUNIT_ASSERT(events.back() != "[DONE]");
		auto last = parse(events.back());
		CPPUNIT_ASSERT(last->getObject("error"));
		CPPUNIT_ASSERT(last->getObject("error")->getValue<std::string>("message").find("invalid key") != std::string::npos);
	}

	void testToolConversationAccepted()
	{
		// An assistant turn of tool calls only, and the tool's answer.
		auto result = client().post("/v1/chat/completions", R"({"model": "echo", "messages": [
			{"role": "user", "content": "weather?"},
			{"role": "assistant", "tool_calls": [{"id": "call_1", "type": "function", "function": {"name": "weather", "arguments": "{}"}}]},
			{"role": "tool", "tool_call_id": "call_1", "content": "sunny"},
			{"role": "user", "content": [{"type": "text", "text": "thanks"}]}],
			"tools": [{"type": "function", "function": {"name": "weather", "parameters": {"type": "object"}}}], "max_completion_tokens": 50})");
		CPPUNIT_ASSERT_EQUAL_MESSAGE(result.body, 200, result.status);
		CPPUNIT_ASSERT_EQUAL(std::string("Echo: thanks"), result.json()->getArray("choices")->getObject(0)->getObject("message")->getValue<std::string>("content"));
	}

private:
	HttpTestClient client()
	{
		return HttpTestClient(_server->port());
	}

	std::unique_ptr<NashTest::ServerProcess> _server;
};


CPPUNIT_TEST_SUITE_REGISTRATION(ChatCompletionsTest);
