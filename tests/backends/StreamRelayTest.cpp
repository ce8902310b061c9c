//
// StreamRelayTest.cpp
//
// Streams from a provider over http:// relayed on the server's event loop:
// they hold no thread, a slow reader pauses the upstream instead of growing
// memory, the connection goes on after the stream (keep-alive, pipelining),
// and a shutdown ends them as it ends the others.
//


#include "BackendHarness.h"
#include "HttpTestClient.h"
#include "ServerProcess.h"
#include "TestEnvironment.h"
#include "Poco/Net/SocketAddress.h"
#include "Poco/Net/StreamSocket.h"
#include <cppunit/TestFixture.h>
#include <cppunit/extensions/HelperMacros.h>
#include <fstream>
#include <memory>
#include <string>
#include <thread>
#include <vector>


using NashTest::BackendHarness;
using NashTest::HttpTestClient;


namespace {


const std::string section =
	"[server]\n"
	"loop_threads = 2\n"
	"shutdown_grace_seconds = 1\n"
	"read_timeout_seconds = 4\n"
	"[chat]\n"
	"default_model = openai\n"
	"[backend.openai]\n"
	"plugin = openai\n"
	"base_url = {upstream}/v1\n"
	"api_key = sk-relay\n";


long statusField(int pid, const std::string& name)
	/// A number of /proc/<pid>/status ("Threads", "VmRSS" in kB); -1 when absent.
{
	std::ifstream status("/proc/" + std::to_string(pid) + "/status");
	std::string line;
	while (std::getline(status, line))
	{
		if (line.compare(0, name.size() + 1, name + ":") != 0) continue;
		std::string value = line.substr(name.size() + 1);
		std::size_t digits = value.find_first_of("0123456789");
		if (digits == std::string::npos) return -1;
		return std::stol(value.substr(digits));
	}
	return -1;
}


std::string streamRequest(const std::string& model, const std::string& version = "HTTP/1.1")
{
	std::string body = "{\"messages\": [{\"role\": \"user\", \"content\": \"x\"}], \"model\": \"openai/" + model + "\", \"session_id\": \"r-1\"}";
	return "POST /v1/chat/completions/stream " + version + "\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
		"Content-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body;
}


std::size_t countOf(const std::string& text, const std::string& part)
{
	std::size_t count = 0;
	for (std::size_t at = text.find(part); at != std::string::npos; at = text.find(part, at + part.size())) ++count;
	return count;
}


std::string readUntil(Poco::Net::StreamSocket& socket, const std::string& end, std::size_t times, std::string received = std::string())
	/// Reads until end occurs times times in what was received (or the
	/// connection closes).
{
	char buffer[65536];
	while (countOf(received, end) < times)
	{
		int n = socket.receiveBytes(buffer, sizeof(buffer));
		if (n <= 0) break;
		received.append(buffer, static_cast<std::size_t>(n));
	}
	return received;
}


} // namespace


class StreamRelayTest: public CppUnit::TestFixture
{
	CPPUNIT_TEST_SUITE(StreamRelayTest);
	CPPUNIT_TEST(testStreamsHoldNoThread);
	CPPUNIT_TEST(testSlowReaderPausesTheUpstreamAndLosesNothing);
	CPPUNIT_TEST(testReaderThatStopsIsDroppedAndTheUpstreamClosed);
	CPPUNIT_TEST(testConnectionGoesOnAfterTheStream);
	CPPUNIT_TEST(testHttp10StreamEndsWithTheConnection);
	CPPUNIT_TEST(testOpenAiAndAnthropicDialectsAreRelayed);
	CPPUNIT_TEST(testShutdownEndsRelayedStreams);
	CPPUNIT_TEST_SUITE_END();

public:
	void setUp() override
	{
		_harness.reset(new BackendHarness(section));
	}

	void tearDown() override
	{
		_harness.reset();
	}

	void testStreamsHoldNoThread()
	{
		const int pid = static_cast<int>(_harness->server().pid());
		const int streams = 150;
		std::vector<std::unique_ptr<NashTest::EventStream>> open;
		for (int i = 0; i < streams; ++i)
		{
			open.push_back(_harness->client().openStream("/v1/chat/completions/stream",
				"{\"messages\": [{\"role\": \"user\", \"content\": \"x\"}], \"model\": \"openai/bench-20x150\"}"));
			CPPUNIT_ASSERT_EQUAL(200, open.back()->status);
		}
		// Every stream is open (each lasts about 3 s); the server's threads
		// are its fixed ones, not one a stream.
		std::string data;
		for (auto& stream: open) CPPUNIT_ASSERT(stream->nextEvent(data));
		long threads = statusField(pid, "Threads");
		CPPUNIT_ASSERT_MESSAGE(std::to_string(threads) + " threads with " + std::to_string(streams) + " open streams", threads > 0 && threads < 60);
		for (auto& stream: open)
		{
			std::vector<std::string> events{data};
			while (stream->nextEvent(data)) events.push_back(data);
			CPPUNIT_ASSERT_EQUAL(std::string("[DONE]"), events.back());
			CPPUNIT_ASSERT(BackendHarness::errorOf(events).empty());
		}
		CPPUNIT_ASSERT(NashTest::waitUntil([&] { return _harness->client().get("/health").body.find("\"open_streams\": 0") != std::string::npos
			|| _harness->client().get("/health").body.find("\"open_streams\":0") != std::string::npos; }, std::chrono::seconds(5)));
	}

	void testSlowReaderPausesTheUpstreamAndLosesNothing()
	{
		const int pid = static_cast<int>(_harness->server().pid());
		const int chunks = 600000;
		_harness->upstreamClient().post("/_reset", "");
		Poco::Net::StreamSocket socket(Poco::Net::SocketAddress::IPv4);
		// A small window, so that the kernel holds little of the answer for
		// the client: the rest waits in the server, or in the upstream.
		socket.setReceiveBufferSize(64 * 1024);
		socket.connect(Poco::Net::SocketAddress("127.0.0.1", static_cast<Poco::UInt16>(_harness->server().port())));
		socket.setReceiveTimeout(Poco::Timespan(60, 0));
		long before = statusField(pid, "VmRSS");
		std::string request = streamRequest("bench-" + std::to_string(chunks) + "x0");
		socket.sendBytes(request.data(), static_cast<int>(request.size()));
		// The client reads nothing for a while. The answer is about 20 MB of
		// events (100 MB from the upstream), which the fake sends in about 4 s:
		// most of it would pile up in the server meanwhile unless the server
		// stopped reading the upstream.
		std::this_thread::sleep_for(std::chrono::milliseconds(3000));
		long during = statusField(pid, "VmRSS");
		int upstreamOpen = _harness->stats()->getValue<int>("open");
		std::string received = readUntil(socket, "0\r\n\r\n", 1);
		CPPUNIT_ASSERT_EQUAL_MESSAGE(received.substr(0, 300) + " ... " + received.substr(received.size() > 600 ? received.size() - 600 : 0),
			static_cast<std::size_t>(chunks), countOf(received, "\"content\""));
		CPPUNIT_ASSERT(received.find("data: [DONE]") != std::string::npos);
		CPPUNIT_ASSERT(received.find("\"error\"") == std::string::npos);
		CPPUNIT_ASSERT_EQUAL_MESSAGE("the upstream finished while the client read nothing", 1, upstreamOpen);
#if !defined(__SANITIZE_ADDRESS__) && !defined(__SANITIZE_THREAD__)
		// The sanitizers keep freed memory from reuse (and TSan adds shadow
		// memory): RSS says nothing there.
		CPPUNIT_ASSERT_MESSAGE("RSS grew from " + std::to_string(before) + " to " + std::to_string(during) + " kB", during - before < 2 * 1024);
#else
		(void) before;
		(void) during;
#endif
	}

	void testReaderThatStopsIsDroppedAndTheUpstreamClosed()
	{
		_harness->upstreamClient().post("/_reset", "");
		Poco::Net::StreamSocket socket(Poco::Net::SocketAddress("127.0.0.1", static_cast<Poco::UInt16>(_harness->server().port())));
		std::string request = streamRequest("bench-2000000x0");
		socket.sendBytes(request.data(), static_cast<int>(request.size()));
		// Nothing is read: once the buffers are full, the server waits
		// read_timeout_seconds (4) for the client, then drops it and closes
		// the upstream.
		CPPUNIT_ASSERT(NashTest::waitUntil([&] { return _harness->stats()->getValue<int>("client_closed") == 1; }, std::chrono::seconds(15)));
		CPPUNIT_ASSERT_MESSAGE(_harness->server().output(), _harness->server().waitForOutput("client-gone", 5000));
		CPPUNIT_ASSERT_EQUAL(200, _harness->client().get("/health").status);
	}

	void testConnectionGoesOnAfterTheStream()
	{
		Poco::Net::StreamSocket socket(Poco::Net::SocketAddress("127.0.0.1", static_cast<Poco::UInt16>(_harness->server().port())));
		socket.setReceiveTimeout(Poco::Timespan(10, 0));
		// Two requests at once (pipelined), then a third on the same connection.
		std::string twice = streamRequest("fake-gpt") + streamRequest("bench-5x10");
		socket.sendBytes(twice.data(), static_cast<int>(twice.size()));
		std::string received = readUntil(socket, "0\r\n\r\n", 2);
		CPPUNIT_ASSERT_EQUAL_MESSAGE(received, static_cast<std::size_t>(2), countOf(received, "HTTP/1.1 200"));
		CPPUNIT_ASSERT_EQUAL(static_cast<std::size_t>(2), countOf(received, "data: [DONE]"));
		CPPUNIT_ASSERT(received.find("Reply from openai: x") != std::string::npos || received.find("\"Reply\"") != std::string::npos);
		std::string third = streamRequest("bench-3x0");
		socket.sendBytes(third.data(), static_cast<int>(third.size()));
		received = readUntil(socket, "0\r\n\r\n", 1);
		CPPUNIT_ASSERT_EQUAL_MESSAGE(received, static_cast<std::size_t>(1), countOf(received, "HTTP/1.1 200"));
		CPPUNIT_ASSERT_EQUAL(static_cast<std::size_t>(3), countOf(received, "\"content\""));
	}

	void testHttp10StreamEndsWithTheConnection()
	{
		Poco::Net::StreamSocket socket(Poco::Net::SocketAddress("127.0.0.1", static_cast<Poco::UInt16>(_harness->server().port())));
		socket.setReceiveTimeout(Poco::Timespan(10, 0));
		std::string request = streamRequest("bench-4x5", "HTTP/1.0");
		socket.sendBytes(request.data(), static_cast<int>(request.size()));
		// Read to the connection's end: that is the body's end.
		std::string received = readUntil(socket, "never", 1);
		CPPUNIT_ASSERT_MESSAGE(received, received.compare(0, 15, "HTTP/1.1 200 OK") == 0);
		CPPUNIT_ASSERT(received.find("Transfer-Encoding") == std::string::npos);
		CPPUNIT_ASSERT_EQUAL(static_cast<std::size_t>(4), countOf(received, "\"content\""));
		CPPUNIT_ASSERT(received.find("data: [DONE]\n\n") != std::string::npos);
	}

	void testOpenAiAndAnthropicDialectsAreRelayed()
	{
		auto openAi = _harness->client().post("/v1/chat/completions",
			"{\"model\": \"openai/bench-3x0\", \"stream\": true, \"stream_options\": {\"include_usage\": true}, \"messages\": [{\"role\": \"user\", \"content\": \"x\"}]}");
		CPPUNIT_ASSERT_EQUAL(200, openAi.status);
		auto events = HttpTestClient::dataEvents(openAi.body);
		CPPUNIT_ASSERT_EQUAL(std::string("[DONE]"), events.back());
		CPPUNIT_ASSERT_EQUAL_MESSAGE(openAi.body, static_cast<std::size_t>(3), countOf(openAi.body, "tok\"}"));
		CPPUNIT_ASSERT(openAi.body.find("\"usage\"") != std::string::npos);

		auto anthropic = _harness->client().request("POST", "/v1/messages",
			"{\"model\": \"openai/bench-3x0\", \"max_tokens\": 50, \"stream\": true, \"messages\": [{\"role\": \"user\", \"content\": \"x\"}]}",
			"application/json", {{"anthropic-version", "2023-06-01"}});
		CPPUNIT_ASSERT_EQUAL_MESSAGE(anthropic.body, 200, anthropic.status);
		CPPUNIT_ASSERT(anthropic.body.find("event: message_start") != std::string::npos);
		CPPUNIT_ASSERT_EQUAL(static_cast<std::size_t>(3), countOf(anthropic.body, "\"text_delta\""));
		CPPUNIT_ASSERT(anthropic.body.find("event: message_stop") != std::string::npos);
	}

	void testShutdownEndsRelayedStreams()
	{
		auto stream = _harness->client().openStream("/v1/chat/completions/stream",
			"{\"messages\": [{\"role\": \"user\", \"content\": \"x\"}], \"model\": \"openai/bench-200x100\"}");
		std::vector<std::string> events;
		std::string data;
		for (int i = 0; i < 3 && stream->nextEvent(data); ++i) events.push_back(data);
		std::thread stopper([&] { _harness->server().stop(); });
		while (stream->nextEvent(data)) events.push_back(data);
		stopper.join();
		CPPUNIT_ASSERT_EQUAL_MESSAGE(BackendHarness::describe(events), std::string("[DONE]"), events.back());
		CPPUNIT_ASSERT(events.size() >= 4);
		CPPUNIT_ASSERT(events[events.size() - 2].find("\"session_id\"") != std::string::npos);
		CPPUNIT_ASSERT_MESSAGE(BackendHarness::describe(events), events[events.size() - 3].find("shutting down") != std::string::npos);
	}

private:
	std::unique_ptr<BackendHarness> _harness;
};


CPPUNIT_TEST_SUITE_REGISTRATION(StreamRelayTest);
