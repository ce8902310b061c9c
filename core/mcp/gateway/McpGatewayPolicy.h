//
// McpGatewayPolicy.h
//


#ifndef Nash_McpGatewayPolicy_INCLUDED
#define Nash_McpGatewayPolicy_INCLUDED


#include "core/chat/ToolPolicy.h"
#include <map>
#include <string>


namespace Nash {


class McpGatewayPolicy
	/// Which tools of which server a client of the MCP gateway may see and
	/// call: the gateway's own allow and deny lists ([mcp] gateway_tools,
	/// gateway_deny) for every client, and narrower ones for the holders of
	/// given tokens ([mcp_access.<name>]). A tool passes when every list
	/// that applies allows it and no deny list names it.
{
public:
	McpGatewayPolicy() = default;
	McpGatewayPolicy(ToolPolicy allowed, ToolPolicy denied);

	void restrict(const std::string& token, const std::string& name, ToolPolicy allowed, ToolPolicy denied);
		/// The holder of token (called name in the log) sees only what
		/// allowed lets through, and nothing denied names, on top of the
		/// lists for everyone.

	bool allows(const std::string& token, const std::string& server, const std::string& tool) const;

	std::string nameOf(const std::string& token) const;
		/// The name given to token, empty when it has no lists of its own.

private:
	struct Lists
	{
		std::string name;
		ToolPolicy allowed;
		ToolPolicy denied;
	};

	ToolPolicy _allowed;
	ToolPolicy _denied;
	std::map<std::string, Lists> _byToken;
};


} // namespace Nash


#endif // Nash_McpGatewayPolicy_INCLUDED
