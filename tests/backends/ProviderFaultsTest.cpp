//
// ProviderFaultsTest.cpp
//
// The anthropic and ollama plugins (and openai, again, side by side) through
// the real server against the fake upstream: the answer, and what the client
// receives for every fault the upstream can inject.
//


#include "BackendHarness.h"
#include "TestEnvironment.h"
#include "Poco/JSON/Parser.h"
#include <cppunit/extensions/HelperMacros.h>


using NashTest::BackendHarness;


namespace {


const std::string section =
	"[chat]\n"
	"default_model = echo\n"
	"[backend.openai]\n"
	"plugin = openai\n"
	"base_url = {upstream}/v1\n"
	"api_key = " + BackendHarness::secret + "\n"
	"first_byte_timeout_ms = 1500\n"
	"idle_timeout_ms = 1500\n"
	"retry_base_delay_ms = 50\n"
	"max_line_bytes = 1048576\n"
	"[backend.anthropic]\n"
	"plugin = anthropic\n"
	"base_url = {upstream}\n"
	"api_key = " + BackendHarness::secret + "\n"
	"first_byte_timeout_ms = 1500\n"
	"idle_timeout_ms = 1500\n"
	"retry_base_delay_ms = 50\n"
	"max_line_bytes = 1048576\n"
	"[backend.ollama]\n"
	"plugin = ollama\n"
	"base_url = {upstream}\n"
	"models = llama-test\n"
	"first_byte_timeout_ms = 1500\n"
	"idle_timeout_ms = 1500\n"
	"retry_base_delay_ms = 50\n"
	"max_line_bytes = 1048576\n";

const char* const providers[] = {"openai", "anthropic", "ollama"};


} // namespace


class ProviderFaultsTest: public CppUnit::TestFixture
{
	CPPUNIT_TEST_SUITE(ProviderFaultsTest);
	CPPUNIT_TEST(testEachProviderAnswers);
	CPPUNIT_TEST(testSummarizeThroughEachProvider);
	CPPUNIT_TEST(testRefusals);
	CPPUNIT_TEST(testRetriesBeforeTheFirstByte);
	CPPUNIT_TEST(testStalls);
	CPPUNIT_TEST(testBrokenStreams);
	CPPUNIT_TEST(testToolCalls);
	CPPUNIT_TEST(testClientLeavingClosesTheUpstream);
	CPPUNIT_TEST(testKeysStaySecret);
	CPPUNIT_TEST_SUITE_END();

public:
	void setUp() override
	{
		_harness.reset(new BackendHarness(section));
	}

	void tearDown() override
	{
		std::string output = _harness->server().output();
		_harness.reset();
		CPPUNIT_ASSERT_MESSAGE("a key appeared in the server's log", output.find(BackendHarness::secret) == std::string::npos);
	}

	void testEachProviderAnswers()
	{
		for (const std::string provider: providers)
		{
			auto events = chat(provider + "/some-model");
			CPPUNIT_ASSERT_EQUAL_MESSAGE(BackendHarness::describe(events), "Reply from " + provider + ": hello there", BackendHarness::joinedContent(events));
			CPPUNIT_ASSERT(BackendHarness::errorOf(events).empty());
		}
		auto stats = _harness->stats();
		CPPUNIT_ASSERT_EQUAL(std::string("/api/chat"), stats->getValue<std::string>("last_path"));
		chat("anthropic/some-model");
		stats = _harness->stats();
		CPPUNIT_ASSERT_EQUAL(std::string("/v1/messages"), stats->getValue<std::string>("last_path"));
		CPPUNIT_ASSERT_EQUAL(BackendHarness::secret, stats->getValue<std::string>("last_x_api_key"));
		auto body = stats->getObject("last_body");
		// Anthropic takes the system prompt as a field of its own.
		CPPUNIT_ASSERT_EQUAL(std::string("You are a helpful AI assistant."), body->getValue<std::string>("system"));
		CPPUNIT_ASSERT_EQUAL(std::size_t(1), body->getArray("messages")->size());
		CPPUNIT_ASSERT(body->getValue<int>("max_tokens") > 0);
	}

	void testSummarizeThroughEachProvider()
	{
		for (const std::string provider: providers)
		{
			auto result = _harness->client().post("/v1/chat/summarize", "{\"messages\": [{\"role\": \"user\", \"content\": \"hi\"}], \"model\": \"" + provider + "/m\"}");
			CPPUNIT_ASSERT_EQUAL_MESSAGE(provider + ": " + result.body, 200, result.status);
			CPPUNIT_ASSERT_EQUAL("Reply from " + provider + ": Please summarize this conversation:\n\nuser: hi", result.json()->getValue<std::string>("summary"));
		}
	}

	void testRefusals()
	{
		for (const std::string provider: providers)
		{
			for (const char* status: {"401", "403", "404", "500", "503"})
			{
				auto events = chat(provider + "/fault-" + status);
				BackendHarness::expectClosed(events);
				std::string error = BackendHarness::errorOf(events);
				CPPUNIT_ASSERT_MESSAGE(provider + " " + status + ": " + BackendHarness::describe(events), error.find(std::string("answered ") + status) != std::string::npos);
				CPPUNIT_ASSERT(BackendHarness::joinedContent(events).empty());
			}
		}
	}

	void testRetriesBeforeTheFirstByte()
	{
		for (const std::string provider: providers)
		{
			CPPUNIT_ASSERT_EQUAL("Reply from " + provider + ": hello there", BackendHarness::joinedContent(chat(provider + "/fault-429-once-" + provider)));
			CPPUNIT_ASSERT_EQUAL("Reply from " + provider + ": hello there", BackendHarness::joinedContent(chat(provider + "/fault-500-once-" + provider)));
		}
	}

	void testStalls()
	{
		for (const std::string provider: providers)
		{
			auto events = chat(provider + "/fault-stall-first");
			BackendHarness::expectClosed(events);
			CPPUNIT_ASSERT_MESSAGE(provider + ": " + BackendHarness::describe(events), BackendHarness::errorOf(events).find("no answer") != std::string::npos);
			events = chat(provider + "/fault-stall-mid");
			BackendHarness::expectClosed(events);
			CPPUNIT_ASSERT_EQUAL(std::string("Reply from"), BackendHarness::joinedContent(events));
			CPPUNIT_ASSERT_MESSAGE(provider + ": " + BackendHarness::describe(events), BackendHarness::errorOf(events).find("sent nothing") != std::string::npos);
		}
	}

	void testBrokenStreams()
	{
		for (const std::string provider: providers)
		{
			auto events = chat(provider + "/fault-cut");
			BackendHarness::expectClosed(events);
			CPPUNIT_ASSERT_EQUAL(std::string("Reply from"), BackendHarness::joinedContent(events));
			CPPUNIT_ASSERT_MESSAGE(provider + ": " + BackendHarness::describe(events), BackendHarness::errorOf(events).find("before it was complete") != std::string::npos);
			events = chat(provider + "/fault-malformed");
			BackendHarness::expectClosed(events);
			CPPUNIT_ASSERT_MESSAGE(provider + ": " + BackendHarness::describe(events), !BackendHarness::errorOf(events).empty());
			events = chat(provider + "/fault-huge-line");
			BackendHarness::expectClosed(events);
			CPPUNIT_ASSERT_MESSAGE(provider + ": " + BackendHarness::describe(events), BackendHarness::errorOf(events).find("longer than 1048576 bytes") != std::string::npos);
			events = chat(provider + "/fault-error-mid");
			BackendHarness::expectClosed(events);
			CPPUNIT_ASSERT_EQUAL(std::string("Reply from"), BackendHarness::joinedContent(events));
			CPPUNIT_ASSERT_MESSAGE(provider + ": " + BackendHarness::describe(events), !BackendHarness::errorOf(events).empty());
		}
	}

	void testToolCalls()
	{
		for (const std::string provider: providers)
		{
			auto events = chat(provider + "/tools");
			BackendHarness::expectClosed(events);
			std::string name;
			std::string arguments;
			for (const auto& event: events)
			{
				if (event.find("tool_call_delta") == std::string::npos) continue;
				Poco::JSON::Parser parser;
				auto delta = parser.parse(event).extract<Poco::JSON::Object::Ptr>()->getObject("tool_call_delta");
				if (delta->has("name")) name = delta->getValue<std::string>("name");
				arguments += delta->getValue<std::string>("arguments");
			}
			CPPUNIT_ASSERT_EQUAL_MESSAGE(provider, std::string("get_weather"), name);
			Poco::JSON::Parser parser;
			auto parsed = parser.parse(arguments).extract<Poco::JSON::Object::Ptr>();
			CPPUNIT_ASSERT_EQUAL_MESSAGE(provider + ": " + arguments, std::string("Paris"), parsed->getValue<std::string>("city"));
		}
	}

	void testClientLeavingClosesTheUpstream()
	{
		int closed = 0;
		for (const std::string provider: providers)
		{
			auto stream = _harness->client().openStream("/v1/chat/completions/stream",
				"{\"messages\": [{\"role\": \"user\", \"content\": \"x\"}], \"model\": \"" + provider + "/fault-stall-mid\"}");
			std::string data;
			for (int i = 0; i < 3; ++i) CPPUNIT_ASSERT(stream->nextEvent(data));
			stream->disconnect();
			++closed;
			auto left = std::chrono::steady_clock::now();
			CPPUNIT_ASSERT_MESSAGE(provider, NashTest::waitUntil([&] { return _harness->stats()->getValue<int>("client_closed") == closed; }, std::chrono::seconds(5)));
			CPPUNIT_ASSERT(std::chrono::steady_clock::now() - left < std::chrono::milliseconds(1000));
		}
	}

	void testKeysStaySecret()
	{
		for (const std::string provider: providers)
		{
			auto events = chat(provider + "/fault-401");
			for (const auto& event: events) CPPUNIT_ASSERT(event.find(BackendHarness::secret) == std::string::npos);
		}
		CPPUNIT_ASSERT(_harness->client().get("/health").body.find(BackendHarness::secret) == std::string::npos);
	}

private:
	std::vector<std::string> chat(const std::string& model)
	{
		return _harness->chat(model);
	}

	std::unique_ptr<BackendHarness> _harness;
};


CPPUNIT_TEST_SUITE_REGISTRATION(ProviderFaultsTest);
