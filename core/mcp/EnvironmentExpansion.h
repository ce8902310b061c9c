//
// EnvironmentExpansion.h
//
// ${VAR} in configuration values, expanded the same way by the MCP client's
// settings and by the transport plugins.
//


#ifndef Nash_EnvironmentExpansion_INCLUDED
#define Nash_EnvironmentExpansion_INCLUDED


#include <string>


namespace Nash {


class EnvironmentExpansion
	/// Secrets such as tokens and client secrets are kept out of the
	/// configuration files by naming an environment variable instead.
	/// Built into NashMcpMessage, which the client (McpServerSettings) and
	/// the mcp_http plugin (OAuthSettings) both link, so that a value means
	/// the same in either place.
{
public:
	static std::string expand(const std::string& value);
		/// value with each ${NAME} replaced by the environment variable NAME
		/// (empty when it is not set). "$${" stays a literal "${"; a "${"
		/// without its "}" and a bare $NAME are left as they are.
};


} // namespace Nash


#endif // Nash_EnvironmentExpansion_INCLUDED
