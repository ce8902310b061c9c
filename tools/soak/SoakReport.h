//
// SoakReport.h
//
// The verdict and the figures of a soak run, as text, JSON and markdown.
//


#ifndef NashSoak_SoakReport_INCLUDED
#define NashSoak_SoakReport_INCLUDED


#include "ProcessProbe.h"
#include "SoakSettings.h"
#include "WorkerStats.h"
#include "Poco/JSON/Object.h"
#include <cstdint>
#include <map>
#include <string>
#include <vector>


namespace NashSoak {


class SoakReport
	/// The run fails when any request failed its check (warm-up included),
	/// when something else went wrong (addFailure()), or when the server's
	/// memory kept growing: its RSS at the end of the load exceeds the RSS in
	/// the middle by more than max(rssMarginPercent of the middle,
	/// rssMarginMiB).
	///
	/// Why the middle and not the start: until the thread pool, the malloc
	/// arenas of its threads and the MCP client's buffers have reached their
	/// working size, RSS rises without any leak, and a warm-up of a few
	/// seconds on a busy machine does not always get there. From the middle
	/// on the load is steady, so growth there is growth per request. Why a
	/// margin of that size: RSS moves by whole arenas and thread stacks as
	/// the pool's threads come and go, a few MiB at a time; a margin below
	/// that fails runs that leak nothing. The second half of a three-minute
	/// run carries hundreds of thousands of requests even on two busy cores,
	/// so a leak of some tens of bytes per request still exceeds the margin.
{
public:
	SoakReport(const SoakSettings& settings, const WorkerStats& stats, std::vector<ProcessProbe::Sample> samples,
		std::map<std::string, std::uint64_t> errors, std::uint64_t warmupRequests, std::uint64_t warmupErrors, double measuredSeconds);

	void addFailure(const std::string& why);

	bool passed() const;

	Poco::JSON::Object::Ptr toJson() const;

	std::string toMarkdown() const;

	std::string toText() const;

private:
	const ProcessProbe::Sample* find(const std::string& label) const;
	void judgeMemory();
	static std::string mib(long kib);

	const SoakSettings& _settings;
	const WorkerStats& _stats;
	std::vector<ProcessProbe::Sample> _samples;
	std::map<std::string, std::uint64_t> _errors;
	std::uint64_t _warmupRequests;
	std::uint64_t _warmupErrors;
	double _measuredSeconds;
	long _rssAllowedKiB = 0;
		/// The highest end RSS that passes; 0 when there was nothing to judge.
	std::vector<std::string> _failures;
};


} // namespace NashSoak


#endif // NashSoak_SoakReport_INCLUDED
