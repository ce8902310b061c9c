//
// ToolScript.cpp
//


#include "ToolScript.h"
#include "Poco/Exception.h"
#include "Poco/JSON/Object.h"
#include "Poco/JSON/ParseHandler.h"
#include "Poco/JSON/Parser.h"
#include <algorithm>
#include <random>
#include <sstream>


namespace FakeUpstream {


const std::string ToolScript::resultSeparator(" | ");


namespace {


const std::size_t maxFragmentBytes = 4;
const int idLength = 24;


std::size_t sequenceLength(unsigned char lead)
	/// The bytes of the UTF-8 sequence that lead begins; 1 for a byte that
	/// begins none.
{
	if (lead >= 0xF8) return 1;
	if (lead >= 0xF0) return 4;
	if (lead >= 0xE0) return 3;
	if (lead >= 0xC0) return 2;
	return 1;
}


std::string join(const std::vector<std::string>& texts, const std::string& separator)
{
	std::string joined;
	for (std::size_t i = 0; i < texts.size(); ++i)
	{
		if (i > 0) joined += separator;
		joined += texts[i];
	}
	return joined;
}


} // namespace


std::string ScriptedTurn::text() const
{
	return join(textPieces, "");
}


int ScriptedTurn::outputTokens() const
{
	std::size_t tokens = textPieces.size();
	for (const auto& call: calls) tokens += call.fragments.size();
	return static_cast<int>(tokens);
}


ScriptedTurn ToolScript::plan(const Scenario& scenario, const ToolHistory& history, const std::string& idPrefix)
{
	bool answered = !history.lastResults.empty();
	bool finish = false;
	switch (scenario.kind)
	{
	case Scenario::SCRIPT_CALL:
	case Scenario::SCRIPT_PARALLEL:
		finish = answered;
		break;
	case Scenario::SCRIPT_ROUNDS:
		finish = answered && history.results >= scenario.rounds;
		break;
	default:
		break;
	}

	ScriptedTurn turn;
	if (finish)
	{
		turn.textPieces = {"Result:", " " + join(history.lastResults, resultSeparator)};
		return turn;
	}
	if (scenario.kind == Scenario::SCRIPT_ROUNDS && answered) turn.textPieces = {"Again."};
	else if (scenario.kind != Scenario::SCRIPT_FOREVER) turn.textPieces = {"I'll use", " " + scenario.tool + "."};

	ScriptedCall call;
	call.name = scenario.tool;
	call.arguments = argumentsFrom(history.firstUserText);
	call.fragments = splitArguments(call.arguments);
	int count = scenario.kind == Scenario::SCRIPT_PARALLEL ? 2 : 1;
	for (int i = 0; i < count; ++i)
	{
		call.id = newId(idPrefix);
		turn.calls.push_back(call);
	}
	return turn;
}


std::string ToolScript::argumentsFrom(const std::string& text)
{
	try
	{
		// Keeping the key order lets a test compare the arguments as text.
		Poco::JSON::Parser parser(new Poco::JSON::ParseHandler(true));
		Poco::Dynamic::Var parsed = parser.parse(text);
		if (parsed.type() == typeid(Poco::JSON::Object::Ptr))
		{
			std::ostringstream out;
			parsed.extract<Poco::JSON::Object::Ptr>()->stringify(out, 0);
			return out.str();
		}
	}
	catch (Poco::Exception&)
	{
	}
	return "{}";
}


std::vector<std::string> ToolScript::splitArguments(const std::string& json)
{
	std::vector<std::string> fragments;
	std::string fragment;
	std::size_t pos = 0;
	while (pos < json.size())
	{
		std::size_t length = std::min(sequenceLength(static_cast<unsigned char>(json[pos])), json.size() - pos);
		if (fragment.size() + length > maxFragmentBytes)
		{
			fragments.push_back(fragment);
			fragment.clear();
		}
		fragment.append(json, pos, length);
		pos += length;
	}
	if (!fragment.empty()) fragments.push_back(fragment);
	return fragments;
}


bool ToolScript::validToolName(const std::string& name)
{
	if (name.empty() || name.size() > 64) return false;
	for (char c: name)
	{
		bool alnum = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
		if (!alnum && c != '_' && c != '-') return false;
	}
	return true;
}


std::string ToolScript::newId(const std::string& prefix)
{
	static const char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
	thread_local std::mt19937 generator{std::random_device{}()};
	std::uniform_int_distribution<std::size_t> pick(0, sizeof(alphabet) - 2);
	std::string id(prefix);
	for (int i = 0; i < idLength; ++i) id += alphabet[pick(generator)];
	return id;
}


} // namespace FakeUpstream
