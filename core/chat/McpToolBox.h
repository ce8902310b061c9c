//
// McpToolBox.h
//
// The tools of the configured MCP servers that the policy allows.
//


#ifndef Nash_McpToolBox_INCLUDED
#define Nash_McpToolBox_INCLUDED


#include "core/chat/ToolBox.h"
#include "core/chat/ToolPolicy.h"
#include <chrono>
#include <map>
#include <set>


namespace Nash {


class McpManager;


class McpToolBox: public ToolBox
	/// Lists the tools of the MCP servers once, offers those the policy
	/// allows under names every provider takes (the MCP name where it is
	/// valid and unique, else "<server>__<name>"), and runs the model's
	/// calls through tools/call, bounded in time and size.
{
public:
	struct Limits
	{
		std::chrono::milliseconds callTimeout{120000};
		std::size_t maxResultBytes = 1024 * 1024;
	};

	McpToolBox(McpManager& mcp, const ToolPolicy& policy, const std::vector<std::string>& servers, const Limits& limits, const CancellationToken& cancellation);
		/// Lists the tools of servers (every server when empty). A server
		/// that does not answer is left out while others answer; throws
		/// McpError when none answers (and there is one to ask).

	const std::vector<ToolDefinition>& tools() const override;

	ToolOutcome call(const std::string& name, const Poco::JSON::Object::Ptr& arguments, CancellationToken& cancellation) override;

	static std::string resultText(const Poco::JSON::Object::Ptr& result);
		/// A CallToolResult as the text the model reads: the text items
		/// joined with newlines, other items described ("[image image/png]"),
		/// "No result content" when there is nothing.

	static std::string providerName(const std::string& server, const std::string& tool, bool qualify);
		/// tool when it is valid and qualify is false, else
		/// "<server>__<tool>" with characters outside [a-zA-Z0-9_-] as '_',
		/// at most 64 bytes.

private:
	struct Target
	{
		std::string server;
		std::string tool;
	};

	McpManager& _mcp;
	Limits _limits;
	std::vector<ToolDefinition> _tools;
	std::map<std::string, Target> _targets;
	std::set<std::string> _refused;
		// Names of tools that exist but the policy does not allow.
};


} // namespace Nash


#endif // Nash_McpToolBox_INCLUDED
