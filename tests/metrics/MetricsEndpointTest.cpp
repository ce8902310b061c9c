//
// MetricsEndpointTest.cpp
//
// GET /metrics of the real server after known traffic: streams in two
// dialects, an upstream failure, a stream its client left, an MCP tool call
// and refused requests; the page checked by promtool; the Server-Timing
// header and the JSON access log.
//


#include "HttpTestClient.h"
#include "MetricsPage.h"
#include "ServerProcess.h"
#include "TestEnvironment.h"
#include "Poco/Environment.h"
#include "Poco/JSON/Parser.h"
#include "Poco/Path.h"
#include "Poco/Pipe.h"
#include "Poco/PipeStream.h"
#include "Poco/Process.h"
#include "Poco/StreamCopier.h"
#include <chrono>
#include <cppunit/extensions/HelperMacros.h>
#include <sstream>
#include <thread>


using NashTest::HttpTestClient;
using NashTest::MetricsPage;
using NashTest::ServerProcess;


namespace {


std::string chatBody(const std::string& model, bool stream, const std::string& text = "hello there")
{
	return "{\"model\": \"" + model + "\", \"stream\": " + (stream ? "true" : "false") + ", \"messages\": [{\"role\": \"user\", \"content\": \"" + text +
		"\"}]}";
}


std::string promtool()
{
	Poco::Path path;
	if (Poco::Path::find(Poco::Environment::get("PATH", "/usr/bin:/bin"), "promtool", path)) return path.toString();
	return std::string();
}


} // namespace


class MetricsEndpointTest: public CppUnit::TestFixture
{
	CPPUNIT_TEST_SUITE(MetricsEndpointTest);
	CPPUNIT_TEST(testCountsAfterKnownTraffic);
	CPPUNIT_TEST(testTokensProtectThePage);
	CPPUNIT_TEST(testSwitchedOff);
	CPPUNIT_TEST(testJsonAccessLog);
	CPPUNIT_TEST_SUITE_END();

public:
	void setUp() override
	{
		ServerProcess::Options upstream;
		upstream.binary = NASH_FAKE_UPSTREAM_BINARY;
		_upstream.reset(new ServerProcess(upstream));
		_upstream->start();
		_base = "http://127.0.0.1:" + std::to_string(_upstream->port());
	}

	void tearDown() override
	{
		_upstream.reset();
	}

	void testCountsAfterKnownTraffic()
	{
		ServerProcess server(options(""));
		server.start();
		HttpTestClient client(server.port());

		// A whole answer: Server-Timing tells the upstream's share and ours.
		auto whole = client.post("/v1/chat/completions", chatBody("up/gpt-test", false));
		CPPUNIT_ASSERT_EQUAL_MESSAGE(whole.body, 200, whole.status);
		std::string timing = whole.headers.get("Server-Timing", "");
		CPPUNIT_ASSERT_MESSAGE(timing, timing.find("upstream;dur=") == 0);
		CPPUNIT_ASSERT_MESSAGE(timing, timing.find(", overhead;dur=") != std::string::npos);

		// Streams in two dialects; a stream has no Server-Timing (its head
		// leaves before the upstream answered).
		auto streamed = client.post("/v1/chat/completions", chatBody("up/gpt-test", true));
		CPPUNIT_ASSERT_EQUAL_MESSAGE(streamed.body, 200, streamed.status);
		CPPUNIT_ASSERT(!streamed.headers.has("Server-Timing"));
		auto original = client.post("/v1/chat/completions/stream", chatBody("up/gpt-test", true));
		CPPUNIT_ASSERT_EQUAL_MESSAGE(original.body, 200, original.status);
		CPPUNIT_ASSERT_MESSAGE(original.body, original.body.find("{\"content\": \" openai:\"}") != std::string::npos);

		// The upstream fails: 500 twice (one retry), then the answer is 502.
		auto failed = client.post("/v1/chat/completions", chatBody("up/fault-500", false));
		CPPUNIT_ASSERT_EQUAL_MESSAGE(failed.body, 502, failed.status);

		// A client leaves a slow stream after its first event.
		auto stream = client.openStream("/v1/chat/completions/stream", chatBody("slow/echo", true, "one two three four five six seven eight"));
		std::string data;
		CPPUNIT_ASSERT(stream->nextEvent(data));
		stream->disconnect();

		// A tool of the demo MCP server.
		auto tool = client.post("/v1/mcp/call_tool", "{\"tool_name\": \"add\", \"args\": {\"a\": 2, \"b\": 40}}");
		CPPUNIT_ASSERT_EQUAL_MESSAGE(tool.body, 200, tool.status);

		// Refused: a foreign Host, a request that is not HTTP.
		auto foreign = client.request("GET", "/v1/models", "", "", {{"Host", "evil.example"}});
		CPPUNIT_ASSERT_EQUAL(421, foreign.status);
		client.raw("GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\nNo colon here\r\n\r\n", 5000);

		MetricsPage page = scrapeWhenStreamsClosed(client);
		using L = MetricsPage::Labels;
		CPPUNIT_ASSERT_EQUAL(2.0, page.value("nash_http_requests_total", L{{"route", "/v1/chat/completions"}, {"dialect", "openai"}, {"status", "2xx"}}));
		CPPUNIT_ASSERT_EQUAL(1.0, page.value("nash_http_requests_total", L{{"route", "/v1/chat/completions"}, {"dialect", "openai"}, {"status", "5xx"}}));
		CPPUNIT_ASSERT_EQUAL(2.0, page.value("nash_http_requests_total", L{{"route", "/v1/chat/completions/stream"}, {"dialect", "nash"}, {"status", "2xx"}}));
		CPPUNIT_ASSERT_EQUAL(1.0, page.value("nash_http_requests_total", L{{"route", "/v1/mcp/{}"}, {"dialect", "nash"}, {"status", "2xx"}}));
		CPPUNIT_ASSERT_EQUAL(3.0, page.value("nash_http_request_duration_seconds_count", L{{"route", "/v1/chat/completions"}}));
		CPPUNIT_ASSERT_EQUAL(3.0, page.value("nash_gateway_overhead_seconds_count", L{{"route", "/v1/chat/completions"}}));
		// The overhead of a proxied request is well under its whole time.
		CPPUNIT_ASSERT(page.value("nash_gateway_overhead_seconds_sum", L{{"route", "/v1/chat/completions"}}) <
			page.value("nash_http_request_duration_seconds_sum", L{{"route", "/v1/chat/completions"}}));
		// Time to first event: streams only, by backend.
		CPPUNIT_ASSERT_EQUAL(1.0, page.value("nash_time_to_first_event_seconds_count", L{{"dialect", "openai"}, {"backend", "up"}}));
		CPPUNIT_ASSERT_EQUAL(1.0, page.value("nash_time_to_first_event_seconds_count", L{{"dialect", "nash"}, {"backend", "slow"}}));
		CPPUNIT_ASSERT_EQUAL(0.0, page.value("nash_open_streams"));
		CPPUNIT_ASSERT(page.value("nash_open_connections") >= 1);

		// Tokens as the upstream reported them, under the configured model.
		CPPUNIT_ASSERT(page.value("nash_tokens_total", L{{"backend", "up"}, {"model", "gpt-test"}, {"direction", "input"}}) > 0);
		CPPUNIT_ASSERT(page.value("nash_tokens_total", L{{"backend", "up"}, {"model", "gpt-test"}, {"direction", "output"}}) > 0);

		// The upstream: 3 answered calls and 2 attempts of the failing one;
		// the pool reused its connection; one status failure after a retry.
		CPPUNIT_ASSERT_EQUAL(5.0, page.value("nash_upstream_requests_total", L{{"backend", "up"}}));
		CPPUNIT_ASSERT_EQUAL(1.0, page.value("nash_upstream_retries_total", L{{"backend", "up"}}));
		CPPUNIT_ASSERT_EQUAL(1.0, page.value("nash_upstream_errors_total", L{{"backend", "up"}, {"kind", "status"}}));
		CPPUNIT_ASSERT_EQUAL(1.0, page.value("nash_upstream_errors_total", L{{"backend", "up"}}));
		CPPUNIT_ASSERT(page.value("nash_upstream_connections_total", L{{"backend", "up"}, {"state", "reused"}}) >= 1);
		CPPUNIT_ASSERT_EQUAL(5.0, page.value("nash_upstream_connections_total", L{{"backend", "up"}}));
		CPPUNIT_ASSERT_EQUAL(5.0, page.value("nash_upstream_time_to_first_byte_seconds_count", L{{"backend", "up"}}));

		// MCP: the call and its tool, by name.
		CPPUNIT_ASSERT_EQUAL(1.0, page.value("nash_mcp_calls_total", L{{"server", "demo"}, {"method", "tools/call"}, {"outcome", "ok"}}));
		CPPUNIT_ASSERT_EQUAL(1.0, page.value("nash_mcp_tool_calls_total", L{{"server", "demo"}, {"tool", "add"}, {"outcome", "ok"}}));
		CPPUNIT_ASSERT_EQUAL(1.0, page.value("nash_mcp_call_duration_seconds_count", L{{"server", "demo"}, {"method", "tools/call"}}));

		CPPUNIT_ASSERT_EQUAL(1.0, page.value("nash_refused_requests_total", L{{"reason", "host"}}));
		CPPUNIT_ASSERT_EQUAL(1.0, page.value("nash_refused_requests_total", L{{"reason", "malformed"}}));
		CPPUNIT_ASSERT_EQUAL(0.0, page.value("nash_refused_requests_total", L{{"reason", "auth"}}));

		CPPUNIT_ASSERT(page.has("nash_build_info", L{{"sdk_version", "2"}}));
		CPPUNIT_ASSERT(page.has("nash_plugin_info", L{{"plugin", "openai"}, {"kind", "model-backend"}}));
		CPPUNIT_ASSERT(page.has("nash_plugin_info", L{{"plugin", "mcp_stdio"}, {"kind", "mcp-transport"}}));

		// Nothing a client sent names a series: not its session, not its text.
		std::string text = client.get("/metrics").body;
		CPPUNIT_ASSERT(text.find("hello there") == std::string::npos);
		CPPUNIT_ASSERT(text.find("evil.example") == std::string::npos);

		checkWithPromtool(text);
	}

	void testTokensProtectThePage()
	{
		ServerProcess server(options("[auth]\ntokens = metrics-token-0123456789\n"));
		server.start();
		HttpTestClient client(server.port());
		CPPUNIT_ASSERT_EQUAL(401, client.get("/metrics").status);
		auto page = client.request("GET", "/metrics", "", "", {{"Authorization", "Bearer metrics-token-0123456789"}});
		CPPUNIT_ASSERT_EQUAL_MESSAGE(page.body, 200, page.status);
		CPPUNIT_ASSERT_EQUAL(std::string("text/plain; version=0.0.4; charset=utf-8"), page.headers.get("Content-Type"));
		CPPUNIT_ASSERT_EQUAL(1.0, MetricsPage(page.body).value("nash_refused_requests_total", {{"reason", "auth"}}));
	}

	void testSwitchedOff()
	{
		ServerProcess server(options("[metrics]\nenabled = false\n"));
		server.start();
		HttpTestClient client(server.port());
		CPPUNIT_ASSERT_EQUAL(200, client.post("/v1/chat/completions", chatBody("up/gpt-test", false)).status);
		auto page = client.get("/metrics");
		CPPUNIT_ASSERT_EQUAL(404, page.status);
		CPPUNIT_ASSERT(page.body.find("[metrics] enabled") != std::string::npos);
	}

	void testJsonAccessLog()
	{
		ServerProcess server(options("[logging]\naccess_format = json\n"));
		server.start();
		HttpTestClient client(server.port());
		CPPUNIT_ASSERT_EQUAL(200, client.post("/v1/chat/completions", chatBody("up/gpt-test", true)).status);
		client.raw("GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\nNo colon here\r\n\r\n", 5000);
		CPPUNIT_ASSERT(server.waitForOutput("\"outcome\": \"refused\""));
		// A relayed stream's line is written once its last chunk has left, so
		// it may follow the refusal of the next connection.
		CPPUNIT_ASSERT_MESSAGE(server.output(), server.waitForOutput("\"path\": \"/v1/chat/completions\""));

		Poco::JSON::Object::Ptr stream;
		Poco::JSON::Object::Ptr refused;
		std::istringstream lines(server.output());
		std::string line;
		while (std::getline(lines, line))
		{
			if (line.find("nash.access: ") == std::string::npos) continue;
			std::string json = line.substr(line.find("nash.access: ") + 13);
			auto object = Poco::JSON::Parser().parse(json).extract<Poco::JSON::Object::Ptr>();
			if (object->optValue<std::string>("route", "") == "/v1/chat/completions") stream = object;
			if (object->optValue<std::string>("outcome", "") == "refused") refused = object;
		}
		CPPUNIT_ASSERT_MESSAGE(server.output(), stream);
		CPPUNIT_ASSERT_EQUAL(std::string("POST"), stream->getValue<std::string>("method"));
		CPPUNIT_ASSERT_EQUAL(std::string("openai"), stream->getValue<std::string>("dialect"));
		CPPUNIT_ASSERT_EQUAL(200, stream->getValue<int>("status"));
		CPPUNIT_ASSERT_EQUAL(std::string("up"), stream->getValue<std::string>("backend"));
		CPPUNIT_ASSERT_EQUAL(std::string("done"), stream->getValue<std::string>("outcome"));
		for (const char* key: {"time", "duration_ms", "ttfe_ms", "upstream_ms", "overhead_ms", "session", "input_tokens", "output_tokens"})
			CPPUNIT_ASSERT_MESSAGE(key, stream->has(key));
		CPPUNIT_ASSERT(stream->getValue<double>("overhead_ms") <= stream->getValue<double>("duration_ms"));
		CPPUNIT_ASSERT_MESSAGE(server.output(), refused);
		CPPUNIT_ASSERT_EQUAL(400, refused->getValue<int>("status"));
	}

private:
	ServerProcess::Options options(const std::string& more)
	{
		ServerProcess::Options options;
		options.iniText =
			"[plugins]\n"
			"path = " + NashTest::pluginDir() + "\n"
			"[backend.up]\n"
			"plugin = openai\n"
			"base_url = " + _base + "/v1\n"
			"api_key = sk-test-metrics\n"
			"models = gpt-test, fault-500\n"
			"max_retries = 1\n"
			"retry_base_delay_ms = 10\n"
			"[backend.slow]\n"
			"plugin = echo\n"
			"delay_ms = 200\n" + more;
		return options;
	}

	static MetricsPage scrapeWhenStreamsClosed(HttpTestClient& client)
	{
		// The server learns that a client left at its next write or poll.
		auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
		while (true)
		{
			auto result = client.get("/metrics");
			CPPUNIT_ASSERT_EQUAL_MESSAGE(result.body, 200, result.status);
			MetricsPage page(result.body);
			if (page.value("nash_open_streams") == 0 && page.value("nash_http_requests_total", {{"route", "/v1/chat/completions/stream"}}) >= 2)
				return page;
			CPPUNIT_ASSERT_MESSAGE("the stream its client left is still counted open", std::chrono::steady_clock::now() < deadline);
			std::this_thread::sleep_for(std::chrono::milliseconds(50));
		}
	}

	static void checkWithPromtool(const std::string& text)
	{
		std::string tool = promtool();
		CPPUNIT_ASSERT_MESSAGE("promtool (Debian's prometheus package) is needed: bash tools/setup-deps.sh --tests", !tool.empty());
		Poco::Pipe in;
		Poco::Pipe out;
		Poco::ProcessHandle process = Poco::Process::launch(tool, {"check", "metrics"}, &in, &out, &out);
		{
			Poco::PipeOutputStream input(in);
			input << text;
		}
		in.close(Poco::Pipe::CLOSE_WRITE);
		Poco::PipeInputStream output(out);
		std::string report;
		Poco::StreamCopier::copyToString(output, report);
		int status = process.wait();
		CPPUNIT_ASSERT_EQUAL_MESSAGE(report, 0, status);
	}

	std::unique_ptr<ServerProcess> _upstream;
	std::string _base;
};


CPPUNIT_TEST_SUITE_REGISTRATION(MetricsEndpointTest);
