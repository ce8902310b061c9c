//
// OpenAiBackendTest.cpp
//
// The openai plugin through the real server against the fake upstream's
// Chat Completions API, including every fault it can inject.
//


#include "BackendHarness.h"
#include "TestEnvironment.h"
#include "Poco/JSON/Array.h"
#include "Poco/JSON/Parser.h"
#include <chrono>
#include <cppunit/extensions/HelperMacros.h>


using NashTest::BackendHarness;


namespace {


const std::string section =
	"[chat]\n"
	"default_model = openai\n"
	"[backend.openai]\n"
	"plugin = openai\n"
	"base_url = {upstream}/v1\n"
	"api_key = " + BackendHarness::secret + "\n"
	"models = gpt-test\n"
	"first_byte_timeout_ms = 1500\n"
	"idle_timeout_ms = 1500\n"
	"retry_base_delay_ms = 50\n"
	"max_retries = 2\n"
	"max_line_bytes = 1048576\n";


} // namespace


class OpenAiBackendTest: public CppUnit::TestFixture
{
	CPPUNIT_TEST_SUITE(OpenAiBackendTest);
	CPPUNIT_TEST(testStreamsTheAnswer);
	CPPUNIT_TEST(testParametersAndToolsArePassedOn);
	CPPUNIT_TEST(testSummarizeAsksWithoutStreaming);
	CPPUNIT_TEST(testErrorStatusesBecomeErrorEvents);
	CPPUNIT_TEST(testRateLimitIsRetriedAfterRetryAfter);
	CPPUNIT_TEST(testServerErrorOnceIsRetried);
	CPPUNIT_TEST(testStallBeforeFirstByte);
	CPPUNIT_TEST(testStallMidStream);
	CPPUNIT_TEST(testCutConnectionIsAnErrorNotASuccess);
	CPPUNIT_TEST(testMalformedLine);
	CPPUNIT_TEST(testHugeLineBeyondTheCap);
	CPPUNIT_TEST(testErrorReportedMidStream);
	CPPUNIT_TEST(testToolCallDeltas);
	CPPUNIT_TEST(testClientLeavingClosesTheUpstreamConnection);
	CPPUNIT_TEST(testConnectionIsReused);
	CPPUNIT_TEST(testUpstreamDown);
	CPPUNIT_TEST(testModelsListed);
	CPPUNIT_TEST(testEnvironmentVariablesAlone);
	CPPUNIT_TEST_SUITE_END();

public:
	void setUp() override
	{
		_harness.reset(new BackendHarness(section));
	}

	void tearDown() override
	{
		if (_harness)
		{
			std::string output = _harness->server().output();
			_harness.reset();
			CPPUNIT_ASSERT_MESSAGE("the API key appeared in the server's log", output.find(BackendHarness::secret) == std::string::npos);
		}
	}

	void testStreamsTheAnswer()
	{
		auto events = _harness->chat("gpt-test");
		BackendHarness::expectClosed(events);
		CPPUNIT_ASSERT_EQUAL(std::string("Reply from openai: hello there"), BackendHarness::joinedContent(events));
		CPPUNIT_ASSERT(BackendHarness::errorOf(events).empty());
		auto stats = _harness->stats();
		CPPUNIT_ASSERT_EQUAL(std::string("Bearer ") + BackendHarness::secret, stats->getValue<std::string>("last_authorization"));
		CPPUNIT_ASSERT_EQUAL(std::string("/v1/chat/completions"), stats->getValue<std::string>("last_path"));
		auto body = stats->getObject("last_body");
		CPPUNIT_ASSERT_EQUAL(std::string("gpt-test"), body->getValue<std::string>("model"));
		CPPUNIT_ASSERT(body->getValue<bool>("stream"));
		CPPUNIT_ASSERT(body->getObject("stream_options")->getValue<bool>("include_usage"));
		auto messages = body->getArray("messages");
		CPPUNIT_ASSERT_EQUAL(std::size_t(2), messages->size());
		CPPUNIT_ASSERT_EQUAL(std::string("system"), messages->getObject(0)->getValue<std::string>("role"));
		CPPUNIT_ASSERT_EQUAL(std::string("hello there"), messages->getObject(1)->getValue<std::string>("content"));
		// The same answer for a model the configuration does not list: the upstream decides.
		CPPUNIT_ASSERT_EQUAL(std::string("Reply from openai: hello there"), BackendHarness::joinedContent(_harness->chat("openai/any-model-name")));
	}

	void testParametersAndToolsArePassedOn()
	{
		std::string body = "{\"messages\": [{\"role\": \"user\", \"content\": \"x\"}], \"model\": \"openai/gpt-test\", \"temperature\": 0.25,"
			" \"max_tokens\": 77, \"top_p\": 0.5, \"stop\": \"END\", \"tools\": [{\"type\": \"function\", \"function\": {\"name\": \"f\", \"parameters\": {}}}],"
			" \"user\": \"u-1\", \"api_key\": \"not-for-upstream\"}";
		CPPUNIT_ASSERT_EQUAL(200, _harness->client().post("/v1/chat/completions/stream", body).status);
		auto sent = _harness->stats()->getObject("last_body");
		CPPUNIT_ASSERT_EQUAL(0.25, sent->getValue<double>("temperature"));
		CPPUNIT_ASSERT_EQUAL(77, sent->getValue<int>("max_tokens"));
		CPPUNIT_ASSERT_EQUAL(0.5, sent->getValue<double>("top_p"));
		CPPUNIT_ASSERT_EQUAL(std::string("END"), sent->getArray("stop")->getElement<std::string>(0));
		CPPUNIT_ASSERT_EQUAL(std::size_t(1), sent->getArray("tools")->size());
		CPPUNIT_ASSERT_EQUAL(std::string("u-1"), sent->getValue<std::string>("user"));
		CPPUNIT_ASSERT(!sent->has("api_key"));
		CPPUNIT_ASSERT(!sent->has("session_id"));

		// A limit named max_completion_tokens (all OpenAI's reasoning models
		// take) goes by that name alone.
		body = R"({"model": "openai/o-test", "messages": [{"role": "user", "content": "x"}], "max_completion_tokens": 33})";
		CPPUNIT_ASSERT_EQUAL(200, _harness->client().post("/v1/chat/completions", body).status);
		sent = _harness->stats()->getObject("last_body");
		CPPUNIT_ASSERT_EQUAL(33, sent->getValue<int>("max_completion_tokens"));
		CPPUNIT_ASSERT(!sent->has("max_tokens"));
	}

	void testSummarizeAsksWithoutStreaming()
	{
		auto result = _harness->client().post("/v1/chat/summarize", "{\"messages\": [{\"role\": \"user\", \"content\": \"hi\"}]}");
		CPPUNIT_ASSERT_EQUAL(200, result.status);
		CPPUNIT_ASSERT_EQUAL(std::string("Reply from openai: Please summarize this conversation:\n\nuser: hi"), result.json()->getValue<std::string>("summary"));
		CPPUNIT_ASSERT(!_harness->stats()->getObject("last_body")->getValue<bool>("stream"));
		result = _harness->client().post("/v1/chat/summarize", "{\"messages\": [{\"role\": \"user\", \"content\": \"hi\"}], \"model\": \"openai/fault-401\"}");
		CPPUNIT_ASSERT_EQUAL(502, result.status);
		CPPUNIT_ASSERT(result.json()->getValue<std::string>("error").find("Error during summarization: ") == 0);
		CPPUNIT_ASSERT(result.json()->getValue<std::string>("error").find("401") != std::string::npos);
	}

	void testErrorStatusesBecomeErrorEvents()
	{
		for (const char* status: {"401", "403", "404", "500", "503"})
		{
			auto events = _harness->chat(std::string("fault-") + status);
			BackendHarness::expectClosed(events);
			std::string error = BackendHarness::errorOf(events);
			CPPUNIT_ASSERT_MESSAGE(BackendHarness::describe(events), error.find(std::string("answered ") + status) != std::string::npos);
			CPPUNIT_ASSERT(BackendHarness::joinedContent(events).empty());
			CPPUNIT_ASSERT(error.find(BackendHarness::secret) == std::string::npos);
		}
		// The upstream's own words reach the client.
		std::string unauthorized = BackendHarness::errorOf(_harness->chat("fault-401"));
		CPPUNIT_ASSERT_MESSAGE(unauthorized, unauthorized.size() > std::string("OpenAI-compatible upstream 'openai' answered 401 Unauthorized: ").size());
		CPPUNIT_ASSERT_EQUAL(200, _harness->client().get("/health").status);
	}

	void testRateLimitIsRetriedAfterRetryAfter()
	{
		auto started = std::chrono::steady_clock::now();
		auto events = _harness->chat("fault-429-once");
		CPPUNIT_ASSERT(std::chrono::steady_clock::now() - started >= std::chrono::milliseconds(900));
		CPPUNIT_ASSERT_EQUAL(std::string("Reply from openai: hello there"), BackendHarness::joinedContent(events));
		events = _harness->chat("fault-429");
		BackendHarness::expectClosed(events);
		CPPUNIT_ASSERT(BackendHarness::errorOf(events).find("answered 429") != std::string::npos);
		CPPUNIT_ASSERT(_harness->stats()->getValue<int>("requests") >= 2 + 3);
	}

	void testServerErrorOnceIsRetried()
	{
		auto events = _harness->chat("fault-500-once");
		CPPUNIT_ASSERT_EQUAL(std::string("Reply from openai: hello there"), BackendHarness::joinedContent(events));
	}

	void testStallBeforeFirstByte()
	{
		auto started = std::chrono::steady_clock::now();
		auto events = _harness->chat("fault-stall-first");
		CPPUNIT_ASSERT(std::chrono::steady_clock::now() - started < std::chrono::seconds(10));
		BackendHarness::expectClosed(events);
		CPPUNIT_ASSERT_MESSAGE(BackendHarness::describe(events), BackendHarness::errorOf(events).find("no answer") != std::string::npos);
	}

	void testStallMidStream()
	{
		auto events = _harness->chat("fault-stall-mid");
		BackendHarness::expectClosed(events);
		CPPUNIT_ASSERT_EQUAL(std::string("Reply from"), BackendHarness::joinedContent(events));
		CPPUNIT_ASSERT_MESSAGE(BackendHarness::describe(events), BackendHarness::errorOf(events).find("sent nothing for 1500 ms") != std::string::npos);
	}

	void testCutConnectionIsAnErrorNotASuccess()
	{
		auto events = _harness->chat("fault-cut");
		BackendHarness::expectClosed(events);
		CPPUNIT_ASSERT_EQUAL(std::string("Reply from"), BackendHarness::joinedContent(events));
		CPPUNIT_ASSERT_MESSAGE(BackendHarness::describe(events), BackendHarness::errorOf(events).find("ended the stream before it was complete") != std::string::npos);
	}

	void testMalformedLine()
	{
		auto events = _harness->chat("fault-malformed");
		BackendHarness::expectClosed(events);
		CPPUNIT_ASSERT_MESSAGE(BackendHarness::describe(events), BackendHarness::errorOf(events).find("not a JSON object") != std::string::npos);
	}

	void testHugeLineBeyondTheCap()
	{
		auto events = _harness->chat("fault-huge-line");
		BackendHarness::expectClosed(events);
		CPPUNIT_ASSERT_MESSAGE(BackendHarness::describe(events), BackendHarness::errorOf(events).find("longer than 1048576 bytes") != std::string::npos);
	}

	void testErrorReportedMidStream()
	{
		auto events = _harness->chat("fault-error-mid");
		BackendHarness::expectClosed(events);
		CPPUNIT_ASSERT_EQUAL(std::string("Reply from"), BackendHarness::joinedContent(events));
		CPPUNIT_ASSERT_MESSAGE(BackendHarness::describe(events), BackendHarness::errorOf(events).find("mid-stream") != std::string::npos);
	}

	void testToolCallDeltas()
	{
		auto events = _harness->chat("tools");
		BackendHarness::expectClosed(events);
		std::string name;
		std::string arguments;
		for (const auto& event: events)
		{
			if (event.find("tool_call_delta") == std::string::npos) continue;
			Poco::JSON::Parser parser;
			auto delta = parser.parse(event).extract<Poco::JSON::Object::Ptr>()->getObject("tool_call_delta");
			CPPUNIT_ASSERT_EQUAL(0, delta->getValue<int>("index"));
			if (delta->has("name")) name = delta->getValue<std::string>("name");
			arguments += delta->getValue<std::string>("arguments");
		}
		CPPUNIT_ASSERT_EQUAL(std::string("get_weather"), name);
		CPPUNIT_ASSERT_EQUAL(std::string("{\"city\": \"Paris\"}"), arguments);
		CPPUNIT_ASSERT(BackendHarness::errorOf(events).empty());
	}

	void testClientLeavingClosesTheUpstreamConnection()
	{
		auto stream = _harness->client().openStream("/v1/chat/completions/stream",
			"{\"messages\": [{\"role\": \"user\", \"content\": \"x\"}], \"model\": \"fault-stall-mid\"}");
		std::string data;
		for (int i = 0; i < 3; ++i) CPPUNIT_ASSERT(stream->nextEvent(data));
		CPPUNIT_ASSERT_EQUAL(std::string("{\"content\": \" from\"}"), data);
		CPPUNIT_ASSERT_EQUAL(1, _harness->stats()->getValue<int>("open"));
		stream->disconnect();
		auto left = std::chrono::steady_clock::now();
		bool closed = NashTest::waitUntil([&] { return _harness->stats()->getValue<int>("client_closed") == 1; }, std::chrono::seconds(5));
		CPPUNIT_ASSERT_MESSAGE("the upstream never saw its connection closed", closed);
		CPPUNIT_ASSERT(std::chrono::steady_clock::now() - left < std::chrono::milliseconds(1000));
		CPPUNIT_ASSERT(_harness->server().waitForOutput("outcome=client-gone"));
	}

	void testConnectionIsReused()
	{
		_harness->upstreamClient().post("/_reset", "");
		for (int i = 0; i < 3; ++i) CPPUNIT_ASSERT_EQUAL(std::string("Reply from openai: hello there"), BackendHarness::joinedContent(_harness->chat("gpt-test")));
		CPPUNIT_ASSERT_EQUAL(1, _harness->stats()->getValue<int>("connections_accepted"));
	}

	void testUpstreamDown()
	{
		NashTest::ServerProcess::Options options;
		options.iniText = "[backend.openai]\nplugin = openai\nbase_url = http://127.0.0.1:1/v1\nmax_retries = 1\nretry_base_delay_ms = 10\n";
		NashTest::ServerProcess server(options);
		server.start();
		auto result = NashTest::HttpTestClient(server.port()).post("/v1/chat/completions/stream", "{\"messages\": [{\"role\": \"user\", \"content\": \"x\"}], \"model\": \"openai/m\"}");
		auto events = NashTest::HttpTestClient::dataEvents(result.body);
		BackendHarness::expectClosed(events);
		CPPUNIT_ASSERT_MESSAGE(BackendHarness::describe(events), BackendHarness::errorOf(events).find("cannot reach http://127.0.0.1:1") != std::string::npos);
	}

	void testModelsListed()
	{
		auto json = _harness->client().get("/v1/models").json();
		CPPUNIT_ASSERT_EQUAL(std::string("list"), json->getValue<std::string>("object"));
		auto data = json->getArray("data");
		bool listed = false;
		for (std::size_t i = 0; i < data->size(); ++i)
			listed = listed || data->getObject(static_cast<unsigned>(i))->getValue<std::string>("id") == "openai/gpt-test";
		CPPUNIT_ASSERT(listed);
		CPPUNIT_ASSERT_EQUAL(std::string("openai"), json->getValue<std::string>("default"));
	}

	void testEnvironmentVariablesAlone()
	{
		// No configuration at all: OPENAI_BASE_URL and OPENAI_API_KEY are enough.
		BackendHarness harness("", {{"OPENAI_BASE_URL", "{upstream}/v1"}, {"OPENAI_API_KEY", BackendHarness::secret}});
		auto events = harness.chat("openai/gpt-4o-mini", "from the environment");
		CPPUNIT_ASSERT_EQUAL(std::string("Reply from openai: from the environment"), BackendHarness::joinedContent(events));
		CPPUNIT_ASSERT_EQUAL(std::string("Bearer ") + BackendHarness::secret, harness.stats()->getValue<std::string>("last_authorization"));
		// With a provider configured by the environment, it is the default model too.
		auto result = harness.client().post("/v1/chat/completions/stream", "{\"messages\": [{\"role\": \"user\", \"content\": \"no model\"}]}");
		CPPUNIT_ASSERT_EQUAL(std::string("Reply from openai: no model"), BackendHarness::joinedContent(NashTest::HttpTestClient::dataEvents(result.body)));
		CPPUNIT_ASSERT(harness.server().output().find(BackendHarness::secret) == std::string::npos);
	}

private:
	std::unique_ptr<BackendHarness> _harness;
};


CPPUNIT_TEST_SUITE_REGISTRATION(OpenAiBackendTest);
