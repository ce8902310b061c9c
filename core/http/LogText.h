//
// LogText.h
//


#ifndef Nash_LogText_INCLUDED
#define Nash_LogText_INCLUDED


#include <cstddef>
#include <string>


namespace Nash {


class LogText
	/// Text from a client (a path, a header, a model name) made safe for a
	/// log line: a control character could otherwise end the line and forge
	/// the next one (a web page can put %0d%0a in a URL).
{
public:
	static std::string escape(const std::string& text, std::size_t maxBytes = 2048);
		/// Control characters (C0 and DEL) become \xNN; text beyond maxBytes
		/// is cut and marked with "...".

	static bool isClean(const std::string& text);
		/// No control character in text.
};


} // namespace Nash


#endif // Nash_LogText_INCLUDED
