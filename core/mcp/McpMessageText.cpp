//
// McpMessageText.cpp
//


#include "McpMessageText.h"
#include "Poco/JSON/Parser.h"
#include "Poco/NumberParser.h"
#include <cctype>


namespace Nash {


namespace {


const std::size_t PARSER_DEPTH = McpMessageText::MAX_DEPTH + 2;
	// The result, the message around it, a batch around the message.


std::size_t skipBlanks(const std::string& text, std::size_t at)
{
	while (at < text.size() && std::isspace(static_cast<unsigned char>(text[at]))) ++at;
	return at;
}


std::string idValueAt(const std::string& text, std::size_t at)
	/// The JSON number or simple string at text[at], or "".
{
	at = skipBlanks(text, at);
	if (at >= text.size()) return std::string();
	std::size_t end = at;
	if (text[at] == '"')
	{
		end = text.find('"', at + 1);
		if (end == std::string::npos || text.find('\\', at) < end) return std::string();
		return text.substr(at, end + 1 - at);
	}
	while (end < text.size() && (std::isdigit(static_cast<unsigned char>(text[end])) || text[end] == '-')) ++end;
	return end > at ? text.substr(at, end - at) : std::string();
}


bool quoteAt(const std::string& text, std::size_t i)
	/// An unescaped double quote.
{
	if (text[i] != '"') return false;
	std::size_t backslashes = 0;
	while (backslashes < i && text[i - 1 - backslashes] == '\\') ++backslashes;
	return backslashes % 2 == 0;
}


std::string compact(const std::string& text, bool fromTheEnd)
	/// text without blanks outside strings, for matching fixed members.
	/// Whether a byte is inside a string is known from where the message
	/// begins or ends, so a head is read forwards and a tail backwards.
{
	std::string out;
	bool inString = false;
	for (std::size_t n = 0; n < text.size(); ++n)
	{
		std::size_t i = fromTheEnd ? text.size() - 1 - n : n;
		char c = text[i];
		if (quoteAt(text, i)) inString = !inString;
		if (!inString && std::isspace(static_cast<unsigned char>(c))) continue;
		out += c;
	}
	if (fromTheEnd) out.assign(out.rbegin(), out.rend());
	return out;
}


bool namesMethod(const std::string& start)
	/// A compacted head of an object with a "method" member of its own
	/// (not of a nested object): a request or notification.
{
	static const std::string key = "\"method\":";
	int depth = 0;
	bool inString = false;
	for (std::size_t i = 0; i < start.size(); ++i)
	{
		if (quoteAt(start, i))
		{
			if (!inString && depth == 1 && start.compare(i, key.size(), key) == 0) return true;
			inString = !inString;
		}
		else if (!inString && (start[i] == '{' || start[i] == '['))
		{
			++depth;
		}
		else if (!inString && (start[i] == '}' || start[i] == ']'))
		{
			--depth;
		}
	}
	return false;
}


std::size_t nesting(const std::string& text)
	/// How deep objects and arrays nest in text, brackets in strings aside.
{
	std::size_t depth = 0;
	std::size_t deepest = 0;
	bool inString = false;
	bool escaped = false;
	for (char c: text)
	{
		if (inString)
		{
			if (escaped) escaped = false;
			else if (c == '\\') escaped = true;
			else if (c == '"') inString = false;
		}
		else if (c == '"')
		{
			inString = true;
		}
		else if (c == '{' || c == '[')
		{
			if (++depth > deepest) deepest = depth;
		}
		else if ((c == '}' || c == ']') && depth > 0)
		{
			--depth;
		}
	}
	return deepest;
}


} // namespace


Poco::Dynamic::Var McpMessageText::parse(const std::string& text)
{
	Poco::JSON::Parser parser;
	parser.setDepth(PARSER_DEPTH);
	return parser.parse(text);
}


std::string McpMessageText::problemOf(const std::string& text)
{
	if (nesting(text) > PARSER_DEPTH)
		return "was nested deeper than the " + std::to_string(MAX_DEPTH) + " levels a result may have";
	return "was not valid JSON";
}


Poco::Dynamic::Var McpMessageText::idValue(const std::string& idText)
{
	if (idText.size() >= 2 && idText.front() == '"' && idText.back() == '"')
		return idText.substr(1, idText.size() - 2);
	Poco::Int64 number = 0;
	if (Poco::NumberParser::tryParse64(idText, number)) return number;
	return Poco::Dynamic::Var();
}


std::string McpMessageText::responseId(const std::string& text)
{
	if (text.size() <= ENDS_KEPT) return responseId(text, text);
	return responseId(text.substr(0, ENDS_KEPT), text.substr(text.size() - ENDS_KEPT));
}


std::string McpMessageText::responseId(const std::string& head, const std::string& tail)
{
	// An answer, not a request of the server: the members before "result"
	// or "error" (at the start), or after them (at the end), are "jsonrpc"
	// and "id" in either order.
	static const std::string version = "\"jsonrpc\":\"2.0\"";
	std::string start = compact(head, false);
	if (!start.empty() && start[0] == '{')
	{
		if (namesMethod(start)) return std::string();
		std::size_t at = 1;
		std::string id;
		for (int member = 0; member < 2; ++member)
		{
			if (start.compare(at, version.size(), version) == 0)
			{
				at += version.size();
			}
			else if (start.compare(at, 5, "\"id\":") == 0)
			{
				id = idValueAt(start, at + 5);
				if (id.empty()) return std::string();
				at += 5 + id.size();
			}
			else
			{
				break;
			}
			if (at >= start.size() || start[at] != ',') return std::string();
			++at;
		}
		if (!id.empty() && (start.compare(at, 9, "\"result\":") == 0 || start.compare(at, 8, "\"error\":") == 0))
			return id;
	}
	std::string end = compact(tail, true);
	if (end.empty() || end.back() != '}') return std::string();
	end.pop_back();
	// ...,"jsonrpc":"2.0","id":7}
	std::size_t key = end.rfind("\"id\":");
	if (key != std::string::npos && key >= version.size() + 1 && end.compare(key - version.size() - 1, version.size() + 1, version + ",") == 0)
	{
		std::string id = idValueAt(end, key + 5);
		if (!id.empty() && key + 5 + id.size() == end.size()) return id;
	}
	// ...,"id":7,"jsonrpc":"2.0"}
	if (end.size() > version.size() && end.compare(end.size() - version.size(), version.size(), version) == 0)
	{
		std::string before = end.substr(0, end.size() - version.size());
		if (before.empty() || before.back() != ',') return std::string();
		before.pop_back();
		key = before.rfind("\"id\":");
		if (key == std::string::npos) return std::string();
		std::string id = idValueAt(before, key + 5);
		if (!id.empty() && key + 5 + id.size() == before.size()) return id;
	}
	return std::string();
}


} // namespace Nash
