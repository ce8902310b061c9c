//
// OAuthScope.h
//
// Which scope an authorization request asks for.
//


#ifndef Nash_OAuthScope_INCLUDED
#define Nash_OAuthScope_INCLUDED


#include <string>
#include <vector>


namespace Nash {


class OAuthScope
	/// Scopes are space-separated lists (RFC 6749 section 3.3); the results
	/// here keep the order of first appearance and drop duplicates.
{
public:
	static std::string select(const std::string& challenged, const std::string& configured, const std::vector<std::string>& supported);
		/// The MCP scope selection strategy: the scope of the server's
		/// WWW-Authenticate challenge; else the one configured; else every
		/// scope the resource metadata lists as supported; else none (the
		/// parameter is then left out).

	static std::string merge(const std::string& held, const std::string& challenged);
		/// A step-up: what was asked before plus what the server now demands,
		/// so that the new token does not lose what the old one could do.

	static bool covers(const std::string& held, const std::string& wanted);
		/// Every scope of wanted is in held.

	static std::vector<std::string> split(const std::string& scope);
	static std::string join(const std::vector<std::string>& scopes);
};


} // namespace Nash


#endif // Nash_OAuthScope_INCLUDED
