//
// Metrics.h
//
// What the server counts, for GET /metrics in the Prometheus text format.
//


#ifndef Nash_Metrics_INCLUDED
#define Nash_Metrics_INCLUDED


#include "core/metrics/MetricSeries.h"
#include "prometheus/counter.h"
#include "prometheus/family.h"
#include "prometheus/gauge.h"
#include "prometheus/histogram.h"
#include "prometheus/registry.h"
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>


namespace NashUpstream {
class UpstreamObserver;
}


namespace Nash {


class McpObserver;
class ModelBackend;


class Metrics
	/// The server's metrics, kept with prometheus-cpp's registry and
	/// written by its text serializer. Every label set is bounded: routes
	/// and dialects are the server's own, backends, models, MCP servers and
	/// tools are the configured ones ("other" for anything a client named
	/// that is not configured); never a session id or user text.
	///
	/// One instance serves the process (instance()); when metrics are
	/// switched off there is none, and every recording site checks for null,
	/// which costs a load and a branch.
{
public:
	enum class Refusal
		/// Why a request was refused before or instead of its work.
	{
		ConnectionLimit, ///< server.max_connections or max_connections_per_client
		StreamLimit,     ///< server.max_streams: every answer slot taken
		RequestLimit,    ///< a head, body or conversation over its limit (413, 414, 431)
		Timeout,         ///< the request did not arrive in time (408)
		Malformed,       ///< not valid HTTP/1.1 (400, 501, 505, 417)
		Auth,            ///< no token or a wrong one (401)
		Host,            ///< a Host not of this server (421)
		Origin           ///< a browser origin not allowed (403)
	};

	struct Request
		/// One finished request, as the access log has it.
	{
		std::string route;       ///< the route's pattern ("/v1/chat/completions"), "unmatched" for none
		std::string dialect;     ///< "nash", "app", "openai", "anthropic", or "none"
		int status = 0;
		double seconds = 0;      ///< from the request head to the last byte
		double overheadSeconds = -1; ///< seconds minus the time waiting on backends and tools; < 0: not measured
		double firstEventSeconds = -1; ///< for streams; < 0: none
		std::string backend;     ///< the configured backend instance, empty when none
		std::string model;       ///< the model label (configured model or "other")
		long long inputTokens = 0;
		long long outputTokens = 0;
	};

	Metrics();
	~Metrics();
	Metrics(const Metrics&) = delete;
	Metrics& operator = (const Metrics&) = delete;

	static Metrics* instance();
		/// The process's metrics; null when switched off.
	static void setInstance(Metrics* metrics);
		/// Set by the application before the server starts and cleared
		/// after it stopped.

	void request(const Request& request);
	void refused(Refusal reason);
	void streamOpened();
	void streamClosed();
	void countConnectionsWith(std::function<std::size_t()> openConnections);
		/// What nash_open_connections reads at each scrape.
	void toolLoopRound(const std::string& dialect);
	void plugin(const std::string& name, const std::string& kind);
		/// A plugin that loaded: nash_plugin_info.

	NashUpstream::UpstreamObserver& upstream(const std::string& backend);
		/// What counts the upstream exchanges of backend (one object per
		/// backend name, kept for the life of this).
	static void observeBackend(ModelBackend& backend, const std::string& name);
		/// Has the upstream exchanges of backend counted under name, when
		/// metrics are on and the backend reports them
		/// (NashUpstream::ObservableUpstream).
	McpObserver& mcp();
		/// What counts MCP calls, restarts and tool calls.

	std::string scrape();
		/// Every metric in the Prometheus text exposition format 0.0.4.

	static const char* refusalName(Refusal reason);
	static const std::string& statusClass(int status);
		/// "2xx", "4xx", ... ("other" outside 100-599).

private:
	class UpstreamCounts;
	class McpCounts;

	std::shared_ptr<prometheus::Registry> _registry;
	MetricSeries<prometheus::Counter> _requests;
	MetricSeries<prometheus::Histogram> _duration;
	MetricSeries<prometheus::Histogram> _overhead;
	MetricSeries<prometheus::Histogram> _firstEvent;
	MetricSeries<prometheus::Counter> _refused;
	prometheus::Gauge& _openStreams;
	prometheus::Gauge& _openConnections;
	MetricSeries<prometheus::Counter> _tokens;
	MetricSeries<prometheus::Counter> _toolLoopRounds;
	MetricSeries<prometheus::Gauge> _pluginInfo;
	prometheus::Family<prometheus::Counter>& _upstreamRequests;
	prometheus::Family<prometheus::Counter>& _upstreamErrors;
	prometheus::Family<prometheus::Counter>& _upstreamRetries;
	prometheus::Family<prometheus::Counter>& _upstreamConnections;
	prometheus::Family<prometheus::Histogram>& _upstreamFirstByte;
	std::unique_ptr<McpCounts> _mcp;
	mutable std::mutex _mutex;
	std::function<std::size_t()> _openConnectionCount;
	std::map<std::string, std::unique_ptr<UpstreamCounts>> _upstreams;
};


} // namespace Nash


#endif // Nash_Metrics_INCLUDED
