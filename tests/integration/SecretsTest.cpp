//
// SecretsTest.cpp
//
// GET /health needs no token, and error answers go to whoever asked: neither
// may show the credentials of a backend's base_url nor the arguments of an
// MCP server's command line, while both still say which host or command
// failed.
//


#include "HttpTestClient.h"
#include "ServerProcess.h"
#include "TestEnvironment.h"
#include "Poco/JSON/Array.h"
#include "Poco/Net/ServerSocket.h"
#include "Poco/Net/SocketAddress.h"
#include <cppunit/extensions/HelperMacros.h>
#include <chrono>
#include <memory>
#include <thread>


using NashTest::HttpTestClient;


namespace {


const char* const SECRETS[] = {"s3cretpw", "k3y", "tok-SECRET-123", "env-SECRET-456", "sk-backend-KEY-789"};


int closedPort()
	/// A loopback port nobody listens on: one the system just handed out
	/// and that was closed again.
{
	Poco::Net::ServerSocket socket(Poco::Net::SocketAddress("127.0.0.1", 0));
	int port = socket.address().port();
	socket.close();
	return port;
}


std::string secretUrl(int port, const std::string& path)
{
	return "http://user:s3cretpw@127.0.0.1:" + std::to_string(port) + path + "?api_key=k3y";
}


void assertNoSecret(const std::string& where, const std::string& text)
{
	for (const char* secret: SECRETS)
	{
		CPPUNIT_ASSERT_MESSAGE(where + " shows " + secret + ": " + text, text.find(secret) == std::string::npos);
	}
}


void assertContains(const std::string& where, const std::string& text, const std::string& part)
{
	CPPUNIT_ASSERT_MESSAGE(where + " lacks '" + part + "': " + text, text.find(part) != std::string::npos);
}


} // namespace


class SecretsTest: public CppUnit::TestFixture
{
	CPPUNIT_TEST_SUITE(SecretsTest);
	CPPUNIT_TEST(testHealthShowsNoCredentials);
	CPPUNIT_TEST(testBackendErrorAnswersShowNoCredentials);
	CPPUNIT_TEST(testMcpErrorAnswersHideArguments);
	CPPUNIT_TEST(testLogShowsNoSecrets);
	CPPUNIT_TEST(testShowArgsShowsArguments);
	CPPUNIT_TEST_SUITE_END();

public:
	void setUp() override
	{
		_port = closedPort();
		start(
			"[backend.remote]\n"
			"plugin = openai\n"
			"base_url = " + secretUrl(_port, "/v1") + "\n"
			"api_key = sk-backend-KEY-789\n"
			"models = gpt-test\n"
			"max_retries = 0\n"
			// Configuration fails with the URL in its message, and a stream
			// fails with it: the server, not the plugin, must hide it.
			"[backend.misconfigured]\n"
			"plugin = faulty\n"
			"configure_error = cannot reach " + secretUrl(_port, "/v1") + " (refused)\n"
			"[backend.failing]\n"
			"plugin = faulty\n"
			"events = 1\n"
			"fail = true\n"
			"complete_fails = true\n"
			"message = cannot reach " + secretUrl(_port, "/v1") + " (refused)\n"
			"[mcp.ghost]\n"
			"command = nash-no-such-mcp-server\n"
			"args = --token tok-SECRET-123\n"
			"env.API_KEY = env-SECRET-456\n"
			"[mcp.quitter]\n"
			"command = sh\n"
			"args = -c \"exit 3\" --token tok-SECRET-123\n"
			"env.API_KEY = env-SECRET-456\n"
			"[mcp.remote]\n"
			"url = " + secretUrl(_port, "/mcp") + "\n"
			"request_timeout = 5\n");
	}

	void tearDown() override
	{
		_server.reset();
	}

	void testHealthShowsNoCredentials()
	{
		// Every MCP server has failed at least once when it has a lastError.
		std::string body = healthOnceMcpFailed({"ghost", "quitter", "remote"});
		assertNoSecret("/health", body);

		auto health = HttpTestClient(_server->port()).get("/health").json();
		auto misconfigured = find(health->getArray("backends"), "misconfigured");
		CPPUNIT_ASSERT(misconfigured);
		CPPUNIT_ASSERT(!misconfigured->getValue<bool>("available"));
		std::string error = misconfigured->getValue<std::string>("error");
		assertContains("the backend's error", error, "http://***@127.0.0.1:" + std::to_string(_port) + "/v1?api_key=***");

		auto servers = health->getArray("mcp_servers");
		std::string ghost = find(servers, "ghost")->getValue<std::string>("lastError");
		assertContains("ghost's lastError", ghost, "nash-no-such-mcp-server");
		assertContains("ghost's lastError", ghost, "2 arguments hidden; set show_args = true to show them");
		std::string quitter = find(servers, "quitter")->getValue<std::string>("lastError");
		assertContains("quitter's lastError", quitter, "command line: sh (4 arguments hidden; set show_args = true to show them)");
		std::string remote = find(servers, "remote")->getValue<std::string>("lastError");
		if (pluginLoaded(health, "mcp_http")) assertContains("remote's lastError", remote, "127.0.0.1");
		assertNoSecret("/health after MCP calls", HttpTestClient(_server->port()).get("/health").body);
	}

	void testBackendErrorAnswersShowNoCredentials()
	{
		std::string port = std::to_string(_port);
		// The backend whose configuration failed: 503 before any stream.
		auto result = client().post("/v1/chat/completions/stream", chat("misconfigured"));
		CPPUNIT_ASSERT_EQUAL(503, result.status);
		assertNoSecret("the 503", result.body);
		assertContains("the 503", result.body, "127.0.0.1:" + port);

		// The real openai plugin, its upstream not listening: an error event.
		result = client().post("/v1/chat/completions/stream", chat("remote/gpt-test"));
		CPPUNIT_ASSERT_EQUAL(200, result.status);
		assertNoSecret("the stream of 'remote'", result.body);
		assertContains("the stream of 'remote'", result.body, "\"error\"");
		assertContains("the stream of 'remote'", result.body, "127.0.0.1:" + port);

		// A backend whose own message quotes the URL.
		result = client().post("/v1/chat/completions/stream", chat("failing"));
		CPPUNIT_ASSERT_EQUAL(200, result.status);
		assertNoSecret("the stream of 'failing'", result.body);
		assertContains("the stream of 'failing'", result.body, "http://***@127.0.0.1:" + port + "/v1?api_key=***");

		result = client().post("/v1/chat/summarize", chat("failing"));
		CPPUNIT_ASSERT_EQUAL(502, result.status);
		assertNoSecret("the summary's 502", result.body);
		assertContains("the summary's 502", result.body, "127.0.0.1:" + port);
	}

	void testMcpErrorAnswersHideArguments()
	{
		auto result = client().post("/v1/mcp/list_tools", "{\"server\": \"ghost\"}");
		CPPUNIT_ASSERT_EQUAL(503, result.status);
		assertNoSecret("ghost's 503", result.body);
		assertContains("ghost's 503", result.body, "nash-no-such-mcp-server");
		assertContains("ghost's 503", result.body, "2 arguments hidden");

		result = client().post("/v1/mcp/call_tool", "{\"server\": \"quitter\", \"tool_name\": \"any\"}");
		CPPUNIT_ASSERT_EQUAL(503, result.status);
		assertNoSecret("quitter's 503", result.body);
		assertContains("quitter's 503", result.body, "sh (4 arguments hidden");

		result = client().post("/v1/mcp/ping", "{\"server\": \"remote\"}");
		CPPUNIT_ASSERT(result.status >= 500);
		assertNoSecret("remote's error", result.body);

		// All servers at once: one list, every failure hidden alike.
		result = client().post("/v1/mcp/list_tools", "{}");
		assertNoSecret("list_tools of all", result.body);
	}

	void testLogShowsNoSecrets()
	{
		healthOnceMcpFailed({"ghost", "quitter", "remote"});
		client().post("/v1/chat/completions/stream", chat("failing"));
		client().post("/v1/chat/completions/stream", chat("remote/gpt-test"));
		client().post("/v1/mcp/list_tools", "{\"server\": \"quitter\"}");
		_server->stop();
		std::string output = _server->output();
		for (const char* secret: {"s3cretpw", "tok-SECRET-123", "env-SECRET-456", "sk-backend-KEY-789"})
		{
			CPPUNIT_ASSERT_MESSAGE(std::string("the log shows ") + secret + ":\n" + output, output.find(secret) == std::string::npos);
		}
		CPPUNIT_ASSERT_MESSAGE(output, output.find("api_key=k3y") == std::string::npos);
	}

	void testShowArgsShowsArguments()
	{
		start(
			"[mcp.ghost]\n"
			"command = nash-no-such-mcp-server\n"
			"args = --token tok-SECRET-123\n"
			"env.API_KEY = env-SECRET-456\n"
			"show_args = true\n"
			"[mcp.quitter]\n"
			"command = sh\n"
			"args = -c \"exit 3\" --token tok-SECRET-123\n"
			"env.API_KEY = env-SECRET-456\n"
			"show_args = true\n");
		auto result = client().post("/v1/mcp/list_tools", "{\"server\": \"ghost\"}");
		CPPUNIT_ASSERT_EQUAL(503, result.status);
		assertContains("ghost's 503", result.body, "nash-no-such-mcp-server --token tok-SECRET-123");
		result = client().post("/v1/mcp/list_tools", "{\"server\": \"quitter\"}");
		CPPUNIT_ASSERT_EQUAL(503, result.status);
		assertContains("quitter's 503", result.body, "sh -c 'exit 3' --token tok-SECRET-123");

		std::string health = healthOnceMcpFailed({"ghost", "quitter"});
		assertContains("/health", health, "nash-no-such-mcp-server --token tok-SECRET-123");
		assertContains("/health", health, "sh -c 'exit 3' --token tok-SECRET-123");
		// The environment is never shown.
		CPPUNIT_ASSERT_MESSAGE(health, health.find("env-SECRET-456") == std::string::npos);
		CPPUNIT_ASSERT(_server->output().find("env-SECRET-456") == std::string::npos);
	}

private:
	void start(const std::string& sections)
	{
		NashTest::ServerProcess::Options options;
		options.iniText =
			"[plugins]\n"
			"path = " + NashTest::testPluginDir() + ", " + NashTest::pluginDir() + "\n"
			"[mcp.demo]\n"
			"enabled = false\n" + sections;
		_server.reset(new NashTest::ServerProcess(options));
		_server->start();
	}

	HttpTestClient client() const
	{
		return HttpTestClient(_server->port());
	}

	static std::string chat(const std::string& model)
	{
		return "{\"messages\": [{\"role\": \"user\", \"content\": \"x\"}], \"model\": \"" + model + "\"}";
	}

	static Poco::JSON::Object::Ptr find(const Poco::JSON::Array::Ptr& items, const std::string& name)
	{
		for (std::size_t i = 0; i < items->size(); ++i)
		{
			auto item = items->getObject(static_cast<unsigned>(i));
			if (item && item->getValue<std::string>("name") == name) return item;
		}
		return nullptr;
	}

	static bool pluginLoaded(const Poco::JSON::Object::Ptr& health, const std::string& name)
	{
		auto plugin = find(health->getArray("plugins"), name);
		return plugin && plugin->getValue<bool>("loaded");
	}

	std::string healthOnceMcpFailed(const std::vector<std::string>& names) const
		/// /health's body once each named server reports a lastError (they
		/// connect in the background after the start).
	{
		auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
		for (;;)
		{
			auto result = client().get("/health");
			auto servers = result.json()->getArray("mcp_servers");
			bool all = true;
			for (const auto& name: names)
			{
				auto server = find(servers, name);
				CPPUNIT_ASSERT_MESSAGE("no MCP server " + name + " in " + result.body, server);
				if (server->isNull("lastError")) all = false;
			}
			if (all) return result.body;
			CPPUNIT_ASSERT_MESSAGE("the MCP servers did not fail in time: " + result.body, std::chrono::steady_clock::now() < deadline);
			std::this_thread::sleep_for(std::chrono::milliseconds(100));
		}
	}

	int _port = 0;
	std::unique_ptr<NashTest::ServerProcess> _server;
};


CPPUNIT_TEST_SUITE_REGISTRATION(SecretsTest);
