//
// MessagesTest.cpp
//
// POST /v1/messages and /v1/messages/count_tokens (the Anthropic dialect)
// against the real server.
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


struct NamedEvent
{
	std::string name;
	Poco::JSON::Object::Ptr data;
};


std::vector<NamedEvent> namedEvents(const std::string& body)
{
	std::vector<NamedEvent> events;
	std::string::size_type at = 0;
	while (at < body.size())
	{
		std::string::size_type end = body.find("\n\n", at);
		if (end == std::string::npos) break;
		std::string frame = body.substr(at, end - at);
		at = end + 2;
		NamedEvent event;
		std::string::size_type line = 0;
		while (line < frame.size())
		{
			std::string::size_type next = frame.find('\n', line);
			if (next == std::string::npos) next = frame.size();
			std::string text = frame.substr(line, next - line);
			if (text.compare(0, 7, "event: ") == 0) event.name = text.substr(7);
			if (text.compare(0, 6, "data: ") == 0) event.data = parse(text.substr(6));
			line = next + 1;
		}
		events.push_back(event);
	}
	return events;
}


const std::string token = "gateway-token-8Hq";
const std::string hello = R"({"model": "echo", "max_tokens": 100, "system": "Be brief.", "messages": [{"role": "user", "content": "hi there"}]})";


} // namespace


class MessagesTest: public CppUnit::TestFixture
{
	CPPUNIT_TEST_SUITE(MessagesTest);
	CPPUNIT_TEST(testMessage);
	CPPUNIT_TEST(testStream);
	CPPUNIT_TEST(testErrors);
	CPPUNIT_TEST(testBackendFailure);
	CPPUNIT_TEST(testCountTokens);
	CPPUNIT_TEST(testModelsInAnthropicShape);
	CPPUNIT_TEST(testTokenHeaders);
	CPPUNIT_TEST_SUITE_END();

public:
	void setUp() override
	{
		NashTest::ServerProcess::Options options;
		options.iniText =
			"[server]\n"
			"max_body_bytes = 1048576\n"
			"[auth]\n"
			"tokens = " + token + "\n"
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

	void testMessage()
	{
		auto result = post("/v1/messages", hello);
		CPPUNIT_ASSERT_EQUAL_MESSAGE(result.body, 200, result.status);
		auto message = result.json();
		CPPUNIT_ASSERT_EQUAL(std::string("msg_"), message->getValue<std::string>("id").substr(0, 4));
		CPPUNIT_ASSERT_EQUAL(std::string("message"), message->getValue<std::string>("type"));
		CPPUNIT_ASSERT_EQUAL(std::string("assistant"), message->getValue<std::string>("role"));
		CPPUNIT_ASSERT_EQUAL(std::string("echo"), message->getValue<std::string>("model"));
		CPPUNIT_ASSERT_EQUAL(std::string("end_turn"), message->getValue<std::string>("stop_reason"));
		auto content = message->getArray("content");
		CPPUNIT_ASSERT_EQUAL(std::size_t(1), content->size());
		CPPUNIT_ASSERT_EQUAL(std::string("text"), content->getObject(0)->getValue<std::string>("type"));
		CPPUNIT_ASSERT_EQUAL(std::string("Echo: hi there"), content->getObject(0)->getValue<std::string>("text"));
		CPPUNIT_ASSERT(message->getObject("usage")->getValue<int>("input_tokens") > 0);
		CPPUNIT_ASSERT(message->getObject("usage")->getValue<int>("output_tokens") > 0);
	}

	void testStream()
	{
		std::string body = hello;
		body.insert(1, R"("stream": true, )");
		auto result = post("/v1/messages", body);
		CPPUNIT_ASSERT_EQUAL_MESSAGE(result.body, 200, result.status);
		CPPUNIT_ASSERT_EQUAL(std::string("text/event-stream"), result.headers.get("Content-Type"));
		auto events = namedEvents(result.body);
		CPPUNIT_ASSERT(events.size() >= 7);
		CPPUNIT_ASSERT_EQUAL(std::string("message_start"), events.front().name);
		CPPUNIT_ASSERT_EQUAL(std::string("message_stop"), events.back().name);
		std::string text;
		for (const auto& event: events)
		{
			CPPUNIT_ASSERT_EQUAL(event.name, event.data->getValue<std::string>("type"));
			if (event.name == "content_block_delta") text += event.data->getObject("delta")->getValue<std::string>("text");
		}
		CPPUNIT_ASSERT_EQUAL(std::string("Echo: hi there"), text);
		auto delta = events[events.size() - 2];
		CPPUNIT_ASSERT_EQUAL(std::string("message_delta"), delta.name);
		CPPUNIT_ASSERT_EQUAL(std::string("end_turn"), delta.data->getObject("delta")->getValue<std::string>("stop_reason"));
	}

	void testErrors()
	{
		struct Case
		{
			std::string body;
			int status;
			std::string type;
			std::string inMessage;
		};
		const std::vector<Case> cases = {
			{R"({"model": "no-such-model", "max_tokens": 5, "messages": [{"role": "user", "content": "x"}]})", 404, "not_found_error", "no-such-model"},
			{R"({"model": "echo", "messages": [{"role": "user", "content": "x"}]})", 400, "invalid_request_error", "max_tokens"},
			{R"({"model": "echo", "max_tokens": 5, "messages": [{"role": "tool", "content": "x"}]})", 400, "invalid_request_error", "role"},
			{"not json", 400, "invalid_request_error", "JSON"}};
		for (const auto& c: cases)
		{
			auto result = post("/v1/messages", c.body);
			CPPUNIT_ASSERT_EQUAL_MESSAGE(c.body + ": " + result.body, c.status, result.status);
			auto body = result.json();
			CPPUNIT_ASSERT_EQUAL(std::string("error"), body->getValue<std::string>("type"));
			CPPUNIT_ASSERT_EQUAL(c.type, body->getObject("error")->getValue<std::string>("type"));
			CPPUNIT_ASSERT_MESSAGE(result.body, body->getObject("error")->getValue<std::string>("message").find(c.inMessage) != std::string::npos);
		}
		auto big = post("/v1/messages", R"({"model": "echo", "max_tokens": 5, "messages": [{"role": "user", "content": ")" + std::string(2 * 1024 * 1024, 'x') + "\"}]}");
		CPPUNIT_ASSERT_EQUAL(413, big.status);
		CPPUNIT_ASSERT_EQUAL(std::string("request_too_large"), big.json()->getObject("error")->getValue<std::string>("type"));
	}

	void testBackendFailure()
	{
		auto result = post("/v1/messages", R"({"model": "broken/faulty-model", "max_tokens": 5, "messages": [{"role": "user", "content": "x"}]})");
		CPPUNIT_ASSERT_EQUAL_MESSAGE(result.body, 502, result.status);
		CPPUNIT_ASSERT_EQUAL(std::string("api_error"), result.json()->getObject("error")->getValue<std::string>("type"));

		// After the stream began: an error event, and no message_stop.
		result = post("/v1/messages", R"({"model": "broken/faulty-model", "stream": true, "max_tokens": 5, "messages": [{"role": "user", "content": "x"}]})");
		CPPUNIT_ASSERT_EQUAL(200, result.status);
		auto events = namedEvents(result.body);
		CPPUNIT_ASSERT_EQUAL(std::string("error"), events.back().name);
		CPPUNIT_ASSERT(events.back().data->getObject("error")->getValue<std::string>("message").find("invalid key") != std::string::npos);
		for (const auto& event: events) CPPUNIT_ASSERT(event.name != "message_stop");
	}

	void testCountTokens()
	{
		auto result = post("/v1/messages/count_tokens", R"({"model": "echo", "system": "You are a helpful assistant.", "messages": [{"role": "user", "content": "How many tokens is this message?"}]})");
		CPPUNIT_ASSERT_EQUAL_MESSAGE(result.body, 200, result.status);
		int tokens = result.json()->getValue<int>("input_tokens");
		CPPUNIT_ASSERT(tokens >= 10 && tokens <= 30);
		CPPUNIT_ASSERT_EQUAL(404, post("/v1/messages/count_tokens", R"({"model": "nope", "messages": [{"role": "user", "content": "x"}]})").status);
	}

	void testModelsInAnthropicShape()
	{
		auto result = HttpTestClient(_server->port()).request("GET", "/v1/models", "", "", {{"x-api-key", token}, {"anthropic-version", "2023-06-01"}});
		CPPUNIT_ASSERT_EQUAL_MESSAGE(result.body, 200, result.status);
		auto list = result.json();
		CPPUNIT_ASSERT_EQUAL(false, list->getValue<bool>("has_more"));
		auto first = list->getArray("data")->getObject(0);
		CPPUNIT_ASSERT_EQUAL(std::string("model"), first->getValue<std::string>("type"));
		CPPUNIT_ASSERT_EQUAL(first->getValue<std::string>("id"), list->getValue<std::string>("first_id"));
		CPPUNIT_ASSERT(first->has("display_name") && first->has("created_at"));

		HttpTestClient client(_server->port());
		auto one = client.request("GET", "/v1/models/echo/echo", "", "", {{"x-api-key", token}, {"anthropic-version", "2023-06-01"}});
		CPPUNIT_ASSERT_EQUAL_MESSAGE(one.body, 200, one.status);
		CPPUNIT_ASSERT_EQUAL(std::string("echo/echo"), one.json()->getValue<std::string>("id"));
		CPPUNIT_ASSERT_EQUAL(std::string("model"), one.json()->getValue<std::string>("type"));
		auto missing = client.request("GET", "/v1/models/nope", "", "", {{"x-api-key", token}, {"anthropic-version", "2023-06-01"}});
		CPPUNIT_ASSERT_EQUAL(404, missing.status);
		CPPUNIT_ASSERT_EQUAL(std::string("not_found_error"), missing.json()->getObject("error")->getValue<std::string>("type"));
		auto openAi = client.request("GET", "/v1/models/echo/echo", "", "", {{"Authorization", "Bearer " + token}});
		CPPUNIT_ASSERT_EQUAL(std::string("model"), openAi.json()->getValue<std::string>("object"));
		CPPUNIT_ASSERT_EQUAL(std::string("echo"), openAi.json()->getValue<std::string>("owned_by"));
		auto unauthorized = client.request("GET", "/v1/models", "", "", {{"anthropic-version", "2023-06-01"}});
		CPPUNIT_ASSERT_EQUAL(401, unauthorized.status);
		CPPUNIT_ASSERT_EQUAL(std::string("authentication_error"), unauthorized.json()->getObject("error")->getValue<std::string>("type"));
	}

	void testTokenHeaders()
	{
		HttpTestClient client(_server->port());
		auto none = client.request("POST", "/v1/messages", hello, "application/json", {{"anthropic-version", "2023-06-01"}});
		CPPUNIT_ASSERT_EQUAL(401, none.status);
		CPPUNIT_ASSERT_EQUAL(std::string("authentication_error"), none.json()->getObject("error")->getValue<std::string>("type"));
		CPPUNIT_ASSERT_EQUAL(401, client.request("POST", "/v1/messages", hello, "application/json", {{"x-api-key", "wrong"}}).status);
		CPPUNIT_ASSERT_EQUAL(200, client.request("POST", "/v1/messages", hello, "application/json", {{"Authorization", "Bearer " + token}}).status);
		CPPUNIT_ASSERT_EQUAL(200, client.request("POST", "/v1/chat/completions", R"({"model": "echo", "messages": [{"role": "user", "content": "x"}]})",
			"application/json", {{"x-api-key", token}}).status);
	}

private:
	NashTest::HttpResult post(const std::string& path, const std::string& body)
	{
		return HttpTestClient(_server->port()).request("POST", path, body, "application/json", {{"x-api-key", token}, {"anthropic-version", "2023-06-01"}});
	}

	std::unique_ptr<NashTest::ServerProcess> _server;
};


CPPUNIT_TEST_SUITE_REGISTRATION(MessagesTest);
