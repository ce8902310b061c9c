//
// WorkerStats.h
//
// Outcomes and latencies by request kind, as one worker saw them.
//


#ifndef NashSoak_WorkerStats_INCLUDED
#define NashSoak_WorkerStats_INCLUDED


#include "RequestKind.h"
#include <array>
#include <chrono>
#include <cstdint>
#include <vector>


namespace NashSoak {


class WorkerStats
	/// Not thread-safe: each worker fills its own, and the totals are merged
	/// once the workers have ended.
{
public:
	struct Kind
	{
		std::uint64_t ok = 0;
		std::uint64_t errors = 0;
		std::vector<std::uint32_t> latencyUs;
	};

	void record(RequestKind kind, bool ok, std::chrono::microseconds latency);

	void merge(const WorkerStats& other);

	const Kind& kind(RequestKind kind) const;

	std::uint64_t requests() const;

	std::uint64_t errors() const;

	static double percentileMs(std::vector<std::uint32_t> latencyUs, double fraction);
		/// The nearest-rank percentile in milliseconds; 0 without samples.

private:
	std::array<Kind, REQUEST_KIND_COUNT> _kinds;
};


} // namespace NashSoak


#endif // NashSoak_WorkerStats_INCLUDED
