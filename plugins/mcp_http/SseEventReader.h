//
// SseEventReader.h
//
// Reads a text/event-stream body one event at a time, with a limit on what
// it takes into memory: the one SSE reader of the mcp_http plugin.
//


#ifndef Nash_SseEventReader_INCLUDED
#define Nash_SseEventReader_INCLUDED


#include <cstddef>
#include <istream>
#include <string>


namespace Nash {


class SseEventReader
	/// Reads the server-sent events of an MCP server's stream: a POST's
	/// answer and the GET stream of Streamable HTTP (HttpTransport), and the
	/// one stream of HTTP+SSE (LegacySseTransport).
	///
	/// Lines end in LF, CRLF or CR; lines beginning with ":" are comments;
	/// "data:" lines are joined with "\n"; "event:", "id:" and "retry:" are
	/// kept, other fields ignored, as the WHATWG event-stream format says.
	/// An event the stream cuts off before its blank line is dropped.
	///
	/// A server's stream is not trusted to be small: no line is taken into
	/// memory beyond maxEventSize (plus room for the field's name), nor an
	/// event's data beyond maxEventSize. Such an event is TOO_LARGE; the
	/// reader stops in the middle of it, and the caller either gives the
	/// stream up or calls skipOversized() to read on after it.
{
public:
	struct Event
	{
		std::string type;
			/// The "event:" field; empty for the default, "message".
		std::string data;
			/// The "data:" lines joined with "\n".
		bool hasData = false;
			/// At least one "data:" line, even an empty one.
	};

	enum Result
	{
		EVENT,
			/// An event was read.
		END,
			/// The stream ended or broke (a read that failed or timed out).
		TOO_LARGE
			/// A line or the event's data went over the limit.
	};

	static constexpr std::size_t ENDS_KEPT = 256;
		/// Bytes of each end of an oversized event's data that are kept:
		/// the request id of an answer is there (McpMessageText::responseId()).

	SseEventReader(std::istream& in, std::size_t maxEventSize, const std::string& lastEventId = std::string());
		/// Reads from in, which must outlive the reader. lastEventId: the id
		/// of the stream this one resumes, kept until an event sets another.

	Result next(Event& event);
		/// Reads the next event that has a field (an event with only
		/// comments is none). Poco exceptions of the stream end it (END).

	bool skipOversized();
		/// After TOO_LARGE: reads the rest of the oversized event, keeping
		/// only the last ENDS_KEPT bytes of its data, so that next() can
		/// go on with the event after it. False when the stream ended first.

	const std::string& lastEventId() const;
		/// The id of the last event read ("id:"), for Last-Event-ID.

	long retryMilliseconds() const;
		/// The last "retry:" the server sent, or -1 for none.

	std::size_t oversizedSize() const;
		/// Bytes of the oversized event's data read so far.

	const std::string& oversizedHead() const;
		/// The first ENDS_KEPT bytes of the oversized event's data.

	const std::string& oversizedTail() const;
		/// The last ENDS_KEPT bytes of the oversized event's data read so
		/// far: all of them after skipOversized().

private:
	enum LineEnd
	{
		LINE_END,
		STREAM_END,
		LINE_GOES_ON
	};

	LineEnd readLine(std::string& line, std::size_t limit);
	static bool splitField(const std::string& line, std::string& field, std::string& value);
	void field(const std::string& name, const std::string& value, Event& event);
	void beginOversized(const Event& event, const std::string& field, const std::string& value);
	void keepTail(const std::string& data);

	std::istream& _in;
	std::size_t _maxEventSize;
	std::size_t _maxLineSize;
	bool _afterCR = false;
		// The last line ended in CR: an LF right after it belongs to it.
		// (Looking ahead for it would wait for the server's next event.)
	std::string _lastEventId;
	std::string _idBuffer;
		// "id:" of the event being read; the stream's id once it ends.
	long _retry = -1;
	std::size_t _oversizedSize = 0;
	std::string _head;
	std::string _tail;
	bool _lineGoesOn = false;
		// The oversized event was cut in the middle of a line.
	bool _lineIsData = false;
};


//
// inlines
//
inline const std::string& SseEventReader::lastEventId() const
{
	return _lastEventId;
}


inline long SseEventReader::retryMilliseconds() const
{
	return _retry;
}


inline std::size_t SseEventReader::oversizedSize() const
{
	return _oversizedSize;
}


inline const std::string& SseEventReader::oversizedHead() const
{
	return _head;
}


inline const std::string& SseEventReader::oversizedTail() const
{
	return _tail;
}


} // namespace Nash


#endif // Nash_SseEventReader_INCLUDED
