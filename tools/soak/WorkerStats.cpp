//
// WorkerStats.cpp
//


#include "WorkerStats.h"
#include <algorithm>
#include <cmath>
#include <limits>


namespace NashSoak {


void WorkerStats::record(RequestKind kind, bool ok, std::chrono::microseconds latency)
{
	Kind& k = _kinds[static_cast<std::size_t>(kind)];
	if (ok) ++k.ok;
	else ++k.errors;
	auto us = latency.count();
	if (us < 0) us = 0;
	const auto most = static_cast<decltype(us)>(std::numeric_limits<std::uint32_t>::max());
	k.latencyUs.push_back(static_cast<std::uint32_t>(std::min(us, most)));
}


void WorkerStats::merge(const WorkerStats& other)
{
	for (std::size_t i = 0; i < REQUEST_KIND_COUNT; ++i)
	{
		_kinds[i].ok += other._kinds[i].ok;
		_kinds[i].errors += other._kinds[i].errors;
		_kinds[i].latencyUs.insert(_kinds[i].latencyUs.end(), other._kinds[i].latencyUs.begin(), other._kinds[i].latencyUs.end());
	}
}


const WorkerStats::Kind& WorkerStats::kind(RequestKind kind) const
{
	return _kinds[static_cast<std::size_t>(kind)];
}


std::uint64_t WorkerStats::requests() const
{
	std::uint64_t n = 0;
	for (const auto& k: _kinds) n += k.ok + k.errors;
	return n;
}


std::uint64_t WorkerStats::errors() const
{
	std::uint64_t n = 0;
	for (const auto& k: _kinds) n += k.errors;
	return n;
}


double WorkerStats::percentileMs(std::vector<std::uint32_t> latencyUs, double fraction)
{
	if (latencyUs.empty()) return 0;
	auto rank = static_cast<std::size_t>(std::ceil(fraction * static_cast<double>(latencyUs.size())));
	if (rank > 0) --rank;
	if (rank >= latencyUs.size()) rank = latencyUs.size() - 1;
	std::nth_element(latencyUs.begin(), latencyUs.begin() + static_cast<std::ptrdiff_t>(rank), latencyUs.end());
	return latencyUs[rank] / 1000.0;
}


} // namespace NashSoak
