//
// JsonOut.h
//


#ifndef FakeUpstream_JsonOut_INCLUDED
#define FakeUpstream_JsonOut_INCLUDED


#include <string>


namespace FakeUpstream {


class JsonOut
	/// Appends JSON pieces to a reused buffer. The streamed events are written
	/// by hand into one buffer per response, so that a long benchmark stream
	/// allocates nothing per event.
{
public:
	static void appendString(std::string& out, const std::string& text);
		/// Appends text as a JSON string literal, quotes included. UTF-8 is
		/// kept as it is; quotes, backslashes and control characters are
		/// escaped.

	static void appendNumber(std::string& out, long long value);
};


} // namespace FakeUpstream


#endif // FakeUpstream_JsonOut_INCLUDED
