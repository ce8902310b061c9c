//
// OAuthClient.h
//
// MCP authorization, the client side (OAuth 2.1 with the MCP
// specification's discovery rules).
//


#ifndef Nash_OAuthClient_INCLUDED
#define Nash_OAuthClient_INCLUDED


#include "AuthorizationAgent.h"
#include "OAuthSettings.h"
#include "Poco/JSON/Object.h"
#include "Poco/Logger.h"
#include "Poco/URI.h"
#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>


namespace Nash {


class OAuthClient
	/// Gets and keeps the access token for one MCP server. The transport
	/// sends accessToken() as a Bearer token and hands every 401 (and every
	/// 403 with error="insufficient_scope") to challenge(), then repeats its
	/// request when that returns true.
	///
	/// On a challenge: the protected resource metadata (RFC 9728) is looked
	/// up where the challenge's resource_metadata points, else at the
	/// well-known locations; its resource must be this server. Then the
	/// first authorization server's metadata (RFC 8414, OpenID Connect
	/// Discovery). A server without resource metadata is one of 2025-03-26:
	/// its origin is the authorization server, and without metadata there
	/// its endpoints are /authorize, /token and /register.
	///
	/// The client: a configured client_id (and secret or key); else the
	/// configured Client ID Metadata Document URL where the server supports
	/// those; else one registered dynamically (RFC 7591), kept for the
	/// process's lifetime. The grant: authorization code with PKCE (S256),
	/// state and the resource indicator (RFC 8707), its interactive step
	/// done by the AuthorizationAgent; or client credentials, with
	/// client_secret_basic/post or private_key_jwt. A refresh token, when
	/// the server gives one, renews an expired or rejected token first.
	///
	/// Tokens and secrets live in memory only and are never logged.
{
public:
	using SessionFactory = AuthorizationAgent::SessionFactory;

	static const int MAX_ATTEMPTS = 3;
		/// Authorizations one request may cause: a server that keeps
		/// rejecting what it asked for does not get us into a loop.

	OAuthClient(const std::string& serverName, const Poco::URI& server, const OAuthSettings& settings,
		SessionFactory sessions, std::shared_ptr<AuthorizationAgent> agent);
	~OAuthClient();

	void setAgent(std::shared_ptr<AuthorizationAgent> agent);

	std::string accessToken();
		/// The token to send, empty when none was obtained yet. Refreshes
		/// one that expired when a refresh token allows.

	bool challenge(int status, const std::string& wwwAuthenticate, const std::string& rejectedToken, int& attempts,
		bool interactive, const std::function<bool()>& cancelled, std::string& failure);
		/// Called with the status and WWW-Authenticate header of a refused
		/// request and the token it carried. True when a new token is there
		/// to try; false with failure set (a text without secrets) when not.
		/// attempts counts the authorizations of one request. Without
		/// interactive, no user is asked (for messages sent on a caller's
		/// thread, which must not wait minutes).

private:
	struct Token
	{
		std::string access;
		std::string refresh;
		std::string scope;
		std::chrono::steady_clock::time_point expires = std::chrono::steady_clock::time_point::max();
	};

	struct Pending
		/// An authorization request the user may still complete.
	{
		std::string url;
		std::string state;
		std::string verifier;
		std::string scope;
		std::chrono::steady_clock::time_point expires;
	};

	struct HttpResult
	{
		int status = 0;
		std::string body;
	};

	void discover(const std::string& resourceMetadataUrl);
	void ensureClient();
	std::string tokenAuthMethod() const;
	bool authorizationCode(const std::string& scope, const std::function<bool()>& cancelled);
	void clientCredentials(const std::string& scope);
	bool refresh();
	void requestToken(std::map<std::string, std::string> form, const std::string& requestedScope);
	void setToken(const Token& token);
	Poco::JSON::Object::Ptr getJson(const Poco::URI& uri);
	HttpResult post(const Poco::URI& uri, const std::string& contentType, const std::string& body, const std::string& authorization);
	std::string endpoint(const std::string& name, const std::string& fallbackPath) const;

	std::string _serverName;
	Poco::URI _server;
	OAuthSettings _settings;
	SessionFactory _sessions;
	std::shared_ptr<AuthorizationAgent> _agent;
	Poco::Logger& _logger;

	std::mutex _flowMutex;
		// One authorization at a time; held for long (a user at a browser).
	std::string _metadataSource;
	bool _discovered = false;
	bool _legacy = false;
		// No resource metadata: a server of 2025-03-26.
	std::string _resource;
	std::vector<std::string> _scopesSupported;
	Poco::URI _issuer;
	Poco::JSON::Object::Ptr _asMetadata;
	std::string _clientId;
	std::string _clientSecret;
	std::string _registeredAuthMethod;
	std::string _clientIssuer;
		// The authorization server the client is known to (registered) at.
	Pending _pending;

	std::mutex _tokenMutex;
	Token _token;
};


} // namespace Nash


#endif // Nash_OAuthClient_INCLUDED
