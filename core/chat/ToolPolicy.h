//
// ToolPolicy.h
//
// Which MCP tools the model may see and call.
//


#ifndef Nash_ToolPolicy_INCLUDED
#define Nash_ToolPolicy_INCLUDED


#include <string>
#include <utility>
#include <vector>


namespace Nash {


class ToolPolicy
	/// A list of "server/tool" patterns ([app] tools): "*" allows every
	/// tool of every server, "demo/*" every tool of server demo,
	/// "demo/add" one tool; either side may hold the wildcards * and ?.
	/// Nothing listed allows nothing: a tool the model may run on the
	/// user's machine is offered only when someone chose to.
{
public:
	ToolPolicy() = default;

	static ToolPolicy parse(const std::vector<std::string>& patterns);
		/// Throws Poco::InvalidArgumentException naming a pattern that is
		/// neither "*" nor "server/tool".

	bool allows(const std::string& server, const std::string& tool) const;

	bool allowsNothing() const;

private:
	static bool matches(const std::string& pattern, const std::string& text);

	std::vector<std::pair<std::string, std::string>> _patterns;
};


} // namespace Nash


#endif // Nash_ToolPolicy_INCLUDED
