//
// SseParser.h
//


#ifndef NashUpstream_SseParser_INCLUDED
#define NashUpstream_SseParser_INCLUDED


#include <cstddef>
#include <functional>
#include <string>


namespace NashUpstream {


struct SseEvent
	/// One server-sent event as the WHATWG event-stream format defines it.
{
	std::string name;
		/// The "event:" field; empty for the default "message".
	std::string data;
		/// The "data:" lines joined with "\n".
	std::string id;
};


class SseParser
	/// Incremental parser of a text/event-stream body. Bytes are fed as they
	/// arrive, cut anywhere (inside a line, a CRLF or a UTF-8 sequence); each
	/// complete event is handed to the callback once its blank line arrives.
	/// Lines end in LF, CRLF or CR; ":" lines are comments; "retry:" is kept.
{
public:
	using EventCallback = std::function<void(const SseEvent&)>;

	explicit SseParser(EventCallback callback, std::size_t maxLineBytes = 16 * 1024 * 1024);

	void feed(const char* data, std::size_t length);
		/// Parses more of the stream. Throws Poco::DataFormatException when a
		/// line grows beyond maxLineBytes. Exceptions thrown by the callback
		/// pass through.

	void finish();
		/// The stream ended: an event not yet closed by a blank line is
		/// discarded, as the format requires.

	long retryMilliseconds() const;
		/// The last "retry:" value, or -1.

private:
	void line(const std::string& text);
	void dispatch();

	EventCallback _callback;
	std::size_t _maxLineBytes;
	std::string _line;
	bool _lastWasCR = false;
	SseEvent _event;
	bool _hasData = false;
	long _retry = -1;
};


} // namespace NashUpstream


#endif // NashUpstream_SseParser_INCLUDED
