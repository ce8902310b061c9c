//
// AccessLog.cpp
//


#include "core/http/AccessLog.h"
#include "core/http/LogText.h"
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
	// Method, path and model come from the client: escaped, so that none
	// can end the line and forge another.
	std::string line = Poco::format("%s %s %d %z bytes %.3f ms", LogText::escape(entry.method, 32), LogText::escape(entry.path, 512),
		entry.status, entry.bytes, entry.started.elapsed() / 1000.0);
	if (entry.firstByteMicros >= 0) line += Poco::format(" ttfb %.3f ms", entry.firstByteMicros / 1000.0);
	if (!entry.sessionId.empty()) line += " session=" + LogText::escape(entry.sessionId, 128);
	if (!entry.backend.empty()) line += " backend=" + LogText::escape(entry.backend, 128);
	if (!entry.model.empty()) line += " model=" + LogText::escape(entry.model, 256);
	if (!entry.outcome.empty()) line += " outcome=" + entry.outcome;
	if (!entry.reason.empty()) line += " reason=\"" + LogText::escape(entry.reason, 512) + "\"";
	logger.information(line);
}


void AccessLog::refused(const std::string& method, const std::string& path, const std::string& client, int status, const std::string& reason)
{
	static Poco::Logger& logger = Poco::Logger::get("nash.access");
	if (!logger.information()) return;
	logger.information(Poco::format("%s %s %d refused client=%s reason=\"%s\"", LogText::escape(method, 32), LogText::escape(path, 512), status,
		LogText::escape(client, 64), LogText::escape(reason, 512)));
}


} // namespace Nash
