//
// LimitsTest.cpp
//
// The bounds on what one client can make the server hold: the size of a
// request's head (431, 414), the time to send a whole request (408, also
// for a client that trickles bytes), and the time a backend may take.
//


#include "HttpTestClient.h"
#include "ServerProcess.h"
#include "TestEnvironment.h"
#include "Poco/Net/SocketAddress.h"
#include "Poco/Net/StreamSocket.h"
#include <chrono>
#include <cppunit/extensions/HelperMacros.h>
#include <thread>


using NashTest::HttpTestClient;
using NashTest::ServerProcess;


namespace {


const std::string chatBody = "{\"messages\": [{\"role\": \"user\", \"content\": \"hi\"}]}";


ServerProcess::Options withIni(const std::string& ini)
{
	ServerProcess::Options options;
	options.iniText = ini;
	return options;
}


std::string headWithFields(const std::string& requestLine, int count, std::size_t valueBytes)
{
	std::string head = requestLine + "\r\nHost: 127.0.0.1\r\n";
	for (int i = 0; i < count; ++i) head += "X-Field-" + std::to_string(i) + ": " + std::string(valueBytes, 'v') + "\r\n";
	return head + "\r\n";
}


int statusOf(const std::string& response)
{
	// "HTTP/1.1 431 Request Header Fields Too Large"
	if (response.compare(0, 5, "HTTP/") != 0 || response.size() < 12) return 0;
	return std::stoi(response.substr(9, 3));
}


std::string bodyOf(const std::string& response)
{
	auto end = response.find("\r\n\r\n");
	return end == std::string::npos ? std::string() : response.substr(end + 4);
}


std::string readUntilClosed(Poco::Net::StreamSocket& socket, int timeoutSeconds)
{
	socket.setReceiveTimeout(Poco::Timespan(timeoutSeconds, 0));
	std::string received;
	char buffer[4096];
	try
	{
		for (int n = socket.receiveBytes(buffer, sizeof(buffer)); n > 0; n = socket.receiveBytes(buffer, sizeof(buffer)))
			received.append(buffer, static_cast<std::size_t>(n));
	}
	catch (Poco::Exception&)
	{
	}
	return received;
}


} // namespace


class LimitsTest: public CppUnit::TestFixture
{
	CPPUNIT_TEST_SUITE(LimitsTest);
	CPPUNIT_TEST(testTooManyHeaderFieldsAnswers431);
	CPPUNIT_TEST(testConfiguredHeaderLimits);
	CPPUNIT_TEST(testLongUriAnswers414);
	CPPUNIT_TEST(testSlowHeadIsAnswered408);
	CPPUNIT_TEST(testSlowBodyIsAnswered408);
	CPPUNIT_TEST(testKeptAliveConnectionIsNotTimedOutWhileIdle);
	CPPUNIT_TEST(testBackendTimeLimitEndsStream);
	CPPUNIT_TEST(testBackendTimeLimitEndsSummary);
	CPPUNIT_TEST_SUITE_END();

public:
	void testTooManyHeaderFieldsAnswers431()
	{
		ServerProcess server;
		server.start();
		HttpTestClient client(server.port());
		// Beyond the default limits: 150 fields, and one value of 20000 bytes.
		std::string many = client.raw(headWithFields("GET /health HTTP/1.1", 150, 8));
		CPPUNIT_ASSERT_EQUAL_MESSAGE(many, 431, statusOf(many));
		CPPUNIT_ASSERT(bodyOf(many).find("\"detail\"") != std::string::npos);
		std::string huge = client.raw(headWithFields("GET /health HTTP/1.1", 1, 20000));
		CPPUNIT_ASSERT_EQUAL_MESSAGE(huge, 431, statusOf(huge));
		// Within them, the same request is fine.
		std::string fine = client.raw(headWithFields("GET /health HTTP/1.1\r\nConnection: close", 20, 100));
		CPPUNIT_ASSERT_EQUAL_MESSAGE(fine, 200, statusOf(fine));
		CPPUNIT_ASSERT(server.isRunning());
	}

	void testConfiguredHeaderLimits()
	{
		ServerProcess server(withIni("[server]\nmax_header_fields = 10\nmax_header_bytes = 2048\n"));
		server.start();
		HttpTestClient client(server.port());
		std::string many = client.raw(headWithFields("GET /health HTTP/1.1", 12, 4));
		CPPUNIT_ASSERT_EQUAL_MESSAGE(many, 431, statusOf(many));
		CPPUNIT_ASSERT(bodyOf(many).find("server.max_header_fields") != std::string::npos);
		std::string large = client.raw(headWithFields("GET /health HTTP/1.1", 2, 1500));
		CPPUNIT_ASSERT_EQUAL_MESSAGE(large, 431, statusOf(large));
		CPPUNIT_ASSERT(bodyOf(large).find("server.max_header_bytes") != std::string::npos);
		std::string fine = client.raw(headWithFields("GET /health HTTP/1.1\r\nConnection: close", 5, 100));
		CPPUNIT_ASSERT_EQUAL_MESSAGE(fine, 200, statusOf(fine));
	}

	void testLongUriAnswers414()
	{
		ServerProcess server;
		server.start();
		HttpTestClient client(server.port());
		std::string response = client.raw("GET /" + std::string(20000, 'a') + " HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
		CPPUNIT_ASSERT_EQUAL_MESSAGE(response.substr(0, 200), 414, statusOf(response));
		CPPUNIT_ASSERT_EQUAL(200, client.get("/health").status);
	}

	void testSlowHeadIsAnswered408()
	{
		ServerProcess server(withIni("[server]\nrequest_timeout_seconds = 2\nread_timeout_seconds = 30\n"));
		server.start();
		Poco::Net::StreamSocket slow(Poco::Net::SocketAddress("127.0.0.1", static_cast<Poco::UInt16>(server.port())));
		// A byte every 200 ms: each read is quick, the request never ends.
		const std::string head = "GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: " + std::string(100, 's');
		auto started = std::chrono::steady_clock::now();
		std::size_t sent = 0;
		try
		{
			for (; sent < head.size() && std::chrono::steady_clock::now() - started < std::chrono::seconds(8); ++sent)
			{
				slow.sendBytes(head.data() + sent, 1);
				std::this_thread::sleep_for(std::chrono::milliseconds(200));
				if (slow.poll(Poco::Timespan(0), Poco::Net::Socket::SELECT_READ)) break;
			}
		}
		catch (Poco::Exception&)
		{
		}
		std::string response = readUntilClosed(slow, 10);
		auto took = std::chrono::steady_clock::now() - started;
		CPPUNIT_ASSERT_EQUAL_MESSAGE(response, 408, statusOf(response));
		CPPUNIT_ASSERT(bodyOf(response).find("server.request_timeout_seconds") != std::string::npos);
		CPPUNIT_ASSERT(took >= std::chrono::milliseconds(1800));
		CPPUNIT_ASSERT(took < std::chrono::seconds(6));
		CPPUNIT_ASSERT(sent < head.size());
		// Everyone else was served throughout, and still is.
		CPPUNIT_ASSERT_EQUAL(200, HttpTestClient(server.port()).get("/health").status);
	}

	void testSlowBodyIsAnswered408()
	{
		ServerProcess server(withIni("[server]\nrequest_timeout_seconds = 2\nread_timeout_seconds = 30\n"));
		server.start();
		Poco::Net::StreamSocket slow(Poco::Net::SocketAddress("127.0.0.1", static_cast<Poco::UInt16>(server.port())));
		std::string head = "POST /v1/chat/completions/stream HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
			"Content-Length: " + std::to_string(chatBody.size()) + "\r\n\r\n";
		slow.sendBytes(head.data(), static_cast<int>(head.size()));
		auto started = std::chrono::steady_clock::now();
		try
		{
			for (std::size_t sent = 0; sent + 1 < chatBody.size(); ++sent)
			{
				if (slow.poll(Poco::Timespan(0), Poco::Net::Socket::SELECT_READ)) break;
				slow.sendBytes(chatBody.data() + sent, 1);
				std::this_thread::sleep_for(std::chrono::milliseconds(300));
			}
		}
		catch (Poco::Exception&)
		{
		}
		std::string response = readUntilClosed(slow, 10);
		CPPUNIT_ASSERT_EQUAL_MESSAGE(response, 408, statusOf(response));
		CPPUNIT_ASSERT(std::chrono::steady_clock::now() - started < std::chrono::seconds(6));
		CPPUNIT_ASSERT_EQUAL(200, HttpTestClient(server.port()).post("/v1/chat/completions/stream", chatBody).status);
	}

	void testKeptAliveConnectionIsNotTimedOutWhileIdle()
	{
		// The deadline covers sending a request, not waiting between requests
		// nor a long answer.
		ServerProcess server(withIni("[server]\nrequest_timeout_seconds = 1\nkeepalive.timeout_seconds = 10\n"
			"[backend.echo]\ndelay_ms = 300\n"));
		server.start();
		Poco::Net::StreamSocket socket(Poco::Net::SocketAddress("127.0.0.1", static_cast<Poco::UInt16>(server.port())));
		socket.setReceiveTimeout(Poco::Timespan(10, 0));
		std::string request = "POST /v1/chat/completions/stream HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
			"Content-Length: " + std::to_string(chatBody.size()) + "\r\n\r\n" + chatBody;
		for (int round = 0; round < 2; ++round)
		{
			socket.sendBytes(request.data(), static_cast<int>(request.size()));
			std::string received;
			char buffer[4096];
			while (received.find("0\r\n\r\n") == std::string::npos)
			{
				int n = socket.receiveBytes(buffer, sizeof(buffer));
				CPPUNIT_ASSERT_MESSAGE(received, n > 0);
				received.append(buffer, static_cast<std::size_t>(n));
			}
			CPPUNIT_ASSERT_EQUAL_MESSAGE(received, 200, statusOf(received));
			CPPUNIT_ASSERT(received.find("[DONE]") != std::string::npos);
			std::this_thread::sleep_for(std::chrono::milliseconds(1500));
		}
	}

	void testBackendTimeLimitEndsStream()
	{
		ServerProcess server(withIni("[server]\nbackend_time_limit_seconds = 1\n[backend.echo]\ndelay_ms = 400\n"));
		server.start();
		HttpTestClient client(server.port());
		std::string words = "{\"messages\": [{\"role\": \"user\", \"content\": \"" + std::string(40, 'w') + " a b c d e f g h i j k l m n o p\"}]}";
		auto started = std::chrono::steady_clock::now();
		auto result = client.post("/v1/chat/completions/stream", words);
		auto took = std::chrono::steady_clock::now() - started;
		CPPUNIT_ASSERT_EQUAL(200, result.status);
		auto events = HttpTestClient::dataEvents(result.body);
		CPPUNIT_ASSERT(events.size() >= 4);
		CPPUNIT_ASSERT_EQUAL(std::string("[DONE]"), events.back());
		CPPUNIT_ASSERT(events[events.size() - 2].find("\"session_id\"") != std::string::npos);
		CPPUNIT_ASSERT_MESSAGE(result.body, events[events.size() - 3].find("time limit of 1 s") != std::string::npos);
		CPPUNIT_ASSERT(events[events.size() - 3].find("\"error\"") != std::string::npos);
		CPPUNIT_ASSERT(took < std::chrono::seconds(4));
		// The warning is logged after the last byte is sent, so the client can see the end first.
		CPPUNIT_ASSERT(server.waitForOutput("time limit"));
	}

	void testBackendTimeLimitEndsSummary()
	{
		ServerProcess server(withIni("[server]\nbackend_time_limit_seconds = 1\n[backend.echo]\ndelay_ms = 400\n"));
		server.start();
		HttpTestClient client(server.port());
		std::string conversation = "{\"messages\": [{\"role\": \"user\", \"content\": \"one two three four five six\"}, "
			"{\"role\": \"assistant\", \"content\": \"seven eight nine ten eleven twelve\"}]}";
		auto result = client.post("/v1/chat/summarize", conversation);
		CPPUNIT_ASSERT_EQUAL_MESSAGE(result.body, 504, result.status);
		CPPUNIT_ASSERT(result.json()->getValue<std::string>("error").find("server.backend_time_limit_seconds") != std::string::npos);
		CPPUNIT_ASSERT_EQUAL(200, client.get("/health").status);
	}
};


CPPUNIT_TEST_SUITE_REGISTRATION(LimitsTest);
