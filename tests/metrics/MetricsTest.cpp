//
// MetricsTest.cpp
//
// The metrics on their own: what a request, a refusal, an upstream exchange
// and an MCP call add to the page; the request meter's overhead; the sink
// that takes the server's own time off a backend call.
//


#include "MetricsPage.h"
#include "core/chat/MeteredSink.h"
#include "core/mcp/McpObserver.h"
#include "core/metrics/Metrics.h"
#include "core/metrics/RequestMeter.h"
#include "NashUpstream/UpstreamObserver.h"
#include <cppunit/extensions/HelperMacros.h>
#include <fstream>
#include <regex>
#include <set>
#include <sstream>
#include <thread>


using NashTest::MetricsPage;
using Nash::Metrics;
using L = MetricsPage::Labels;


namespace {


class SlowSink: public Nash::ChatEventSink, public NashUpstream::UpstreamHeadObserver
	/// A client that takes 20 ms for each event, and watches upstream heads.
{
public:
	void content(const std::string& text) override
	{
		std::this_thread::sleep_for(std::chrono::milliseconds(20));
		received += text;
	}

	void toolCallDelta(const Nash::ToolCallDelta&) override
	{
	}

	void usage(const Nash::Usage&) override
	{
	}

	void finish(const std::string&) override
	{
	}

	void upstreamHead(int status, const Poco::Net::NameValueCollection&) override
	{
		headStatus = status;
	}

	std::string received;
	int headStatus = 0;
};


} // namespace


class MetricsTest: public CppUnit::TestFixture
{
	CPPUNIT_TEST_SUITE(MetricsTest);
	CPPUNIT_TEST(testRequestsByRouteDialectAndStatusClass);
	CPPUNIT_TEST(testTokensUnderTheModelLabel);
	CPPUNIT_TEST(testEveryRefusalReasonFromTheStart);
	CPPUNIT_TEST(testUpstreamCountsPerBackend);
	CPPUNIT_TEST(testMcpCounts);
	CPPUNIT_TEST(testOpenStreamsAndConnections);
	CPPUNIT_TEST(testOverheadIsNeverNegative);
	CPPUNIT_TEST(testMeteredSinkTakesOffTheServersTime);
	CPPUNIT_TEST(testDashboardNamesOnlyMetricsThatExist);
	CPPUNIT_TEST_SUITE_END();

public:
	void testRequestsByRouteDialectAndStatusClass()
	{
		Metrics metrics;
		Metrics::Request request;
		request.route = "/v1/messages";
		request.dialect = "anthropic";
		request.status = 200;
		request.seconds = 0.5;
		request.overheadSeconds = 0.0002;
		metrics.request(request);
		request.status = 529;
		metrics.request(request);
		request.route = "/health";
		request.dialect.clear();
		request.status = 200;
		metrics.request(request);

		MetricsPage page(metrics.scrape());
		CPPUNIT_ASSERT_EQUAL(1.0, page.value("nash_http_requests_total", L{{"route", "/v1/messages"}, {"dialect", "anthropic"}, {"status", "2xx"}}));
		CPPUNIT_ASSERT_EQUAL(1.0, page.value("nash_http_requests_total", L{{"route", "/v1/messages"}, {"status", "5xx"}}));
		CPPUNIT_ASSERT_EQUAL(1.0, page.value("nash_http_requests_total", L{{"route", "/health"}, {"dialect", "none"}}));
		CPPUNIT_ASSERT_EQUAL(2.0, page.value("nash_http_request_duration_seconds_count", L{{"route", "/v1/messages"}}));
		// 200 µs falls in the 250 µs bucket, not the 100 µs one.
		CPPUNIT_ASSERT_EQUAL(0.0, page.value("nash_gateway_overhead_seconds_bucket", L{{"route", "/v1/messages"}, {"le", "0.0001"}}));
		CPPUNIT_ASSERT_EQUAL(2.0, page.value("nash_gateway_overhead_seconds_bucket", L{{"route", "/v1/messages"}, {"le", "0.00025"}}));
		// No stream, no time to first event.
		CPPUNIT_ASSERT(!page.has("nash_time_to_first_event_seconds_count"));
		CPPUNIT_ASSERT_EQUAL(std::string("4xx"), Metrics::statusClass(404));
		CPPUNIT_ASSERT_EQUAL(std::string("other"), Metrics::statusClass(0));
	}

	void testTokensUnderTheModelLabel()
	{
		Metrics metrics;
		Metrics::Request request;
		request.route = "/v1/chat/completions";
		request.dialect = "openai";
		request.status = 200;
		request.backend = "local";
		request.model = "llama3";
		request.inputTokens = 12;
		request.outputTokens = 30;
		metrics.request(request);
		request.model.clear();
		request.outputTokens = 0;
		metrics.request(request);

		MetricsPage page(metrics.scrape());
		CPPUNIT_ASSERT_EQUAL(12.0, page.value("nash_tokens_total", L{{"backend", "local"}, {"model", "llama3"}, {"direction", "input"}}));
		CPPUNIT_ASSERT_EQUAL(30.0, page.value("nash_tokens_total", L{{"backend", "local"}, {"model", "llama3"}, {"direction", "output"}}));
		CPPUNIT_ASSERT_EQUAL(12.0, page.value("nash_tokens_total", L{{"backend", "local"}, {"model", "other"}, {"direction", "input"}}));
		CPPUNIT_ASSERT(!page.has("nash_tokens_total", L{{"model", "other"}, {"direction", "output"}}));
	}

	void testEveryRefusalReasonFromTheStart()
	{
		Metrics metrics;
		metrics.refused(Metrics::Refusal::Auth);
		metrics.refused(Metrics::Refusal::Auth);
		MetricsPage page(metrics.scrape());
		CPPUNIT_ASSERT_EQUAL(8u, static_cast<unsigned>(page.labelsOf("nash_refused_requests_total").size()));
		CPPUNIT_ASSERT_EQUAL(2.0, page.value("nash_refused_requests_total", L{{"reason", "auth"}}));
		CPPUNIT_ASSERT(page.has("nash_refused_requests_total", L{{"reason", "connection_limit"}}));
		CPPUNIT_ASSERT_EQUAL(0.0, page.value("nash_refused_requests_total", L{{"reason", "origin"}}));
	}

	void testUpstreamCountsPerBackend()
	{
		Metrics metrics;
		NashUpstream::UpstreamObserver& a = metrics.upstream("a");
		CPPUNIT_ASSERT(&a == &metrics.upstream("a"));
		a.upstreamRequest();
		a.upstreamConnection(false);
		a.upstreamFirstByte(0.2);
		a.upstreamRequest();
		a.upstreamConnection(true);
		a.upstreamRetry();
		a.upstreamFailure(NashUpstream::UpstreamObserver::Failure::Cut);
		metrics.upstream("b").upstreamFailure(NashUpstream::UpstreamObserver::Failure::Timeout);

		MetricsPage page(metrics.scrape());
		CPPUNIT_ASSERT_EQUAL(2.0, page.value("nash_upstream_requests_total", L{{"backend", "a"}}));
		CPPUNIT_ASSERT_EQUAL(1.0, page.value("nash_upstream_connections_total", L{{"backend", "a"}, {"state", "reused"}}));
		CPPUNIT_ASSERT_EQUAL(1.0, page.value("nash_upstream_connections_total", L{{"backend", "a"}, {"state", "opened"}}));
		CPPUNIT_ASSERT_EQUAL(1.0, page.value("nash_upstream_retries_total", L{{"backend", "a"}}));
		CPPUNIT_ASSERT_EQUAL(1.0, page.value("nash_upstream_errors_total", L{{"backend", "a"}, {"kind", "cut"}}));
		CPPUNIT_ASSERT_EQUAL(0.0, page.value("nash_upstream_errors_total", L{{"backend", "a"}, {"kind", "timeout"}}));
		CPPUNIT_ASSERT_EQUAL(1.0, page.value("nash_upstream_errors_total", L{{"backend", "b"}, {"kind", "timeout"}}));
		CPPUNIT_ASSERT_EQUAL(1.0, page.value("nash_upstream_time_to_first_byte_seconds_count", L{{"backend", "a"}}));
		CPPUNIT_ASSERT_EQUAL(0.0, page.value("nash_upstream_time_to_first_byte_seconds_bucket", L{{"backend", "a"}, {"le", "0.1"}}));
		CPPUNIT_ASSERT_EQUAL(1.0, page.value("nash_upstream_time_to_first_byte_seconds_bucket", L{{"backend", "a"}, {"le", "0.25"}}));
	}

	void testMcpCounts()
	{
		Metrics metrics;
		metrics.mcp().mcpCall("files", "tools/call", "ok", 0.03);
		metrics.mcp().mcpCall("files", "tools/call", "timeout", 30);
		metrics.mcp().mcpRestart("files");
		metrics.mcp().mcpToolCall("files", "read_file", "tool_error");
		metrics.toolLoopRound("app");

		MetricsPage page(metrics.scrape());
		CPPUNIT_ASSERT_EQUAL(1.0, page.value("nash_mcp_calls_total", L{{"server", "files"}, {"method", "tools/call"}, {"outcome", "ok"}}));
		CPPUNIT_ASSERT_EQUAL(2.0, page.value("nash_mcp_call_duration_seconds_count", L{{"server", "files"}}));
		CPPUNIT_ASSERT_EQUAL(1.0, page.value("nash_mcp_server_restarts_total", L{{"server", "files"}}));
		CPPUNIT_ASSERT_EQUAL(1.0, page.value("nash_mcp_tool_calls_total", L{{"tool", "read_file"}, {"outcome", "tool_error"}}));
		CPPUNIT_ASSERT_EQUAL(1.0, page.value("nash_tool_loop_rounds_total", L{{"dialect", "app"}}));
	}

	void testOpenStreamsAndConnections()
	{
		Metrics metrics;
		metrics.streamOpened();
		metrics.streamOpened();
		metrics.streamClosed();
		std::size_t connections = 7;
		metrics.countConnectionsWith([&connections] { return connections; });
		MetricsPage page(metrics.scrape());
		CPPUNIT_ASSERT_EQUAL(1.0, page.value("nash_open_streams"));
		CPPUNIT_ASSERT_EQUAL(7.0, page.value("nash_open_connections"));
		connections = 3;
		CPPUNIT_ASSERT_EQUAL(3.0, MetricsPage(metrics.scrape()).value("nash_open_connections"));
	}

	void testOverheadIsNeverNegative()
	{
		Nash::RequestMeter meter;
		CPPUNIT_ASSERT(!meter.waited());
		CPPUNIT_ASSERT_EQUAL(Poco::Timestamp::TimeDiff(1000), meter.overheadMicros(1000));
		// Two waits side by side add up to more than the request took.
		meter.addWait(800);
		meter.addWait(700);
		CPPUNIT_ASSERT(meter.waited());
		CPPUNIT_ASSERT_EQUAL(Poco::Timestamp::TimeDiff(0), meter.overheadMicros(1000));
		CPPUNIT_ASSERT_EQUAL(Poco::Timestamp::TimeDiff(500), meter.overheadMicros(2000));
		meter.addTokens(-1, 5);
		CPPUNIT_ASSERT_EQUAL(0LL, meter.inputTokens());
		CPPUNIT_ASSERT_EQUAL(5LL, meter.outputTokens());
	}

	void testMeteredSinkTakesOffTheServersTime()
	{
		Nash::RequestMeter meter;
		SlowSink client;
		{
			Nash::MeteredSink sink(client, &meter);
			Nash::RequestMeter::Wait wait(&meter);
			// The backend: 30 ms waiting on its upstream, then three events
			// the client takes 60 ms for in all.
			std::this_thread::sleep_for(std::chrono::milliseconds(30));
			sink.upstreamHead(200, Poco::Net::NameValueCollection());
			sink.content("a");
			sink.content("b");
			Nash::Usage usage;
			usage.promptTokens = 10;
			sink.usage(usage);
			usage.promptTokens.clear();
			usage.completionTokens = 4;
			sink.usage(usage);
			sink.content("c");
		}
		CPPUNIT_ASSERT_EQUAL(std::string("abc"), client.received);
		CPPUNIT_ASSERT_EQUAL(200, client.headStatus);
		// The last count of each kind holds.
		CPPUNIT_ASSERT_EQUAL(10LL, meter.inputTokens());
		CPPUNIT_ASSERT_EQUAL(4LL, meter.outputTokens());
		// About 30 ms of waiting; the 60 ms in the client are not in it.
		CPPUNIT_ASSERT_MESSAGE(std::to_string(meter.waitMicros()), meter.waitMicros() >= 29000);
		CPPUNIT_ASSERT_MESSAGE(std::to_string(meter.waitMicros()), meter.waitMicros() < 55000);
	}

	void testDashboardNamesOnlyMetricsThatExist()
	{
		// A family without a series is not on the page: one of each.
		Metrics metrics;
		Metrics::Request request;
		request.route = "/v1/messages";
		request.status = 200;
		request.overheadSeconds = 0.001;
		request.firstEventSeconds = 0.1;
		request.backend = "b";
		request.inputTokens = 1;
		metrics.request(request);
		metrics.upstream("b");
		metrics.mcp().mcpCall("s", "tools/call", "ok", 0.1);
		metrics.mcp().mcpRestart("s");
		metrics.mcp().mcpToolCall("s", "t", "ok");
		metrics.toolLoopRound("app");
		metrics.plugin("echo", "model-backend");
		std::string page = metrics.scrape();
		std::set<std::string> families;
		std::istringstream lines(page);
		std::string line;
		while (std::getline(lines, line))
		{
			if (line.compare(0, 7, "# TYPE ") == 0) families.insert(line.substr(7, line.find(' ', 7) - 7));
		}
		CPPUNIT_ASSERT(families.count("nash_mcp_server_restarts_total"));

		std::ifstream file(std::string(NASH_SOURCE_DIR) + "/etc/grafana/nash-llm-server.json");
		CPPUNIT_ASSERT(file.good());
		std::string dashboard((std::istreambuf_iterator<char>(file)), std::istreambuf_iterator<char>());
		std::regex name("nash_[a-z_]+");
		std::set<std::string> named;
		for (auto it = std::sregex_iterator(dashboard.begin(), dashboard.end(), name); it != std::sregex_iterator(); ++it)
		{
			std::string metric = it->str();
			for (const char* suffix: {"_bucket", "_sum", "_count"})
			{
				std::string tail(suffix);
				if (metric.size() > tail.size() && metric.compare(metric.size() - tail.size(), tail.size(), tail) == 0 &&
					families.count(metric.substr(0, metric.size() - tail.size())))
					metric.erase(metric.size() - tail.size());
			}
			named.insert(metric);
		}
		CPPUNIT_ASSERT(named.size() >= 15);
		for (const auto& metric: named) CPPUNIT_ASSERT_MESSAGE(metric + " is not a metric of the server", families.count(metric));
	}
};


CPPUNIT_TEST_SUITE_REGISTRATION(MetricsTest);
