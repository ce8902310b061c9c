//
// SoakReport.cpp
//


#include "SoakReport.h"
#include "Poco/JSON/Array.h"
#include "Poco/NumberFormatter.h"
#include <algorithm>
#include <sstream>


namespace NashSoak {


namespace {


std::string fixed(double value, int precision)
{
	return Poco::NumberFormatter::format(value, precision);
}


Poco::JSON::Object::Ptr object()
{
	return new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
}


} // namespace


SoakReport::SoakReport(const SoakSettings& settings, const WorkerStats& stats, std::vector<ProcessProbe::Sample> samples,
	std::map<std::string, std::uint64_t> errors, std::uint64_t warmupRequests, std::uint64_t warmupErrors, double measuredSeconds):
	_settings(settings),
	_stats(stats),
	_samples(std::move(samples)),
	_errors(std::move(errors)),
	_warmupRequests(warmupRequests),
	_warmupErrors(warmupErrors),
	_measuredSeconds(measuredSeconds)
{
	std::uint64_t errorCount = _stats.errors() + _warmupErrors;
	if (errorCount > 0) _failures.push_back(std::to_string(errorCount) + " requests failed their check");
	if (_stats.requests() == 0) _failures.push_back("no request was measured");
	judgeMemory();
}


void SoakReport::judgeMemory()
{
	const ProcessProbe::Sample* middle = find("middle");
	const ProcessProbe::Sample* end = find("end");
	if (!middle || !end || !middle->alive || !end->alive)
	{
		_failures.push_back("the server's memory could not be sampled in the middle and at the end of the load");
		return;
	}
	long margin = std::max(static_cast<long>(middle->rssKiB * _settings.rssMarginPercent / 100.0), static_cast<long>(_settings.rssMarginMiB * 1024));
	_rssAllowedKiB = middle->rssKiB + margin;
	if (end->rssKiB > _rssAllowedKiB)
	{
		_failures.push_back("memory kept growing: RSS " + mib(middle->rssKiB) + " MiB in the middle, " + mib(end->rssKiB)
			+ " MiB at the end (allowed up to " + mib(_rssAllowedKiB) + " MiB)");
	}
}


void SoakReport::addFailure(const std::string& why)
{
	_failures.push_back(why);
}


bool SoakReport::passed() const
{
	return _failures.empty();
}


const ProcessProbe::Sample* SoakReport::find(const std::string& label) const
{
	for (const auto& sample: _samples)
	{
		if (sample.label == label) return &sample;
	}
	return nullptr;
}


std::string SoakReport::mib(long kib)
{
	return fixed(kib / 1024.0, 1);
}


Poco::JSON::Object::Ptr SoakReport::toJson() const
{
	Poco::JSON::Object::Ptr root = object();
	root->set("passed", passed());
	Poco::JSON::Array::Ptr failures = new Poco::JSON::Array;
	for (const auto& failure: _failures) failures->add(failure);
	root->set("failures", failures);

	Poco::JSON::Object::Ptr settings = object();
	settings->set("concurrency", _settings.concurrency);
	settings->set("seconds", _settings.seconds);
	settings->set("warmup_seconds", _settings.warmupSeconds);
	settings->set("timeout_seconds", _settings.timeoutSeconds);
	settings->set("seed", _settings.seed);
	settings->set("rss_margin_percent", _settings.rssMarginPercent);
	settings->set("rss_margin_mib", _settings.rssMarginMiB);
	root->set("settings", settings);

	root->set("measured_seconds", _measuredSeconds);
	root->set("requests", _stats.requests());
	root->set("requests_per_second", _measuredSeconds > 0 ? _stats.requests() / _measuredSeconds : 0.0);
	root->set("errors", _stats.errors() + _warmupErrors);
	root->set("warmup_requests", _warmupRequests);
	root->set("warmup_errors", _warmupErrors);

	Poco::JSON::Object::Ptr kinds = object();
	for (std::size_t i = 0; i < REQUEST_KIND_COUNT; ++i)
	{
		const WorkerStats::Kind& k = _stats.kind(kindAt(i));
		Poco::JSON::Object::Ptr kind = object();
		kind->set("requests", k.ok + k.errors);
		kind->set("errors", k.errors);
		kind->set("p50_ms", WorkerStats::percentileMs(k.latencyUs, 0.50));
		kind->set("p99_ms", WorkerStats::percentileMs(k.latencyUs, 0.99));
		kind->set("max_ms", WorkerStats::percentileMs(k.latencyUs, 1.0));
		kinds->set(kindName(kindAt(i)), kind);
	}
	root->set("kinds", kinds);

	Poco::JSON::Object::Ptr errors = object();
	for (const auto& error: _errors) errors->set(error.first, error.second);
	root->set("error_messages", errors);

	Poco::JSON::Array::Ptr samples = new Poco::JSON::Array;
	for (const auto& s: _samples)
	{
		Poco::JSON::Object::Ptr sample = object();
		sample->set("seconds", s.seconds);
		if (!s.label.empty()) sample->set("label", s.label);
		sample->set("alive", s.alive);
		sample->set("rss_kib", s.rssKiB);
		sample->set("peak_rss_kib", s.peakRssKiB);
		sample->set("threads", s.threads);
		sample->set("descriptors", s.descriptors);
		sample->set("children_rss_kib", s.childrenRssKiB);
		samples->add(sample);
	}
	root->set("server_samples", samples);
	root->set("rss_allowed_at_end_kib", _rssAllowedKiB);
	return root;
}


std::string SoakReport::toMarkdown() const
{
	std::ostringstream out;
	out << "| request | count | errors | p50 ms | p99 ms |\n";
	out << "|---|---|---|---|---|\n";
	for (std::size_t i = 0; i < REQUEST_KIND_COUNT; ++i)
	{
		const WorkerStats::Kind& k = _stats.kind(kindAt(i));
		out << "| " << kindName(kindAt(i)) << " | " << (k.ok + k.errors) << " | " << k.errors << " | "
			<< fixed(WorkerStats::percentileMs(k.latencyUs, 0.50), 2) << " | " << fixed(WorkerStats::percentileMs(k.latencyUs, 0.99), 2) << " |\n";
	}
	out << "| **all** | " << _stats.requests() << " (" << fixed(_measuredSeconds > 0 ? _stats.requests() / _measuredSeconds : 0.0, 0)
		<< "/s) | " << (_stats.errors() + _warmupErrors) << " | | |\n\n";

	out << "| server | start | middle | end | after the load |\n";
	out << "|---|---|---|---|---|\n";
	const char* labels[] = {"start", "middle", "end", "after"};
	auto row = [&](const std::string& name, auto value) {
		out << "| " << name << " |";
		for (const char* label: labels)
		{
			const ProcessProbe::Sample* s = find(label);
			out << " " << (s && s->alive ? value(*s) : std::string("-")) << " |";
		}
		out << "\n";
	};
	row("RSS MiB", [](const ProcessProbe::Sample& s) { return mib(s.rssKiB); });
	row("threads", [](const ProcessProbe::Sample& s) { return std::to_string(s.threads); });
	row("descriptors", [](const ProcessProbe::Sample& s) { return std::to_string(s.descriptors); });
	row("MCP server RSS MiB", [](const ProcessProbe::Sample& s) { return mib(s.childrenRssKiB); });
	return out.str();
}


std::string SoakReport::toText() const
{
	std::ostringstream out;
	out << "concurrency " << _settings.concurrency << ", " << fixed(_measuredSeconds, 1) << " s measured after "
		<< _settings.warmupSeconds << " s of warm-up (" << _warmupRequests << " requests)\n\n";
	out << toMarkdown() << "\n";
	for (const auto& error: _errors) out << "error x" << error.second << ": " << error.first << "\n";
	if (passed())
	{
		out << "PASSED: no error; RSS at the end within " << mib(_rssAllowedKiB) << " MiB\n";
	}
	else
	{
		for (const auto& failure: _failures) out << "FAILED: " << failure << "\n";
	}
	return out.str();
}


} // namespace NashSoak
