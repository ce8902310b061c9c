//
// AccessLog.cpp
//


#include "core/http/AccessLog.h"
#include "core/http/LogText.h"
#include "core/json/JsonText.h"
#include "core/metrics/Metrics.h"
#include "Poco/DateTimeFormat.h"
#include "Poco/DateTimeFormatter.h"
#include "Poco/Format.h"
#include <atomic>


namespace Nash {


namespace {


std::atomic<bool> jsonLines{false};


Poco::Logger& accessLogger()
{
	static Poco::Logger& logger = Poco::Logger::get("nash.access");
	return logger;
}


std::string jsonLineStart()
{
	return "{\"time\": \"" + Poco::DateTimeFormatter::format(Poco::Timestamp(), "%Y-%m-%dT%H:%M:%S.%iZ") + "\"";
}


void addString(std::string& line, const char* key, const std::string& value, std::size_t maxBytes)
{
	if (value.empty()) return;
	line += ", \"";
	line += key;
	line += "\": ";
	// JsonText escapes control characters and replaces invalid UTF-8: what
	// came from the client cannot end the line or break the object.
	JsonText::appendQuoted(line, value.size() > maxBytes ? value.substr(0, maxBytes) : value);
}


void addMilliseconds(std::string& line, const char* key, Poco::Timestamp::TimeDiff micros)
{
	if (micros < 0) return;
	line += Poco::format(", \"%s\": %.3f", std::string(key), micros / 1000.0);
}


void addNumber(std::string& line, const char* key, long long value)
{
	line += ", \"";
	line += key;
	line += "\": " + std::to_string(value);
}


std::string jsonLine(const AccessLog::Entry& entry, Poco::Timestamp::TimeDiff total, Poco::Timestamp::TimeDiff upstream,
	Poco::Timestamp::TimeDiff overhead)
{
	std::string line = jsonLineStart();
	addString(line, "method", entry.method, 32);
	addString(line, "path", entry.path, 512);
	addString(line, "route", entry.route, 64);
	addString(line, "dialect", entry.dialect, 16);
	addNumber(line, "status", entry.status);
	addNumber(line, "bytes", static_cast<long long>(entry.bytes));
	addMilliseconds(line, "duration_ms", total);
	addMilliseconds(line, "ttfe_ms", entry.firstByteMicros);
	addMilliseconds(line, "upstream_ms", upstream);
	addMilliseconds(line, "overhead_ms", overhead);
	addString(line, "session", entry.sessionId, 128);
	addString(line, "backend", entry.backend, 128);
	addString(line, "model", entry.model, 256);
	if (entry.meter.inputTokens() > 0) addNumber(line, "input_tokens", entry.meter.inputTokens());
	if (entry.meter.outputTokens() > 0) addNumber(line, "output_tokens", entry.meter.outputTokens());
	addString(line, "outcome", entry.outcome, 32);
	addString(line, "reason", entry.reason, 512);
	line += '}';
	return line;
}


std::string textLine(const AccessLog::Entry& entry, Poco::Timestamp::TimeDiff total, Poco::Timestamp::TimeDiff upstream,
	Poco::Timestamp::TimeDiff overhead)
{
	// Method, path and model come from the client: escaped, so that none
	// can end the line and forge another.
	std::string line = Poco::format("%s %s %d %z bytes %.3f ms", LogText::escape(entry.method, 32), LogText::escape(entry.path, 512),
		entry.status, entry.bytes, total / 1000.0);
	if (entry.firstByteMicros >= 0) line += Poco::format(" ttfb %.3f ms", entry.firstByteMicros / 1000.0);
	if (upstream >= 0) line += Poco::format(" upstream %.3f ms", upstream / 1000.0);
	line += Poco::format(" overhead %.3f ms", overhead / 1000.0);
	if (!entry.sessionId.empty()) line += " session=" + LogText::escape(entry.sessionId, 128);
	if (!entry.backend.empty()) line += " backend=" + LogText::escape(entry.backend, 128);
	if (!entry.model.empty()) line += " model=" + LogText::escape(entry.model, 256);
	if (entry.meter.inputTokens() > 0 || entry.meter.outputTokens() > 0)
		line += Poco::format(" tokens=%Ld/%Ld", static_cast<Poco::Int64>(entry.meter.inputTokens()), static_cast<Poco::Int64>(entry.meter.outputTokens()));
	if (!entry.outcome.empty()) line += " outcome=" + entry.outcome;
	if (!entry.reason.empty()) line += " reason=\"" + LogText::escape(entry.reason, 512) + "\"";
	return line;
}


Metrics::Refusal refusalOf(int status)
{
	switch (status)
	{
	case 503: return Metrics::Refusal::ConnectionLimit;
	case 408: return Metrics::Refusal::Timeout;
	case 413:
	case 414:
	case 431: return Metrics::Refusal::RequestLimit;
	default: return Metrics::Refusal::Malformed;
	}
}


} // namespace


void AccessLog::Entry::markFirstByte()
{
	if (firstByteMicros < 0) firstByteMicros = started.elapsed();
}


void AccessLog::setJson(bool json)
{
	jsonLines = json;
}


void AccessLog::record(const Entry& entry)
{
	const Poco::Timestamp::TimeDiff total = entry.started.elapsed();
	const Poco::Timestamp::TimeDiff upstream = entry.meter.waited() ? entry.meter.waitMicros() : -1;
	const Poco::Timestamp::TimeDiff overhead = entry.meter.overheadMicros(total);
	if (Metrics* metrics = Metrics::instance())
	{
		Metrics::Request request;
		request.route = entry.route.empty() ? std::string("unmatched") : entry.route;
		request.dialect = entry.dialect;
		request.status = entry.status;
		request.seconds = total / 1e6;
		request.overheadSeconds = overhead / 1e6;
		request.firstEventSeconds = !entry.streamed || entry.firstByteMicros < 0 ? -1 : entry.firstByteMicros / 1e6;
		request.backend = entry.backend;
		request.model = entry.modelLabel;
		request.inputTokens = entry.meter.inputTokens();
		request.outputTokens = entry.meter.outputTokens();
		metrics->request(request);
	}
	Poco::Logger& logger = accessLogger();
	if (!logger.information()) return;
	logger.information(jsonLines ? jsonLine(entry, total, upstream, overhead) : textLine(entry, total, upstream, overhead));
}


void AccessLog::refused(const std::string& method, const std::string& path, const std::string& client, int status, const std::string& reason)
{
	if (Metrics* metrics = Metrics::instance()) metrics->refused(refusalOf(status));
	Poco::Logger& logger = accessLogger();
	if (!logger.information()) return;
	if (jsonLines)
	{
		std::string line = jsonLineStart();
		addString(line, "method", method, 32);
		addString(line, "path", path, 512);
		addNumber(line, "status", status);
		addString(line, "outcome", "refused", 16);
		addString(line, "client", client, 64);
		addString(line, "reason", reason, 512);
		line += '}';
		logger.information(line);
		return;
	}
	logger.information(Poco::format("%s %s %d refused client=%s reason=\"%s\"", LogText::escape(method, 32), LogText::escape(path, 512), status,
		LogText::escape(client, 64), LogText::escape(reason, 512)));
}


} // namespace Nash
