//
// OversizedMessage.cpp
//


#include "OversizedMessage.h"
#include <cctype>


namespace Nash {


namespace {


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
	/// Whether a byte is inside a string is known from where the line
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


} // namespace


void OversizedMessage::begin(const std::string& head)
{
	_head = head.substr(0, KEPT);
	_tail = head.size() > KEPT ? head.substr(head.size() - KEPT) : head;
	_size = head.size();
}


void OversizedMessage::append(const char* data, std::size_t size)
{
	_size += size;
	if (size >= KEPT)
	{
		_tail.assign(data + size - KEPT, KEPT);
		return;
	}
	_tail.append(data, size);
	if (_tail.size() > KEPT) _tail.erase(0, _tail.size() - KEPT);
}


std::size_t OversizedMessage::size() const
{
	return _size;
}


std::string OversizedMessage::idOf(const std::string& head, const std::string& tail)
{
	// An answer, not a request of the server: the members before "result"
	// or "error" (at the start), or after them (at the end), are "jsonrpc"
	// and "id" in either order.
	static const std::string version = "\"jsonrpc\":\"2.0\"";
	std::string start = compact(head, false);
	if (!start.empty() && start[0] == '{')
	{
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


std::string OversizedMessage::errorResponse(const std::string& serverName, std::size_t limit) const
{
	std::string id = idOf(_head, _tail);
	if (id.empty()) return std::string();
	return "{\"jsonrpc\":\"2.0\",\"id\":" + id + ",\"error\":{\"code\":-32603,\"message\":\"The answer of MCP server '" + serverName +
		"' was " + std::to_string(_size) + " bytes, more than max_message_size (" + std::to_string(limit) + "); it was dropped\"}}";
}


} // namespace Nash
