//
// Scenario.cpp
//


#include "Scenario.h"
#include "ToolScript.h"
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


bool parseScript(const std::string& spec, Scenario& scenario)
	/// spec is the model name after "script-".
{
	static const struct
	{
		const char* prefix;
		Scenario::Kind kind;
	}
	simple[] = {
		{"call-", Scenario::SCRIPT_CALL},
		{"forever-", Scenario::SCRIPT_FOREVER},
		{"parallel-", Scenario::SCRIPT_PARALLEL}
	};
	for (const auto& entry: simple)
	{
		std::string prefix(entry.prefix);
		if (startsWith(spec, prefix) && ToolScript::validToolName(spec.substr(prefix.size())))
		{
			scenario.kind = entry.kind;
			scenario.tool = spec.substr(prefix.size());
			return true;
		}
	}
	if (!startsWith(spec, "rounds-")) return false;
	std::string rest = spec.substr(7);
	std::string::size_type dash = rest.find('-');
	int rounds = 0;
	if (dash == std::string::npos || dash == 0 || dash > 4 || rest.find_first_not_of("0123456789") != dash) return false;
	if (!Poco::NumberParser::tryParse(rest.substr(0, dash), rounds) || rounds < 1) return false;
	if (!ToolScript::validToolName(rest.substr(dash + 1))) return false;
	scenario.kind = Scenario::SCRIPT_ROUNDS;
	scenario.rounds = rounds;
	scenario.tool = rest.substr(dash + 1);
	return true;
}


} // namespace


bool Scenario::scripted() const
{
	return kind == SCRIPT_CALL || kind == SCRIPT_ROUNDS || kind == SCRIPT_FOREVER || kind == SCRIPT_PARALLEL;
}


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
	else if (startsWith(name, "script-"))
	{
		Scenario script;
		if (parseScript(name.substr(7), script)) scenario = script;
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
