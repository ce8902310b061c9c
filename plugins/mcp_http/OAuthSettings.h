//
// OAuthSettings.h
//
// The oauth.* keys of an MCP server's section.
//


#ifndef Nash_OAuthSettings_INCLUDED
#define Nash_OAuthSettings_INCLUDED


#include "Poco/URI.h"
#include "Poco/Util/AbstractConfiguration.h"
#include <chrono>
#include <string>


namespace Nash {


class OAuthSettings
	/// Keys (relative to the server's section):
	///   oauth.enabled                 false: a 401 is an error like any other
	///                                 (default true, false when
	///                                 headers.Authorization is configured)
	///   oauth.grant                   authorization_code (default) or
	///                                 client_credentials
	///   oauth.client_id               a client registered with the
	///                                 authorization server beforehand
	///   oauth.client_secret           its secret; ${VAR} takes it from the
	///                                 environment
	///   oauth.client_metadata_url     an https URL of our Client ID Metadata
	///                                 Document, used as client_id where the
	///                                 server supports that
	///   oauth.client_name             the name registered dynamically
	///   oauth.scope                   asked for when the server's challenge
	///                                 names none
	///   oauth.token_endpoint_auth_method  client_secret_basic,
	///                                 client_secret_post, private_key_jwt or
	///                                 none; default: chosen from what the
	///                                 server supports
	///   oauth.private_key_file        PEM private key for private_key_jwt
	///   oauth.signing_algorithm       its JWS algorithm (default RS256)
	///   oauth.redirect_uri            where the browser returns to with the
	///                                 code: http://127.0.0.1:<port>/<path>
	///   oauth.authorization_timeout   seconds a pending authorization stays
	///                                 open for the user (default 300)
{
public:
	enum Grant
	{
		AUTHORIZATION_CODE,
		CLIENT_CREDENTIALS
	};

	static OAuthSettings read(const std::string& serverName, const Poco::Util::AbstractConfiguration& section);
		/// Throws Poco::InvalidArgumentException naming a key that is unusable.

	bool enabled = true;
	Grant grant = AUTHORIZATION_CODE;
	std::string clientId;
	std::string clientSecret;
	std::string clientMetadataUrl;
	std::string clientName = "nash-llm-server";
	std::string scope;
	std::string tokenEndpointAuthMethod;
	std::string privateKeyPem;
	std::string signingAlgorithm = "RS256";
	std::string redirectUri;
	std::chrono::milliseconds authorizationTimeout{300000};
};


} // namespace Nash


#endif // Nash_OAuthSettings_INCLUDED
