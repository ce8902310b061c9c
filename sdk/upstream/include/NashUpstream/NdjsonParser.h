//
// NdjsonParser.h
//


#ifndef NashUpstream_NdjsonParser_INCLUDED
#define NashUpstream_NdjsonParser_INCLUDED


#include <cstddef>
#include <functional>
#include <string>


namespace NashUpstream {


class NdjsonParser
	/// Incremental splitter of newline-delimited JSON (one JSON text per
	/// line, as Ollama streams). Bytes are fed as they arrive, cut anywhere;
	/// each complete, non-blank line (without its LF or CRLF) goes to the
	/// callback. Parsing the JSON is the callback's business.
{
public:
	using LineCallback = std::function<void(const std::string&)>;

	explicit NdjsonParser(LineCallback callback, std::size_t maxLineBytes = 16 * 1024 * 1024);

	void feed(const char* data, std::size_t length);
		/// Throws Poco::DataFormatException when a line grows beyond
		/// maxLineBytes.

	void finish();
		/// The stream ended: a last line without a newline is delivered.

private:
	void deliver();

	LineCallback _callback;
	std::size_t _maxLineBytes;
	std::string _line;
};


} // namespace NashUpstream


#endif // NashUpstream_NdjsonParser_INCLUDED
