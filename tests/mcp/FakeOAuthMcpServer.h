//
// FakeOAuthMcpServer.h
//
// An MCP server that requires OAuth, and its authorization server, in one
// loopback HTTP server, for the tests of the http transport's OAuth client.
//


#ifndef NashTest_FakeOAuthMcpServer_INCLUDED
#define NashTest_FakeOAuthMcpServer_INCLUDED


#include "Poco/Net/HTTPServer.h"
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>


namespace NashTest {


class FakeOAuthMcpServer
	/// The MCP endpoint is /mcp (JSON answers, no sessions): initialize,
	/// tools/list (one tool, "echo") and ping, each only with a Bearer token
	/// it issued; else 401 naming its resource metadata. The authorization
	/// server: RFC 8414 metadata, /register (always the client "dyn-client"
	/// with secret "dyn-secret"), /authorize (approves at once: redirects
	/// with a code), /token (authorization_code with PKCE checked,
	/// client_credentials for client "cc-client" with secret "cc secret"
	/// by client_secret_basic, refresh_token).
{
public:
	struct Seen
		/// What the server saw, in order.
	{
		std::vector<std::string> mcpAuthorizations;
			// The Authorization header of every request to /mcp (POST,
			// GET, DELETE), "-" for none.
		std::vector<std::string> grants;
			// grant_type of every token request.
		std::vector<std::string> tokenAuthorizations;
		std::vector<std::string> resources;
			// The resource parameter of authorization and token requests.
		int registrations = 0;
		int authorizations = 0;
		bool pkceMismatch = false;
	};

	explicit FakeOAuthMcpServer(bool refreshTokens = false, const std::string& resourceOverride = std::string());
	~FakeOAuthMcpServer();

	std::string url() const;
		/// The MCP endpoint.

	void revokeTokens();
		/// Every access token issued so far is refused from now on.

	Seen seen() const;

	struct State;

private:
	std::shared_ptr<State> _state;
	std::unique_ptr<Poco::Net::HTTPServer> _server;
};


} // namespace NashTest


#endif // NashTest_FakeOAuthMcpServer_INCLUDED
