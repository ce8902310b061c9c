//
// HttpConnectionTest.cpp
//
// The connection loop of the real server under clients that misbehave:
// silent and slow ones, many from one address, HTTP/1.0 ones, ones that
// half-close their side, a log line forged through the URL, and a second
// instance on a port already taken.
//


#include "HttpTestClient.h"
#include "RawHttpConnection.h"
#include "ServerProcess.h"
#include "Poco/Net/NetException.h"
#include "Poco/Net/ServerSocket.h"
#include "Poco/Net/SocketAddress.h"
#include "Poco/Net/StreamSocket.h"
#include "Poco/Stopwatch.h"
#include "Poco/String.h"
#include <cppunit/extensions/HelperMacros.h>
#include <fstream>
#include <memory>
#include <vector>


using NashTest::HttpTestClient;
using NashTest::RawHttpConnection;
using NashTest::ServerProcess;


namespace {


ServerProcess::Options withIni(const std::string& ini)
{
	ServerProcess::Options options;
	options.iniText = ini;
	return options;
}


const std::string chatBody = "{\"messages\": [{\"role\": \"user\", \"content\": \"one two three four five six seven eight\"}]}";


std::string chatRequest(const std::string& version = "HTTP/1.1")
{
	return "POST /v1/chat/completions/stream " + version + "\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: " +
		std::to_string(chatBody.size()) + "\r\n\r\n" + chatBody;
}


long statusKiB(Poco::ProcessHandle::PID pid, const std::string& field)
	/// A "VmHWM:" or "VmRSS:" line of /proc/<pid>/status, in KiB.
{
	std::ifstream status("/proc/" + std::to_string(pid) + "/status");
	std::string line;
	while (std::getline(status, line))
	{
		if (line.compare(0, field.size(), field) == 0) return std::stol(line.substr(field.size()));
	}
	return -1;
}


std::string manyValues(const std::string& value, std::size_t count)
	/// A chat body with count copies of value in an extra field.
{
	std::string body = "{\"messages\": [{\"role\": \"user\", \"content\": \"hi\"}], \"extra\": [";
	for (std::size_t i = 0; i < count; ++i)
	{
		if (i) body += ',';
		body += value;
	}
	return body + "]}";
}


std::vector<std::unique_ptr<Poco::Net::StreamSocket>> openSilent(int port, int count)
{
	std::vector<std::unique_ptr<Poco::Net::StreamSocket>> sockets;
	for (int i = 0; i < count; ++i)
		sockets.emplace_back(new Poco::Net::StreamSocket(Poco::Net::SocketAddress("127.0.0.1", static_cast<Poco::UInt16>(port))));
	return sockets;
}


} // namespace


class HttpConnectionTest: public CppUnit::TestFixture
{
	CPPUNIT_TEST_SUITE(HttpConnectionTest);
	CPPUNIT_TEST(testSilentConnectionsHoldNoThread);
	CPPUNIT_TEST(testConnectionsPerClientAreCapped);
	CPPUNIT_TEST(testHeadDeadline);
	CPPUNIT_TEST(testHttp10StreamEndsWithTheConnection);
	CPPUNIT_TEST(testHalfClosedStreamEndsWithAnError);
	CPPUNIT_TEST(testHalfClosedSummaryIsNoSuccess);
	CPPUNIT_TEST(testHalfClosedMcpCallGetsAStandardStatus);
	CPPUNIT_TEST(testLogLinesCannotBeForged);
	CPPUNIT_TEST(testSecondInstanceOnTheSamePortFails);
	CPPUNIT_TEST(testMemoryBoundedByTheBody);
	CPPUNIT_TEST_SUITE_END();

public:
	void testSilentConnectionsHoldNoThread()
	{
		// Sixteen workers, six hundred clients that say nothing: they wait in
		// the poller, and /health is answered at once.
		ServerProcess server(withIni("[server]\nthreads.max = 16\nmax_streams = 8\nmax_connections_per_client = 0\n"));
		server.start();
		auto silent = openSilent(server.port(), 600);
		Poco::Stopwatch watch;
		watch.start();
		HttpTestClient client(server.port());
		CPPUNIT_ASSERT_EQUAL(200, client.get("/health").status);
		CPPUNIT_ASSERT_MESSAGE(std::to_string(watch.elapsed() / 1000) + " ms", watch.elapsed() < 1000000);
		// And a stream still streams.
		auto result = client.request("POST", "/v1/chat/completions/stream", chatBody, "application/json");
		CPPUNIT_ASSERT_EQUAL(200, result.status);
		CPPUNIT_ASSERT(result.body.find("[DONE]") != std::string::npos);
	}

	void testConnectionsPerClientAreCapped()
	{
		ServerProcess server(withIni("[server]\nmax_connections_per_client = 4\n"));
		server.start();
		// The start-up check's connection must be gone first.
		Poco::Thread::sleep(300);
		auto held = openSilent(server.port(), 4);
		Poco::Thread::sleep(300);
		RawHttpConnection fifth(server.port());
		fifth.send("GET /health HTTP/1.1\r\nHost: localhost\r\n\r\n");
		RawHttpConnection::Response response;
		CPPUNIT_ASSERT(fifth.readResponse(response));
		CPPUNIT_ASSERT_EQUAL(503, response.status);
		CPPUNIT_ASSERT_EQUAL(std::string("1"), response.headers["retry-after"]);
		CPPUNIT_ASSERT(response.body.find("max_connections_per_client") != std::string::npos);
		CPPUNIT_ASSERT(server.waitForOutput("max_connections_per_client"));

		held.pop_back();
		Poco::Thread::sleep(300);
		RawHttpConnection another(server.port());
		another.send("GET /health HTTP/1.1\r\nHost: localhost\r\n\r\n");
		CPPUNIT_ASSERT(another.readResponse(response));
		CPPUNIT_ASSERT_EQUAL(200, response.status);
	}

	void testHeadDeadline()
	{
		ServerProcess server(withIni("[server]\nhead_timeout_seconds = 1\n"));
		server.start();
		RawHttpConnection silent(server.port());
		RawHttpConnection trickling(server.port());
		trickling.send("GET /health HTTP/1.1\r\nHo");
		Poco::Stopwatch watch;
		watch.start();
		RawHttpConnection::Response response;
		CPPUNIT_ASSERT(trickling.readResponse(response, 5000));
		CPPUNIT_ASSERT_EQUAL(408, response.status);
		CPPUNIT_ASSERT(response.body.find("head_timeout_seconds") != std::string::npos);
		CPPUNIT_ASSERT(trickling.closedByServer());
		// Nothing was asked: nothing is answered, the connection just ends.
		CPPUNIT_ASSERT(silent.closedByServer(5000));
		CPPUNIT_ASSERT(watch.elapsed() < 4000000);
		CPPUNIT_ASSERT_EQUAL(200, HttpTestClient(server.port()).get("/health").status);
	}

	void testHttp10StreamEndsWithTheConnection()
	{
		ServerProcess server;
		server.start();
		RawHttpConnection connection(server.port());
		connection.send(chatRequest("HTTP/1.0"));
		RawHttpConnection::Response response;
		CPPUNIT_ASSERT(connection.readResponse(response));
		CPPUNIT_ASSERT_EQUAL(200, response.status);
		CPPUNIT_ASSERT(!response.chunked);
		CPPUNIT_ASSERT(response.delimitedByClose);
		CPPUNIT_ASSERT_EQUAL(0, Poco::icompare(response.headers["connection"], "close"));
		CPPUNIT_ASSERT(response.body.find("data: {\"content\": \" eight\"}\n\n") != std::string::npos);
		CPPUNIT_ASSERT(response.body.size() >= 15 && response.body.compare(response.body.size() - 14, 14, "data: [DONE]\n\n") == 0);
	}

	void testHalfClosedStreamEndsWithAnError()
	{
		ServerProcess server(withIni("[backend.echo]\nplugin = echo\ndelay_ms = 300\n"));
		server.start();
		RawHttpConnection connection(server.port());
		connection.send(chatRequest());
		connection.shutdownSend();
		RawHttpConnection::Response response;
		CPPUNIT_ASSERT(connection.readResponse(response, 10000));
		CPPUNIT_ASSERT_EQUAL(200, response.status);
		// Cut short, and said so: never a clean end of a cut answer.
		CPPUNIT_ASSERT_MESSAGE(response.body, response.body.find("\"error\"") != std::string::npos);
		CPPUNIT_ASSERT(response.body.find(" eight") == std::string::npos);
		CPPUNIT_ASSERT(server.waitForOutput("outcome=client-gone"));
	}

	void testHalfClosedSummaryIsNoSuccess()
	{
		ServerProcess server(withIni("[backend.echo]\nplugin = echo\ndelay_ms = 300\n"));
		server.start();
		RawHttpConnection connection(server.port());
		const std::string body = "{\"messages\": [{\"role\": \"user\", \"content\": \"one two three four five six\"}]}";
		connection.send("POST /v1/chat/summarize HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: " +
			std::to_string(body.size()) + "\r\n\r\n" + body);
		connection.shutdownSend();
		RawHttpConnection::Response response;
		CPPUNIT_ASSERT(connection.readResponse(response, 10000));
		CPPUNIT_ASSERT_EQUAL(400, response.status);
		CPPUNIT_ASSERT(response.body.find("success") == std::string::npos);
		CPPUNIT_ASSERT(response.body.find("closed its side") != std::string::npos);
	}

	void testHalfClosedMcpCallGetsAStandardStatus()
	{
		ServerProcess server(withIni("[mcp.demo]\nargs = --test-tools\n"));
		server.start();
		RawHttpConnection connection(server.port());
		const std::string body = "{\"tool_name\": \"hang\"}";
		connection.send("POST /v1/mcp/call_tool HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: " +
			std::to_string(body.size()) + "\r\n\r\n" + body);
		connection.shutdownSend();
		RawHttpConnection::Response response;
		CPPUNIT_ASSERT(connection.readResponse(response, 10000));
		CPPUNIT_ASSERT_EQUAL(400, response.status);
		CPPUNIT_ASSERT(response.statusLine.find("???") == std::string::npos);
		CPPUNIT_ASSERT(response.body.find("closed its side") != std::string::npos);
	}

	void testLogLinesCannotBeForged()
	{
		ServerProcess server;
		server.start();
		RawHttpConnection connection(server.port());
		connection.send("GET /health%0d%0a2026-01-01%2000:00:00.000%20%5BInformation%5D%20nash.access:%20FORGED HTTP/1.1\r\nHost: localhost\r\n\r\n");
		RawHttpConnection::Response response;
		CPPUNIT_ASSERT(connection.readResponse(response));
		CPPUNIT_ASSERT_EQUAL(404, response.status);
		CPPUNIT_ASSERT(server.waitForOutput("\\x0d\\x0a2026-01-01"));
		std::string output = server.output();
		CPPUNIT_ASSERT(output.find("\n2026-01-01 00:00:00.000") == std::string::npos);
		CPPUNIT_ASSERT(output.find("\r") == std::string::npos);
	}

	void testSecondInstanceOnTheSamePortFails()
	{
		int port = 0;
		{
			Poco::Net::ServerSocket probe(Poco::Net::SocketAddress("127.0.0.1", 0));
			port = probe.address().port();
		}
		ServerProcess::Options first;
		first.fixedPort = port;
		first.extraArgs = {"--port=" + std::to_string(port)};
		ServerProcess server(first);
		server.start();
		ServerProcess second(first);
		second.launch();
		int code = second.waitForExit(15000);
		CPPUNIT_ASSERT_EQUAL_MESSAGE(second.output(), 69, code);
		CPPUNIT_ASSERT(second.output().find("port " + std::to_string(port)) != std::string::npos);
		CPPUNIT_ASSERT(second.output().find("in use") != std::string::npos);
		CPPUNIT_ASSERT_EQUAL(200, HttpTestClient(port).get("/health").status);
	}

	void testMemoryBoundedByTheBody()
	{
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
		// The sanitizers' shadow memory and quarantine say nothing of ours.
		return;
#endif
		ServerProcess server;
		server.start();
		HttpTestClient client(server.port());
		struct Case
		{
			std::string name;
			std::string body;
			int status;
		};
		const std::vector<Case> cases = {
			// A megabyte of empty objects would take ~300 MiB as a tree.
			{"330 000 empty objects", manyValues("{}", 330000), 413},
			{"6 MB of empty objects", manyValues("{}", 2000000), 413},
			{"300 000 empty arrays", manyValues("[]", 300000), 413},
			{"a 4 MB message", "{\"messages\": [{\"role\": \"user\", \"content\": \"" + std::string(4000000, 'a') + "\"}]}", 200},
			{"20 000 numbers", manyValues("12345", 20000), 200}};
		for (const auto& c: cases)
		{
			long peakBefore = statusKiB(server.pid(), "VmHWM:");
			long residentBefore = statusKiB(server.pid(), "VmRSS:");
			CPPUNIT_ASSERT(peakBefore > 0);
			auto result = client.request("POST", "/v1/chat/completions/stream", c.body, "application/json");
			CPPUNIT_ASSERT_EQUAL_MESSAGE(c.name + ": " + result.body.substr(0, 200), c.status, result.status);
			if (c.status == 413) CPPUNIT_ASSERT(result.body.find("too many JSON values") != std::string::npos);
			long peakGrowth = (statusKiB(server.pid(), "VmHWM:") - peakBefore) * 1024;
			long bodyBytes = static_cast<long>(c.body.size());
			CPPUNIT_ASSERT_MESSAGE(c.name + ": the peak grew by " + std::to_string(peakGrowth) + " bytes for a body of " + std::to_string(bodyBytes),
				peakGrowth <= 20 * bodyBytes);
			// And the memory is given back: what stays is a fraction of the body.
			// (The server trims after it wrote the answer's last byte.)
			long residentGrowth = 0;
			for (int wait = 0; wait < 40; ++wait)
			{
				residentGrowth = (statusKiB(server.pid(), "VmRSS:") - residentBefore) * 1024;
				if (residentGrowth <= bodyBytes / 2 + 2 * 1024 * 1024) break;
				Poco::Thread::sleep(50);
			}
			CPPUNIT_ASSERT_MESSAGE(c.name + ": " + std::to_string(residentGrowth) + " bytes stayed", residentGrowth <= bodyBytes / 2 + 2 * 1024 * 1024);
		}
		CPPUNIT_ASSERT_EQUAL(200, client.get("/health").status);
	}
};


CPPUNIT_TEST_SUITE_REGISTRATION(HttpConnectionTest);
