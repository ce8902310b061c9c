//
// AccessLog.h
//


#ifndef Nash_AccessLog_INCLUDED
#define Nash_AccessLog_INCLUDED


#include "Poco/Logger.h"
#include "Poco/Timestamp.h"
#include <cstddef>
#include <string>


namespace Nash {


class AccessLog
	/// One line per request on the "nash.access" logger. Never message
	/// content, never a header value: only what an operator needs, with
	/// what came from the client escaped (LogText).
{
public:
	struct Entry
	{
		std::string method;
		std::string path;
		int status = 0;
		std::size_t bytes = 0;
		Poco::Timestamp started;
		Poco::Timestamp::TimeDiff firstByteMicros = -1;
			/// For streams: when the first event after the session event left.
		std::string sessionId;
		std::string model;
		std::string backend;
		std::string outcome;
			/// For streams: "done", "warning", "error", "client-gone".
		std::string reason;
			/// Why the request was refused or failed (the error message).

		void markFirstByte();
	};

	static void record(const Entry& entry);

	static void refused(const std::string& method, const std::string& path, const std::string& client, int status, const std::string& reason);
		/// The line of a request refused before any handler saw it (its
		/// framing, its head, the connection limits).
};


} // namespace Nash


#endif // Nash_AccessLog_INCLUDED
