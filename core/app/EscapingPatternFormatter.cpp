//
// EscapingPatternFormatter.cpp
//


#include "core/app/EscapingPatternFormatter.h"
#include "core/http/LogText.h"
#include "Poco/Instantiator.h"
#include "Poco/LoggingFactory.h"
#include "Poco/Message.h"
#include <limits>
#include <mutex>


namespace Nash {


EscapingPatternFormatter::EscapingPatternFormatter()
{
}


void EscapingPatternFormatter::format(const Poco::Message& message, std::string& text)
{
	if (LogText::isClean(message.getText()))
	{
		PatternFormatter::format(message, text);
		return;
	}
	Poco::Message escaped(message);
	escaped.setText(LogText::escape(message.getText(), std::numeric_limits<std::size_t>::max()));
	PatternFormatter::format(escaped, text);
}


void EscapingPatternFormatter::registerClass()
{
	static std::once_flag once;
	std::call_once(once, [] {
		Poco::LoggingFactory::defaultFactory().registerFormatterClass("EscapingPatternFormatter",
			new Poco::Instantiator<EscapingPatternFormatter, Poco::Formatter>);
	});
}


} // namespace Nash
