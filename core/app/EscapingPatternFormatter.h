//
// EscapingPatternFormatter.h
//


#ifndef Nash_EscapingPatternFormatter_INCLUDED
#define Nash_EscapingPatternFormatter_INCLUDED


#include "Poco/PatternFormatter.h"


namespace Nash {


class EscapingPatternFormatter: public Poco::PatternFormatter
	/// Poco's PatternFormatter, with control characters in the message text
	/// escaped (LogText), so that no log line can carry a line break or a
	/// terminal escape, whoever wrote the text. The server's default logging
	/// configuration uses it under the class name "EscapingPatternFormatter".
{
public:
	EscapingPatternFormatter();

	void format(const Poco::Message& message, std::string& text) override;

	static void registerClass();
		/// Makes the class known to Poco's LoggingFactory (before the
		/// logging configuration is read).
};


} // namespace Nash


#endif // Nash_EscapingPatternFormatter_INCLUDED
