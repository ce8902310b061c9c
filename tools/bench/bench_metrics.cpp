//
// bench_metrics.cpp
//
// What counting costs: the CPU time of recording one finished request in the
// metrics (every family a proxied, streamed request touches), of one
// upstream exchange's events, and of a scrape, each averaged over many calls
// on one thread.
//
//   bench_metrics [--requests=N]
//


#include "core/metrics/Metrics.h"
#include "NashUpstream/UpstreamObserver.h"
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <string>


namespace {


double microsecondsPerCall(int calls, const std::function<void()>& call)
{
	for (int i = 0; i < calls / 100 + 1; ++i) call();
	auto started = std::chrono::steady_clock::now();
	for (int i = 0; i < calls; ++i) call();
	std::chrono::duration<double, std::micro> elapsed = std::chrono::steady_clock::now() - started;
	return elapsed.count() / calls;
}


} // namespace


int main(int argc, char** argv)
{
	int calls = 200000;
	for (int i = 1; i < argc; ++i)
	{
		if (std::strncmp(argv[i], "--requests=", 11) == 0) calls = std::max(1, std::atoi(argv[i] + 11));
	}

	Nash::Metrics metrics;
	Nash::Metrics::Request request;
	request.route = "/v1/chat/completions";
	request.dialect = "openai";
	request.status = 200;
	request.seconds = 0.105;
	request.overheadSeconds = 0.0002;
	request.firstEventSeconds = 0.004;
	request.backend = "openai";
	request.model = "gpt-4o-mini";
	request.inputTokens = 120;
	request.outputTokens = 480;
	double perRequest = microsecondsPerCall(calls, [&] { metrics.request(request); });

	NashUpstream::UpstreamObserver& upstream = metrics.upstream("openai");
	double perExchange = microsecondsPerCall(calls, [&] {
		upstream.upstreamRequest();
		upstream.upstreamConnection(true);
		upstream.upstreamFirstByte(0.003);
	});

	std::size_t bytes = 0;
	double perScrape = microsecondsPerCall(std::max(1, calls / 1000), [&] { bytes = metrics.scrape().size(); });

	std::printf("| what | us per call |\n|---|---|\n");
	std::printf("| record a finished request (requests, duration, overhead, first event, tokens in and out) | %.3f |\n", perRequest);
	std::printf("| record an upstream exchange (request, pooled connection, first byte) | %.3f |\n", perExchange);
	std::printf("| scrape (%zu bytes) | %.1f |\n", bytes, perScrape);
	return 0;
}
