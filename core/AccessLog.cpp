//
// AccessLog.cpp
//


#include "core/AccessLog.h"
#include "Poco/Format.h"


namespace Nash {


void AccessLog::Entry::markFirstByte()
{
	if (firstByteMicros < 0) firstByteMicros = started.elapsed();
}


void AccessLog::record(const Entry& entry)
{
	static Poco::Logger& logger = Poco::Logger::get("nash.access");
	if (!logger.information()) return;
	std::string line = Poco::format("%s %s %d %z bytes %.3f ms", entry.method, entry.path, entry.status, entry.bytes, entry.started.elapsed() / 1000.0);
	if (entry.firstByteMicros >= 0) line += Poco::format(" ttfb %.3f ms", entry.firstByteMicros / 1000.0);
	if (!entry.sessionId.empty()) line += " session=" + entry.sessionId;
	if (!entry.backend.empty()) line += " backend=" + entry.backend;
	if (!entry.model.empty()) line += " model=" + entry.model;
	if (!entry.outcome.empty()) line += " outcome=" + entry.outcome;
	logger.information(line);
}


} // namespace Nash
