//
// GuardTest.cpp
//
// What stands between a web page, a stranger or a crowd and the server:
// Host and Origin checks, JSON-only bodies, bearer tokens, the stream limit.
//


#include "HttpTestClient.h"
#include "ServerProcess.h"
#include "TestEnvironment.h"
#include "Poco/Net/SocketAddress.h"
#include "Poco/Net/StreamSocket.h"
#include <atomic>
#include <cppunit/extensions/HelperMacros.h>
#include <thread>


using NashTest::HttpTestClient;
using NashTest::ServerProcess;


namespace {


const std::string chatBody = "{\"messages\": [{\"role\": \"user\", \"content\": \"hi\"}]}";
const std::string tokenA = "token-a-0123456789abcdef";
const std::string tokenB = "token-b-fedcba9876543210";


ServerProcess::Options withIni(const std::string& ini)
{
	ServerProcess::Options options;
	options.iniText = ini;
	return options;
}


} // namespace


class GuardTest: public CppUnit::TestFixture
{
	CPPUNIT_TEST_SUITE(GuardTest);
	CPPUNIT_TEST(testForeignHostIsRefused);
	CPPUNIT_TEST(testOriginsAndPreflight);
	CPPUNIT_TEST(testBodiesMustBeJson);
	CPPUNIT_TEST(testBearerTokens);
	CPPUNIT_TEST(testTokensFromFile);
	CPPUNIT_TEST(testRemoteBindWithoutTokensIsRefused);
	CPPUNIT_TEST(testStreamLimitAnswers503WithRetryAfter);
	CPPUNIT_TEST(testSilentClientsDoNotStarveOthers);
	CPPUNIT_TEST_SUITE_END();

public:
	void testForeignHostIsRefused()
	{
		ServerProcess server(withIni("[server]\nallowed_hosts = llm.internal\n"));
		server.start();
		HttpTestClient client(server.port());
		// A DNS-rebinding page reaches 127.0.0.1 under its own name.
		auto result = client.request("POST", "/v1/chat/completions/stream", chatBody, "application/json", {{"Host", "attacker.example:8001"}});
		CPPUNIT_ASSERT_EQUAL(421, result.status);
		CPPUNIT_ASSERT(result.json()->getValue<std::string>("detail").find("attacker.example") != std::string::npos);
		for (const char* host: {"localhost:8001", "127.0.0.1", "[::1]:8001", "llm.internal"})
			CPPUNIT_ASSERT_EQUAL(200, client.request("POST", "/v1/chat/completions/stream", chatBody, "application/json", {{"Host", host}}).status);
	}

	void testOriginsAndPreflight()
	{
		ServerProcess server(withIni("[server]\ncors_origins = http://localhost:3000\n"));
		server.start();
		HttpTestClient client(server.port());
		auto result = client.request("POST", "/v1/mcp/list_tools", "{}", "application/json", {{"Origin", "https://evil.example"}});
		CPPUNIT_ASSERT_EQUAL(403, result.status);
		result = client.request("POST", "/v1/chat/completions/stream", chatBody, "application/json", {{"Origin", "http://localhost:3000"}});
		CPPUNIT_ASSERT_EQUAL(200, result.status);
		CPPUNIT_ASSERT_EQUAL(std::string("http://localhost:3000"), result.headers.get("Access-Control-Allow-Origin"));
		// A page of the server itself: its origin is the Host it calls.
		std::string own = "127.0.0.1:" + std::to_string(server.port());
		CPPUNIT_ASSERT_EQUAL(200, client.request("POST", "/v1/chat/completions/stream", chatBody, "application/json", {{"Host", own}, {"Origin", "http://" + own}}).status);
		CPPUNIT_ASSERT_EQUAL(403, client.request("POST", "/v1/chat/completions/stream", chatBody, "application/json", {{"Host", own}, {"Origin", "http://127.0.0.1:1"}}).status);
		result = client.request("OPTIONS", "/v1/chat/completions/stream", "", "",
			{{"Origin", "http://localhost:3000"}, {"Access-Control-Request-Method", "POST"}, {"Access-Control-Request-Headers", "content-type"}});
		CPPUNIT_ASSERT_EQUAL(204, result.status);
		CPPUNIT_ASSERT(result.headers.get("Access-Control-Allow-Methods").find("POST") != std::string::npos);
		CPPUNIT_ASSERT(result.headers.get("Access-Control-Allow-Headers").find("Content-Type") != std::string::npos);
		result = client.request("OPTIONS", "/v1/chat/completions/stream", "", "", {{"Origin", "https://evil.example"}, {"Access-Control-Request-Method", "POST"}});
		CPPUNIT_ASSERT_EQUAL(403, result.status);
		CPPUNIT_ASSERT(!result.headers.has("Access-Control-Allow-Origin"));
	}

	void testBodiesMustBeJson()
	{
		ServerProcess server;
		server.start();
		HttpTestClient client(server.port());
		// What a web page may send cross-site without a preflight.
		for (const char* type: {"text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x"})
		{
			auto result = client.post("/v1/chat/completions/stream", chatBody, type);
			CPPUNIT_ASSERT_EQUAL(415, result.status);
			CPPUNIT_ASSERT(result.json()->getValue<std::string>("detail").find("application/json") != std::string::npos);
		}
		CPPUNIT_ASSERT_EQUAL(415, client.post("/v1/chat/completions/stream", chatBody, "").status);
		CPPUNIT_ASSERT_EQUAL(200, client.post("/v1/chat/completions/stream", chatBody, "application/json; charset=utf-8").status);
		CPPUNIT_ASSERT_EQUAL(200, client.post("/v1/chat/completions/stream", chatBody, "application/vnd.api+json").status);
	}

	void testBearerTokens()
	{
		ServerProcess server(withIni("[auth]\ntokens = " + tokenA + ", " + tokenB + "\n"));
		server.start();
		HttpTestClient client(server.port());
		auto result = client.post("/v1/chat/completions/stream", chatBody);
		CPPUNIT_ASSERT_EQUAL(401, result.status);
		CPPUNIT_ASSERT(result.headers.get("WWW-Authenticate").find("Bearer") == 0);
		result = client.request("POST", "/v1/chat/completions/stream", chatBody, "application/json", {{"Authorization", "Bearer " + tokenA + "x"}});
		CPPUNIT_ASSERT_EQUAL(401, result.status);
		result = client.request("POST", "/v1/chat/completions/stream", chatBody, "application/json", {{"Authorization", "Basic " + tokenA}});
		CPPUNIT_ASSERT_EQUAL(401, result.status);
		for (const auto& token: {tokenA, tokenB})
			CPPUNIT_ASSERT_EQUAL(200, client.request("POST", "/v1/chat/completions/stream", chatBody, "application/json", {{"Authorization", "Bearer " + token}}).status);
		// The health check needs no token and shows none.
		result = client.get("/health");
		CPPUNIT_ASSERT_EQUAL(200, result.status);
		CPPUNIT_ASSERT(result.body.find(tokenA) == std::string::npos);
		CPPUNIT_ASSERT(server.output().find(tokenA) == std::string::npos);
	}

	void testTokensFromFile()
	{
		std::string dir = NashTest::makeTempDir("tokens");
		NashTest::writeFile(dir + "/tokens", "# one token a line\n" + tokenB + "\n\n");
		ServerProcess server(withIni("[auth]\ntokens_file = " + dir + "/tokens\n"));
		server.start();
		HttpTestClient client(server.port());
		CPPUNIT_ASSERT_EQUAL(401, client.post("/v1/mcp/list_tools", "{}").status);
		CPPUNIT_ASSERT_EQUAL(200, client.request("POST", "/v1/chat/completions/stream", chatBody, "application/json", {{"Authorization", "Bearer " + tokenB}}).status);
	}

	void testRemoteBindWithoutTokensIsRefused()
	{
		// Refused before anything listens, so no address beyond loopback is ever bound here.
		ServerProcess server(withIni("[server]\nhost = 0.0.0.0\n"));
		server.launch();
		CPPUNIT_ASSERT_EQUAL(78, server.waitForExit(10000));
		server.stop();
		CPPUNIT_ASSERT(server.output().find("Refusing to listen on 0.0.0.0 without authentication") != std::string::npos);
	}

	void testStreamLimitAnswers503WithRetryAfter()
	{
		ServerProcess server(withIni("[server]\nmax_streams = 2\n[backend.slow]\nplugin = echo\ndelay_ms = 1000\nmodels = slow-echo\n"));
		server.start();
		HttpTestClient client(server.port());
		std::string slowBody = "{\"messages\": [{\"role\": \"user\", \"content\": \"a b c\"}], \"model\": \"slow\"}";
		auto first = client.openStream("/v1/chat/completions/stream", slowBody);
		auto second = client.openStream("/v1/chat/completions/stream", slowBody);
		std::string data;
		CPPUNIT_ASSERT(first->nextEvent(data) && second->nextEvent(data));
		auto refused = client.post("/v1/chat/completions/stream", chatBody);
		CPPUNIT_ASSERT_EQUAL(503, refused.status);
		CPPUNIT_ASSERT_EQUAL(std::string("1"), refused.headers.get("Retry-After"));
		CPPUNIT_ASSERT(refused.json()->getValue<std::string>("error").find("Too many open streams") != std::string::npos);
		CPPUNIT_ASSERT_EQUAL(200, client.get("/health").status);
		while (first->nextEvent(data)) {}
		CPPUNIT_ASSERT_EQUAL(200, client.post("/v1/chat/completions/stream", chatBody).status);
	}

	void testSilentClientsDoNotStarveOthers()
	{
		// The head deadline (not the read timeout) drops a client that sends
		// nothing: 2 s, well inside the 10 s this test waits for it.
		ServerProcess server(withIni("[server]\nread_timeout_seconds = 2\nhead_timeout_seconds = 2\n"));
		server.start();
		// 200 clients connect and send nothing (or half a request line) ...
		std::vector<Poco::Net::StreamSocket> silent;
		for (int i = 0; i < 200; ++i)
		{
			silent.emplace_back(Poco::Net::SocketAddress("127.0.0.1", static_cast<Poco::UInt16>(server.port())));
			if (i % 2) silent.back().sendBytes("POST /v1/chat", 13);
		}
		// ... and everyone else is still served, at once.
		HttpTestClient client(server.port());
		auto started = std::chrono::steady_clock::now();
		CPPUNIT_ASSERT_EQUAL(200, client.post("/v1/chat/completions/stream", chatBody).status);
		CPPUNIT_ASSERT_EQUAL(200, client.get("/health").status);
		CPPUNIT_ASSERT(std::chrono::steady_clock::now() - started < std::chrono::seconds(2));
		// The silent ones are dropped at the head deadline.
		char byte = 0;
		silent.front().setReceiveTimeout(Poco::Timespan(10, 0));
		CPPUNIT_ASSERT_EQUAL(0, silent.front().receiveBytes(&byte, 1));
		CPPUNIT_ASSERT(server.isRunning());
	}
};


CPPUNIT_TEST_SUITE_REGISTRATION(GuardTest);
