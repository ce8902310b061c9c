//
// OAuthSettings.cpp
//


#include "OAuthSettings.h"
#include "EnvironmentExpansion.h"
#include "Poco/Exception.h"
#include "Poco/FileStream.h"
#include "Poco/StreamCopier.h"
#include "Poco/String.h"
#include <cmath>


namespace Nash {


namespace {


std::string text(const Poco::Util::AbstractConfiguration& section, const std::string& key)
{
	return Poco::trim(section.getRawString(key, ""));
}


} // namespace


OAuthSettings OAuthSettings::read(const std::string& serverName, const Poco::Util::AbstractConfiguration& section)
{
	const std::string where = "MCP server '" + serverName + "': key ";
	OAuthSettings settings;
	try
	{
		// A configured Authorization header is the operator's choice of
		// credentials; negotiating others behind it would only confuse.
		bool staticHeader = section.has("headers.Authorization") || section.has("headers.authorization");
		settings.enabled = section.getBool("oauth.enabled", !staticHeader);
	}
	catch (Poco::SyntaxException&)
	{
		throw Poco::InvalidArgumentException(where + "'oauth.enabled' must be true or false");
	}

	std::string grant = Poco::toLower(text(section, "oauth.grant"));
	if (grant.empty() || grant == "authorization_code") settings.grant = AUTHORIZATION_CODE;
	else if (grant == "client_credentials") settings.grant = CLIENT_CREDENTIALS;
	else throw Poco::InvalidArgumentException(where + "'oauth.grant' must be authorization_code or client_credentials");

	settings.clientId = EnvironmentExpansion::expand(text(section, "oauth.client_id"));
	settings.clientSecret = EnvironmentExpansion::expand(text(section, "oauth.client_secret"));
	settings.clientMetadataUrl = text(section, "oauth.client_metadata_url");
	if (!settings.clientMetadataUrl.empty())
	{
		Poco::URI uri;
		try
		{
			uri = Poco::URI(settings.clientMetadataUrl);
		}
		catch (Poco::SyntaxException&)
		{
		}
		// The draft requires https and a path: the URL is the client's identity.
		if (Poco::toLower(uri.getScheme()) != "https" || uri.getPath().empty() || uri.getPath() == "/")
			throw Poco::InvalidArgumentException(where + "'oauth.client_metadata_url' must be an https:// URL with a path");
	}
	std::string name = text(section, "oauth.client_name");
	if (!name.empty()) settings.clientName = name;
	settings.scope = text(section, "oauth.scope");

	settings.tokenEndpointAuthMethod = text(section, "oauth.token_endpoint_auth_method");
	const std::string& method = settings.tokenEndpointAuthMethod;
	if (!method.empty() && method != "client_secret_basic" && method != "client_secret_post" && method != "private_key_jwt" && method != "none")
		throw Poco::InvalidArgumentException(where + "'oauth.token_endpoint_auth_method' must be client_secret_basic, client_secret_post, private_key_jwt or none");

	std::string keyFile = text(section, "oauth.private_key_file");
	if (!keyFile.empty())
	{
		try
		{
			Poco::FileInputStream in(keyFile);
			Poco::StreamCopier::copyToString(in, settings.privateKeyPem);
		}
		catch (Poco::Exception& exc)
		{
			throw Poco::InvalidArgumentException(where + "'oauth.private_key_file': " + exc.displayText());
		}
	}
	std::string algorithm = Poco::toUpper(text(section, "oauth.signing_algorithm"));
	if (!algorithm.empty()) settings.signingAlgorithm = algorithm;
	const std::string& alg = settings.signingAlgorithm;
	if (alg != "RS256" && alg != "RS384" && alg != "RS512" && alg != "ES256" && alg != "ES384" && alg != "ES512")
		throw Poco::InvalidArgumentException(where + "'oauth.signing_algorithm' must be one of RS256, RS384, RS512, ES256, ES384, ES512");

	settings.redirectUri = text(section, "oauth.redirect_uri");
	if (!settings.redirectUri.empty())
	{
		Poco::URI uri;
		try
		{
			uri = Poco::URI(settings.redirectUri);
		}
		catch (Poco::SyntaxException&)
		{
		}
		std::string scheme = Poco::toLower(uri.getScheme());
		if ((scheme != "http" && scheme != "https") || uri.getHost().empty())
			throw Poco::InvalidArgumentException(where + "'oauth.redirect_uri' must be an http:// URL");
	}

	if (section.has("oauth.authorization_timeout"))
	{
		double seconds = 0;
		try
		{
			seconds = section.getDouble("oauth.authorization_timeout");
		}
		catch (Poco::Exception&)
		{
		}
		if (!(seconds > 0) || seconds > 86400)
			throw Poco::InvalidArgumentException(where + "'oauth.authorization_timeout' must be a positive number of seconds");
		settings.authorizationTimeout = std::chrono::milliseconds(static_cast<long long>(std::llround(seconds * 1000)));
	}

	if (settings.grant == CLIENT_CREDENTIALS && settings.clientId.empty())
		throw Poco::InvalidArgumentException(where + "'oauth.client_id' is required for oauth.grant = client_credentials");
	if (settings.grant == CLIENT_CREDENTIALS && settings.clientSecret.empty() && settings.privateKeyPem.empty())
		throw Poco::InvalidArgumentException(where + "'oauth.client_secret' or 'oauth.private_key_file' is required for oauth.grant = client_credentials");
	return settings;
}


} // namespace Nash
