//
// ChatStreamTest.cpp
//
// POST /v1/chat/completions/stream against the real server, byte for byte.
//


#include "HttpTestClient.h"
#include "ServerProcess.h"
#include "TestEnvironment.h"
#include "Poco/File.h"
#include "Poco/JSON/Parser.h"
#include <atomic>
#include <cppunit/extensions/HelperMacros.h>
#include <memory>
#include <thread>


using NashTest::HttpTestClient;


namespace {


std::string userMessages(int count, const std::string& text = "hi")
{
	std::string json = "[";
	for (int i = 0; i < count; ++i)
	{
		if (i > 0) json += ", ";
		json += "{\"role\": \"user\", \"content\": \"" + text + "\"}";
	}
	return json + "]";
}


std::string chunked(const std::vector<std::string>& pieces)
	/// The chunked transfer encoding of pieces, one chunk each, as Poco writes it.
{
	std::string out;
	char size[16];
	for (const auto& piece: pieces)
	{
		std::snprintf(size, sizeof(size), "%zX", piece.size());
		out += std::string(size) + "\r\n" + piece + "\r\n";
	}
	return out + "0\r\n\r\n";
}


} // namespace


class ChatStreamTest: public CppUnit::TestFixture
{
	CPPUNIT_TEST_SUITE(ChatStreamTest);
	CPPUNIT_TEST(testExactEventStreamOnTheWire);
	CPPUNIT_TEST(testNewSessionIdIsUuid4InFirstAndLastEvent);
	CPPUNIT_TEST(testGivenSessionIdAndNullFields);
	CPPUNIT_TEST(testRequestErrorsAre4xxWithDetail);
	CPPUNIT_TEST(testBodyOverLimitIs413);
	CPPUNIT_TEST(testWarningOverMessageLimitCountsSystemPrompt);
	CPPUNIT_TEST(testWarningOverTokenLimit);
	CPPUNIT_TEST(testClientSystemPromptIsNotDoubled);
	CPPUNIT_TEST(testModelSelection);
	CPPUNIT_TEST(testBackendErrorBecomesErrorEventThenClosingEvents);
	CPPUNIT_TEST(testClientDisconnectCancelsSilentBackend);
	CPPUNIT_TEST(testHundredsOfConcurrentStreams);
	CPPUNIT_TEST(testEventsArriveAsProduced);
	CPPUNIT_TEST_SUITE_END();

public:
	void setUp() override
	{
		_dir = NashTest::makeTempDir("chat");
		NashTest::ServerProcess::Options options;
		options.iniText =
			"[plugins]\n"
			"path = " + NashTest::testPluginDir() + ", " + NashTest::pluginDir() + "\n"
			"[server]\n"
			"max_body_bytes = 65536\n"
			"[backend.slow]\n"
			"plugin = echo\n"
			"delay_ms = 300\n"
			"models = slow-echo\n"
			"[backend.paced]\n"
			"plugin = echo\n"
			"delay_ms = 100\n"
			"models = paced-echo\n"
			"[backend.broken]\n"
			"plugin = faulty\n"
			"events = 2\n"
			"fail = true\n"
			"message = upstream answered 401: invalid key\n"
			"[backend.stuck]\n"
			"plugin = faulty\n"
			"events = 1\n"
			"hang = true\n"
			"cancel_marker = " + _dir + "/cancelled\n";
		_server.reset(new NashTest::ServerProcess(options));
		_server->start();
	}

	void tearDown() override
	{
		_server.reset();
	}

	void testExactEventStreamOnTheWire()
	{
		std::string body = "{\"messages\": [{\"role\": \"user\", \"content\": \"hi there\"}], \"session_id\": \"abc-123\"}";
		std::string raw = client().raw(
			"POST /v1/chat/completions/stream HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
			"Content-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body);
		auto split = raw.find("\r\n\r\n");
		CPPUNIT_ASSERT(split != std::string::npos);
		std::string head = raw.substr(0, split);
		CPPUNIT_ASSERT(head.find("HTTP/1.1 200 OK") == 0);
		CPPUNIT_ASSERT(head.find("Content-Type: text/event-stream") != std::string::npos);
		CPPUNIT_ASSERT(head.find("Cache-Control: no-cache") != std::string::npos);
		CPPUNIT_ASSERT(head.find("Transfer-Encoding: chunked") != std::string::npos);
		std::string expected = chunked({
			"data: {\"session_id\": \"abc-123\"}\n\n",
			"data: {\"content\": \"Echo:\"}\n\n",
			"data: {\"content\": \" hi\"}\n\n",
			"data: {\"content\": \" there\"}\n\n",
			"data: {\"session_id\": \"abc-123\"}\n\n",
			"data: [DONE]\n\n"});
		CPPUNIT_ASSERT_EQUAL(expected, raw.substr(split + 4));
	}

	void testNewSessionIdIsUuid4InFirstAndLastEvent()
	{
		auto result = client().post("/v1/chat/completions/stream", "{\"messages\": [{\"role\": \"user\", \"content\": \"hi\"}]}");
		CPPUNIT_ASSERT_EQUAL(200, result.status);
		auto events = HttpTestClient::dataEvents(result.body);
		CPPUNIT_ASSERT_EQUAL(std::size_t(5), events.size());
		std::string first = events.front();
		CPPUNIT_ASSERT_EQUAL(std::size_t(std::string("{\"session_id\": \"\"}").size() + 36), first.size());
		CPPUNIT_ASSERT_EQUAL('4', first[16 + 14]);
		CPPUNIT_ASSERT_EQUAL(first, events[3]);
		CPPUNIT_ASSERT_EQUAL(std::string("[DONE]"), events[4]);
		auto second = HttpTestClient::dataEvents(client().post("/v1/chat/completions/stream", "{\"messages\": [{\"role\": \"user\", \"content\": \"hi\"}]}").body);
		CPPUNIT_ASSERT(first != second.front());
	}

	void testGivenSessionIdAndNullFields()
	{
		auto events = HttpTestClient::dataEvents(client().post("/v1/chat/completions/stream",
			"{\"messages\": [{\"role\": \"user\", \"content\": \"x\"}], \"session_id\": \"\", \"model\": null}").body);
		CPPUNIT_ASSERT_EQUAL(std::size_t(16 + 36 + 2), events.front().size());
		events = HttpTestClient::dataEvents(client().post("/v1/chat/completions/stream",
			"{\"messages\": [{\"role\": \"user\", \"content\": \"x\"}], \"session_id\": \"client:7.a_b-c\"}").body);
		CPPUNIT_ASSERT_EQUAL(std::string("{\"session_id\": \"client:7.a_b-c\"}"), events.front());
		CPPUNIT_ASSERT_EQUAL(events.front(), events[events.size() - 2]);
	}

	void testRequestErrorsAre4xxWithDetail()
	{
		expectDetail(400, "not json", "not valid JSON");
		expectDetail(400, "", "empty");
		expectDetail(400, "[1, 2]", "JSON object");
		expectDetail(400, "{\"messages\": []}", "messages");
		expectDetail(400, "{\"messages\": \"hi\"}", "messages");
		expectDetail(400, "{\"messages\": [{\"role\": \"user\"}]}", "messages[0].content");
		expectDetail(400, "{\"messages\": [{\"role\": \"user\", \"content\": \"x\"}], \"session_id\": \"bad id!\"}", "session_id");
		expectDetail(400, "{\"messages\": [{\"role\": \"user\", \"content\": \"x\"}], \"model\": \"gpt-unknown\"}", "gpt-unknown");
		expectDetail(400, "{\"messages\": [{\"role\": \"user\", \"content\": \"x\"}], \"model\": \"nobackend/x\"}", "nobackend/x");
		expectDetail(400, "{\"messages\": [{\"role\": \"user\", \"content\": \"x\"}], \"temperature\": \"warm\"}", "temperature");
	}

	void testBodyOverLimitIs413()
	{
		std::string big = "{\"messages\": [{\"role\": \"user\", \"content\": \"" + std::string(70000, 'x') + "\"}]}";
		auto result = client().post("/v1/chat/completions/stream", big);
		CPPUNIT_ASSERT_EQUAL(413, result.status);
		CPPUNIT_ASSERT(result.json()->getValue<std::string>("detail").find("65536") != std::string::npos);
		CPPUNIT_ASSERT_EQUAL(200, client().get("/health").status);
	}

	void testWarningOverMessageLimitCountsSystemPrompt()
	{
		// 20 user messages and the inserted system prompt: 21 > 20.
		auto events = HttpTestClient::dataEvents(client().post("/v1/chat/completions/stream",
			"{\"messages\": " + userMessages(20) + ", \"session_id\": \"s1\"}").body);
		std::string prompt = "You are a helpful AI assistant.";
		std::string expected =
			"{\"warning\": {\"warning\": \"Conversation length exceeds recommended limits\", \"suggestions\": ["
			"\"Summarize the conversation so far and start fresh\", \"Keep only the most recent and relevant messages\", "
			"\"Clear the conversation while preserving the system message\"], \"details\": {\"message_count\": 21, "
			"\"estimated_tokens\": " + std::to_string(prompt.size() / 4) + ", \"limits\": {\"max_messages\": 20, \"max_tokens\": 50000}}}}";
		CPPUNIT_ASSERT_EQUAL(std::size_t(4), events.size());
		CPPUNIT_ASSERT_EQUAL(std::string("{\"session_id\": \"s1\"}"), events[0]);
		CPPUNIT_ASSERT_EQUAL(expected, events[1]);
		CPPUNIT_ASSERT_EQUAL(std::string("{\"session_id\": \"s1\"}"), events[2]);
		CPPUNIT_ASSERT_EQUAL(std::string("[DONE]"), events[3]);

		// 19 user messages and the system prompt: 20, no warning.
		events = HttpTestClient::dataEvents(client().post("/v1/chat/completions/stream", "{\"messages\": " + userMessages(19) + "}").body);
		CPPUNIT_ASSERT(events[1].find("\"content\"") != std::string::npos);
	}

	void testWarningOverTokenLimit()
	{
		// One message of 200000 characters: 50000 tokens, plus the prompt's 7: over.
		std::string body = "{\"messages\": [{\"role\": \"user\", \"content\": \"" + std::string(200000, 'y') + "\"}]}";
		NashTest::ServerProcess::Options options;
		options.iniText = "[server]\nmax_body_bytes = 1048576\n";
		NashTest::ServerProcess server(options);
		server.start();
		auto events = HttpTestClient::dataEvents(HttpTestClient(server.port()).post("/v1/chat/completions/stream", body).body);
		CPPUNIT_ASSERT_EQUAL(std::size_t(4), events.size());
		CPPUNIT_ASSERT(events[1].find("\"message_count\": 2, \"estimated_tokens\": 50007") != std::string::npos);
	}

	void testClientSystemPromptIsNotDoubled()
	{
		// 20 messages of which the first is the client's own system message: no insertion, no warning.
		std::string messages = "[{\"role\": \"system\", \"content\": \"Be terse.\"}, " + userMessages(19).substr(1);
		auto events = HttpTestClient::dataEvents(client().post("/v1/chat/completions/stream", "{\"messages\": " + messages + "}").body);
		CPPUNIT_ASSERT_EQUAL(std::string("{\"content\": \"Echo:\"}"), events[1]);
	}

	void testModelSelection()
	{
		auto events = HttpTestClient::dataEvents(client().post("/v1/chat/completions/stream",
			"{\"messages\": [{\"role\": \"user\", \"content\": \"x\"}], \"model\": \"echo/echo\"}").body);
		CPPUNIT_ASSERT_EQUAL(std::string("{\"content\": \"Echo:\"}"), events[1]);
		auto result = client().post("/v1/chat/completions/stream", "{\"messages\": [{\"role\": \"user\", \"content\": \"x\"}], \"model\": \"paced-echo\"}");
		CPPUNIT_ASSERT_EQUAL(200, result.status);
		result = client().post("/v1/chat/completions/stream", "{\"messages\": [{\"role\": \"user\", \"content\": \"x\"}], \"model\": \"broken/faulty-model\"}");
		CPPUNIT_ASSERT_EQUAL(200, result.status);
	}

	void testBackendErrorBecomesErrorEventThenClosingEvents()
	{
		auto events = HttpTestClient::dataEvents(client().post("/v1/chat/completions/stream",
			"{\"messages\": [{\"role\": \"user\", \"content\": \"x\"}], \"model\": \"broken\", \"session_id\": \"e1\"}").body);
		std::vector<std::string> expected{
			"{\"session_id\": \"e1\"}",
			"{\"content\": \"part0\"}",
			"{\"content\": \" part1\"}",
			"{\"error\": \"upstream answered 401: invalid key\"}",
			"{\"session_id\": \"e1\"}",
			"[DONE]"};
		CPPUNIT_ASSERT(expected == events);
		CPPUNIT_ASSERT_EQUAL(200, client().get("/health").status);
	}

	void testClientDisconnectCancelsSilentBackend()
	{
		auto stream = client().openStream("/v1/chat/completions/stream",
			"{\"messages\": [{\"role\": \"user\", \"content\": \"x\"}], \"model\": \"stuck\"}");
		std::string data;
		CPPUNIT_ASSERT(stream->nextEvent(data));
		CPPUNIT_ASSERT(data.find("session_id") != std::string::npos);
		CPPUNIT_ASSERT(stream->nextEvent(data));
		CPPUNIT_ASSERT_EQUAL(std::string("{\"content\": \"part0\"}"), data);
		// The backend now sends nothing; the client leaves.
		stream->disconnect();
		auto left = std::chrono::steady_clock::now();
		bool cancelled = NashTest::waitUntil([&] { return Poco::File(_dir + "/cancelled").exists(); }, std::chrono::seconds(5));
		CPPUNIT_ASSERT_MESSAGE("the backend was not cancelled after the client left", cancelled);
		CPPUNIT_ASSERT(std::chrono::steady_clock::now() - left < std::chrono::milliseconds(1000));
		CPPUNIT_ASSERT(_server->waitForOutput("outcome=client-gone"));
	}

	void testHundredsOfConcurrentStreams()
	{
		const int streams = 300;
		std::atomic<int> complete{0};
		std::atomic<int> open{0};
		std::vector<std::thread> clients;
		for (int i = 0; i < streams; ++i)
		{
			clients.emplace_back([&, i] {
				try
				{
					auto stream = client().openStream("/v1/chat/completions/stream",
						"{\"messages\": [{\"role\": \"user\", \"content\": \"one two three\"}], \"model\": \"slow\", \"session_id\": \"c" + std::to_string(i) + "\"}");
					std::vector<std::string> events;
					std::string data;
					bool counted = false;
					while (stream->nextEvent(data))
					{
						events.push_back(data);
						if (!counted) { ++open; counted = true; }
					}
					if (events.size() == 7 && events.front() == "{\"session_id\": \"c" + std::to_string(i) + "\"}" && events.back() == "[DONE]") ++complete;
				}
				catch (Poco::Exception&)
				{
				}
			});
		}
		// While they are all open, the server still answers its health check.
		NashTest::waitUntil([&] { return open.load() == streams; }, std::chrono::seconds(20));
		CPPUNIT_ASSERT_EQUAL(streams, open.load());
		CPPUNIT_ASSERT_EQUAL(200, client().get("/health").status);
		for (auto& thread: clients) thread.join();
		CPPUNIT_ASSERT_EQUAL(streams, complete.load());
	}

	void testEventsArriveAsProduced()
	{
		// With 100 ms between words the events must not arrive all at once at the end.
		auto stream = client().openStream("/v1/chat/completions/stream",
			"{\"messages\": [{\"role\": \"user\", \"content\": \"a b c d\"}], \"model\": \"paced\"}");
		std::string data;
		std::vector<std::chrono::steady_clock::time_point> arrivals;
		while (stream->nextEvent(data)) arrivals.push_back(std::chrono::steady_clock::now());
		CPPUNIT_ASSERT_EQUAL(std::size_t(8), arrivals.size());
		// session and "Echo:" come at once; the last word at least 300 ms after the first.
		CPPUNIT_ASSERT(arrivals[5] - arrivals[1] >= std::chrono::milliseconds(300));
	}

private:
	HttpTestClient client()
	{
		return HttpTestClient(_server->port());
	}

	void expectDetail(int status, const std::string& body, const std::string& mention)
	{
		auto result = client().post("/v1/chat/completions/stream", body);
		CPPUNIT_ASSERT_EQUAL_MESSAGE(body, status, result.status);
		CPPUNIT_ASSERT_EQUAL(std::string("application/json"), result.headers.get("Content-Type", ""));
		std::string detail = result.json()->getValue<std::string>("detail");
		CPPUNIT_ASSERT_MESSAGE(detail + " does not mention " + mention, detail.find(mention) != std::string::npos);
	}

	std::string _dir;
	std::unique_ptr<NashTest::ServerProcess> _server;
};


CPPUNIT_TEST_SUITE_REGISTRATION(ChatStreamTest);
