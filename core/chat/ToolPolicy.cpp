//
// ToolPolicy.cpp
//


#include "core/chat/ToolPolicy.h"
#include "Poco/Exception.h"
#include "Poco/String.h"


namespace Nash {


ToolPolicy ToolPolicy::parse(const std::vector<std::string>& patterns)
{
	ToolPolicy policy;
	for (const auto& given: patterns)
	{
		std::string pattern = Poco::trim(given);
		if (pattern.empty()) continue;
		if (pattern == "*")
		{
			policy._patterns.emplace_back("*", "*");
			continue;
		}
		std::string::size_type slash = pattern.find('/');
		if (slash == std::string::npos || slash == 0 || slash + 1 == pattern.size() || pattern.find('/', slash + 1) != std::string::npos)
			throw Poco::InvalidArgumentException("'" + pattern + "' is not a tool pattern: write *, <server>/* or <server>/<tool>");
		policy._patterns.emplace_back(pattern.substr(0, slash), pattern.substr(slash + 1));
	}
	return policy;
}


bool ToolPolicy::allows(const std::string& server, const std::string& tool) const
{
	for (const auto& pattern: _patterns)
	{
		if (matches(pattern.first, server) && matches(pattern.second, tool)) return true;
	}
	return false;
}


bool ToolPolicy::allowsNothing() const
{
	return _patterns.empty();
}


bool ToolPolicy::matches(const std::string& pattern, const std::string& text)
	/// Glob matching of * (any run) and ? (one byte), iteratively with one
	/// back-tracking point, so a hostile pattern cannot make it slow.
{
	std::size_t p = 0, t = 0, star = std::string::npos, mark = 0;
	while (t < text.size())
	{
		if (p < pattern.size() && (pattern[p] == '?' || pattern[p] == text[t]))
		{
			++p;
			++t;
		}
		else if (p < pattern.size() && pattern[p] == '*')
		{
			star = p++;
			mark = t;
		}
		else if (star != std::string::npos)
		{
			p = star + 1;
			t = ++mark;
		}
		else
		{
			return false;
		}
	}
	while (p < pattern.size() && pattern[p] == '*') ++p;
	return p == pattern.size();
}


} // namespace Nash
