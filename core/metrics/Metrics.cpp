//
// Metrics.cpp
//


#include "core/metrics/Metrics.h"
#include "core/mcp/McpObserver.h"
#include "NashUpstream/UpstreamObserver.h"
#include "Nash/ModelBackend.h"
#include "Nash/SdkVersion.h"
#include "prometheus/text_serializer.h"
#include <atomic>
#include <sstream>


namespace Nash {


namespace {


std::atomic<Metrics*> theInstance{nullptr};


// Latencies of the whole request and of the upstream's first byte: from a
// millisecond (a cached or refused answer) to ten minutes (a long answer).
const prometheus::Histogram::BucketBoundaries& latencyBuckets()
{
	static const prometheus::Histogram::BucketBoundaries buckets{0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120,
		300, 600};
	return buckets;
}


// The gateway's own share of a request is counted in microseconds: its
// buckets start at 25 µs, so that a change of a tenth of a millisecond shows.
const prometheus::Histogram::BucketBoundaries& overheadBuckets()
{
	static const prometheus::Histogram::BucketBoundaries buckets{0.000025, 0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025,
		0.05, 0.1, 0.25, 1};
	return buckets;
}


} // namespace


class Metrics::UpstreamCounts: public NashUpstream::UpstreamObserver
{
public:
	UpstreamCounts(Metrics& metrics, const std::string& backend):
		_requests(metrics._upstreamRequests.Add({{"backend", backend}})),
		_retries(metrics._upstreamRetries.Add({{"backend", backend}})),
		_reused(metrics._upstreamConnections.Add({{"backend", backend}, {"state", "reused"}})),
		_opened(metrics._upstreamConnections.Add({{"backend", backend}, {"state", "opened"}})),
		_firstByte(metrics._upstreamFirstByte.Add({{"backend", backend}}, latencyBuckets())),
		_connect(metrics._upstreamErrors.Add({{"backend", backend}, {"kind", "connect"}})),
		_timeout(metrics._upstreamErrors.Add({{"backend", backend}, {"kind", "timeout"}})),
		_status(metrics._upstreamErrors.Add({{"backend", backend}, {"kind", "status"}})),
		_cut(metrics._upstreamErrors.Add({{"backend", backend}, {"kind", "cut"}})),
		_malformed(metrics._upstreamErrors.Add({{"backend", backend}, {"kind", "malformed"}}))
	{
	}

	void upstreamRequest() override
	{
		_requests.Increment();
	}

	void upstreamConnection(bool reused) override
	{
		(reused ? _reused : _opened).Increment();
	}

	void upstreamRetry() override
	{
		_retries.Increment();
	}

	void upstreamFirstByte(double seconds) override
	{
		_firstByte.Observe(seconds);
	}

	void upstreamFailure(Failure kind) override
	{
		switch (kind)
		{
		case Failure::Connect: _connect.Increment(); break;
		case Failure::Timeout: _timeout.Increment(); break;
		case Failure::Status: _status.Increment(); break;
		case Failure::Cut: _cut.Increment(); break;
		case Failure::Malformed: _malformed.Increment(); break;
		}
	}

private:
	prometheus::Counter& _requests;
	prometheus::Counter& _retries;
	prometheus::Counter& _reused;
	prometheus::Counter& _opened;
	prometheus::Histogram& _firstByte;
	prometheus::Counter& _connect;
	prometheus::Counter& _timeout;
	prometheus::Counter& _status;
	prometheus::Counter& _cut;
	prometheus::Counter& _malformed;
};


class Metrics::McpCounts: public McpObserver
{
public:
	explicit McpCounts(prometheus::Registry& registry):
		_calls(prometheus::BuildCounter().Name("nash_mcp_calls_total").Help("Requests to MCP servers by server, method and outcome").Register(registry),
			{"server", "method", "outcome"}),
		_duration(prometheus::BuildHistogram()
			.Name("nash_mcp_call_duration_seconds")
			.Help("How long MCP servers took to answer, by server and method")
			.Register(registry), {"server", "method"}, latencyBuckets()),
		_restarts(prometheus::BuildCounter().Name("nash_mcp_server_restarts_total").Help("MCP server connections started again").Register(registry),
			{"server"}),
		_toolCalls(prometheus::BuildCounter()
			.Name("nash_mcp_tool_calls_total")
			.Help("MCP tool calls by server, tool and outcome (tools a server did not list: tool=\"other\")")
			.Register(registry), {"server", "tool", "outcome"})
	{
	}

	void mcpCall(const std::string& server, const std::string& method, const std::string& outcome, double seconds) override
	{
		_calls(server, method, outcome).Increment();
		_duration(server, method).Observe(seconds);
	}

	void mcpRestart(const std::string& server) override
	{
		_restarts(server).Increment();
	}

	void mcpToolCall(const std::string& server, const std::string& tool, const std::string& outcome) override
	{
		_toolCalls(server, tool, outcome).Increment();
	}

private:
	MetricSeries<prometheus::Counter> _calls;
	MetricSeries<prometheus::Histogram> _duration;
	MetricSeries<prometheus::Counter> _restarts;
	MetricSeries<prometheus::Counter> _toolCalls;
};


Metrics::Metrics():
	_registry(std::make_shared<prometheus::Registry>()),
	_requests(prometheus::BuildCounter()
		.Name("nash_http_requests_total")
		.Help("Requests answered, by route, dialect and status class")
		.Register(*_registry), {"route", "dialect", "status"}),
	_duration(prometheus::BuildHistogram()
		.Name("nash_http_request_duration_seconds")
		.Help("From a request's head to the last byte of its answer, by route and dialect")
		.Register(*_registry), {"route", "dialect"}, latencyBuckets()),
	_overhead(prometheus::BuildHistogram()
		.Name("nash_gateway_overhead_seconds")
		.Help("A request's time minus the time spent waiting on backends and MCP servers: the gateway's own share")
		.Register(*_registry), {"route", "dialect"}, overheadBuckets()),
	_firstEvent(prometheus::BuildHistogram()
		.Name("nash_time_to_first_event_seconds")
		.Help("From a streamed request's head to its first event with content, by dialect and backend")
		.Register(*_registry), {"dialect", "backend"}, latencyBuckets()),
	_refused(prometheus::BuildCounter()
		.Name("nash_refused_requests_total")
		.Help("Requests refused before or instead of their work, by reason")
		.Register(*_registry), {"reason"}),
	_openStreams(prometheus::BuildGauge().Name("nash_open_streams").Help("Answers in progress (server.max_streams bounds them)").Register(*_registry).Add({})),
	_openConnections(prometheus::BuildGauge().Name("nash_open_connections").Help("Client connections open").Register(*_registry).Add({})),
	_tokens(prometheus::BuildCounter()
		.Name("nash_tokens_total")
		.Help("Tokens the backends reported, by backend, model (as configured) and direction")
		.Register(*_registry), {"backend", "model", "direction"}),
	_toolLoopRounds(prometheus::BuildCounter()
		.Name("nash_tool_loop_rounds_total")
		.Help("Model calls made by the MCP tool loop, by dialect")
		.Register(*_registry), {"dialect"}),
	_pluginInfo(prometheus::BuildGauge().Name("nash_plugin_info").Help("Each plugin loaded, by name and kind").Register(*_registry),
		{"plugin", "kind"}),
	_upstreamRequests(prometheus::BuildCounter()
		.Name("nash_upstream_requests_total")
		.Help("Requests sent to the providers' APIs (each attempt), by backend")
		.Register(*_registry)),
	_upstreamErrors(prometheus::BuildCounter()
		.Name("nash_upstream_errors_total")
		.Help("Failed provider calls, by backend and kind (connect, timeout, status, cut, malformed)")
		.Register(*_registry)),
	_upstreamRetries(prometheus::BuildCounter()
		.Name("nash_upstream_retries_total")
		.Help("Provider calls retried before any byte of their answer was used, by backend")
		.Register(*_registry)),
	_upstreamConnections(prometheus::BuildCounter()
		.Name("nash_upstream_connections_total")
		.Help("Connections a provider call went out on, by backend and state (reused from the pool, or opened)")
		.Register(*_registry)),
	_upstreamFirstByte(prometheus::BuildHistogram()
		.Name("nash_upstream_time_to_first_byte_seconds")
		.Help("From sending a provider request to its answer's head, by backend")
		.Register(*_registry)),
	_mcp(new McpCounts(*_registry))
{
	prometheus::BuildGauge()
		.Name("nash_build_info")
		.Help("The server's version and the plugin SDK version it loads")
		.Register(*_registry)
		.Add({{"version", NASH_SERVER_VERSION}, {"sdk_version", std::to_string(NASH_SDK_VERSION)}})
		.Set(1);
	for (auto reason: {Refusal::ConnectionLimit, Refusal::StreamLimit, Refusal::RequestLimit, Refusal::Timeout, Refusal::Malformed, Refusal::Auth,
		Refusal::Host, Refusal::Origin})
	{
		// Every reason from the start: a rate over a series that appears
		// late misses its first increment.
		_refused(refusalName(reason));
	}
}


Metrics::~Metrics() = default;


Metrics* Metrics::instance()
{
	return theInstance.load(std::memory_order_acquire);
}


void Metrics::setInstance(Metrics* metrics)
{
	theInstance.store(metrics, std::memory_order_release);
}


void Metrics::request(const Request& request)
{
	static const std::string none("none");
	static const std::string other("other");
	static const std::string input("input");
	static const std::string output("output");
	const std::string& dialect = request.dialect.empty() ? none : request.dialect;
	_requests(request.route, dialect, statusClass(request.status)).Increment();
	_duration(request.route, dialect).Observe(request.seconds);
	if (request.overheadSeconds >= 0) _overhead(request.route, dialect).Observe(request.overheadSeconds);
	if (request.firstEventSeconds >= 0) _firstEvent(dialect, request.backend).Observe(request.firstEventSeconds);
	if (!request.backend.empty() && (request.inputTokens > 0 || request.outputTokens > 0))
	{
		const std::string& model = request.model.empty() ? other : request.model;
		if (request.inputTokens > 0) _tokens(request.backend, model, input).Increment(static_cast<double>(request.inputTokens));
		if (request.outputTokens > 0) _tokens(request.backend, model, output).Increment(static_cast<double>(request.outputTokens));
	}
}


void Metrics::refused(Refusal reason)
{
	_refused(refusalName(reason)).Increment();
}


void Metrics::streamOpened()
{
	_openStreams.Increment();
}


void Metrics::streamClosed()
{
	_openStreams.Decrement();
}


void Metrics::countConnectionsWith(std::function<std::size_t()> openConnections)
{
	std::lock_guard<std::mutex> lock(_mutex);
	_openConnectionCount = std::move(openConnections);
}


void Metrics::toolLoopRound(const std::string& dialect)
{
	_toolLoopRounds(dialect.empty() ? std::string("none") : dialect).Increment();
}


void Metrics::plugin(const std::string& name, const std::string& kind)
{
	_pluginInfo(name, kind).Set(1);
}


NashUpstream::UpstreamObserver& Metrics::upstream(const std::string& backend)
{
	std::lock_guard<std::mutex> lock(_mutex);
	auto& counts = _upstreams[backend];
	if (!counts) counts.reset(new UpstreamCounts(*this, backend));
	return *counts;
}


void Metrics::observeBackend(ModelBackend& backend, const std::string& name)
{
	Metrics* metrics = instance();
	if (!metrics) return;
	if (auto* observable = dynamic_cast<NashUpstream::ObservableUpstream*>(&backend)) observable->observeUpstream(&metrics->upstream(name));
}


McpObserver& Metrics::mcp()
{
	return *_mcp;
}


std::string Metrics::scrape()
{
	{
		std::lock_guard<std::mutex> lock(_mutex);
		if (_openConnectionCount) _openConnections.Set(static_cast<double>(_openConnectionCount()));
	}
	std::ostringstream out;
	prometheus::TextSerializer().Serialize(out, _registry->Collect());
	return out.str();
}


const char* Metrics::refusalName(Refusal reason)
{
	switch (reason)
	{
	case Refusal::ConnectionLimit: return "connection_limit";
	case Refusal::StreamLimit: return "stream_limit";
	case Refusal::RequestLimit: return "request_limit";
	case Refusal::Timeout: return "timeout";
	case Refusal::Malformed: return "malformed";
	case Refusal::Auth: return "auth";
	case Refusal::Host: return "host";
	case Refusal::Origin: return "origin";
	}
	return "other";
}


const std::string& Metrics::statusClass(int status)
{
	static const std::string classes[] = {"other", "1xx", "2xx", "3xx", "4xx", "5xx"};
	return classes[status >= 100 && status <= 599 ? status / 100 : 0];
}


} // namespace Nash
