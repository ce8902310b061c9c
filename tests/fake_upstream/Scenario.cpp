//
// Scenario.cpp
//


#include "Scenario.h"
#include "Poco/NumberParser.h"


namespace FakeUpstream {


namespace {


bool startsWith(const std::string& text, const std::string& prefix)
{
	return text.compare(0, prefix.size(), prefix) == 0;
}


bool parseStatus(const std::string& digits, int& status)
{
	if (digits.size() != 3) return false;
	return Poco::NumberParser::tryParse(digits, status) && status >= 400 && status <= 599;
}


} // namespace


Scenario Scenario::fromModel(const std::string& model)
{
	std::string name = model.substr(0, model.find(':'));
	Scenario scenario;
	if (name == "fault-stall-first") scenario.kind = STALL_FIRST;
	else if (name == "fault-stall-mid") scenario.kind = STALL_MID;
	else if (name == "fault-cut") scenario.kind = CUT;
	else if (name == "fault-malformed") scenario.kind = MALFORMED;
	else if (name == "fault-huge-line") scenario.kind = HUGE_LINE;
	else if (name == "fault-error-mid") scenario.kind = ERROR_MID;
	else if (name == "tools") scenario.kind = TOOLS;
	else if (startsWith(name, "fault-"))
	{
		int status = 0;
		std::string rest = name.substr(6);
		if (parseStatus(rest.substr(0, 3), status))
		{
			std::string tail = rest.substr(3);
			if (tail.empty())
			{
				scenario.kind = ERROR;
				scenario.status = status;
			}
			else if (tail == "-once" || startsWith(tail, "-once-"))
			{
				scenario.kind = ERROR_ONCE;
				scenario.status = status;
			}
		}
	}
	else if (startsWith(name, "bench-"))
	{
		std::string spec = name.substr(6);
		std::string::size_type x = spec.find('x');
		int chunks = 0;
		int delayMs = 0;
		if (x != std::string::npos &&
		    Poco::NumberParser::tryParse(spec.substr(0, x), chunks) && chunks > 0 &&
		    Poco::NumberParser::tryParse(spec.substr(x + 1), delayMs) && delayMs >= 0 && delayMs <= 60000)
		{
			scenario.kind = BENCH;
			scenario.chunks = chunks;
			scenario.delayMs = delayMs;
		}
	}
	return scenario;
}


} // namespace FakeUpstream
