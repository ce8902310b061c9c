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
	/// content, never a header value: only what an operator needs.
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

		void markFirstByte();
	};

	static void record(const Entry& entry);
};


} // namespace Nash


#endif // Nash_AccessLog_INCLUDED
