//
// AccessLog.h
//


#ifndef Nash_AccessLog_INCLUDED
#define Nash_AccessLog_INCLUDED


#include "core/metrics/RequestMeter.h"
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
		std::string route;
			/// The pattern of the route that served it ("/v1/mcp/{}"), or
			/// "unmatched": bounded, for metrics.
		std::string dialect;
			/// "nash", "app", "openai", "anthropic"; empty: none.
		int status = 0;
		std::size_t bytes = 0;
		Poco::Timestamp started;
		bool streamed = false;
			/// The answer is an event stream (its first event is timed).
		Poco::Timestamp::TimeDiff firstByteMicros = -1;
			/// For streams: when the first event after the session event left.
		std::string sessionId;
		std::string model;
		std::string modelLabel;
			/// The model as configured, or "other" (BackendRoute::modelLabel).
		std::string backend;
		std::string outcome;
			/// For streams: "done", "warning", "error", "client-gone".
		std::string reason;
			/// Why the request was refused or failed (the error message).

		RequestMeter meter;
			/// What the request waited on backends and MCP servers, and the
			/// tokens its backends reported.

		void markFirstByte();
	};

	static void setJson(bool json);
		/// logging.access_format = json: each line one JSON object.

	static void record(const Entry& entry);
		/// Writes the line and counts the request in the metrics.

	static void refused(const std::string& method, const std::string& path, const std::string& client, int status, const std::string& reason);
		/// The line of a request refused before any handler saw it (its
		/// framing, its head, the connection limits).
};


} // namespace Nash


#endif // Nash_AccessLog_INCLUDED
