//
// McpGatewayPolicy.cpp
//


#include "core/mcp/gateway/McpGatewayPolicy.h"


namespace Nash {


McpGatewayPolicy::McpGatewayPolicy(ToolPolicy allowed, ToolPolicy denied):
	_allowed(std::move(allowed)),
	_denied(std::move(denied))
{
}


void McpGatewayPolicy::restrict(const std::string& token, const std::string& name, ToolPolicy allowed, ToolPolicy denied)
{
	_byToken[token] = Lists{name, std::move(allowed), std::move(denied)};
}


bool McpGatewayPolicy::allows(const std::string& token, const std::string& server, const std::string& tool) const
{
	if (!_allowed.allows(server, tool) || _denied.allows(server, tool)) return false;
	auto it = _byToken.find(token);
	if (it == _byToken.end()) return true;
	return it->second.allowed.allows(server, tool) && !it->second.denied.allows(server, tool);
}


std::string McpGatewayPolicy::nameOf(const std::string& token) const
{
	auto it = _byToken.find(token);
	return it == _byToken.end() ? std::string() : it->second.name;
}


} // namespace Nash
