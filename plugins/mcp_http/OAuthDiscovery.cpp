//
// OAuthDiscovery.cpp
//


#include "OAuthDiscovery.h"
#include "Poco/Exception.h"
#include "Poco/String.h"


namespace Nash {


namespace {


std::string trimmedPath(const Poco::URI& uri)
	/// The path without trailing slashes; "" for the root.
{
	std::string path = uri.getPath();
	while (!path.empty() && path.back() == '/') path.pop_back();
	return path;
}


Poco::URI withPath(const Poco::URI& base, const std::string& path)
{
	Poco::URI result(OAuthDiscovery::origin(base));
	result.setPath(path);
	return result;
}


} // namespace


Poco::URI OAuthDiscovery::origin(const Poco::URI& uri)
{
	Poco::URI result;
	result.setScheme(uri.getScheme());
	result.setHost(uri.getHost());
	result.setPort(uri.getPort());
	return result;
}


std::vector<Poco::URI> OAuthDiscovery::protectedResourceMetadataUrls(const Poco::URI& server, const std::string& fromChallenge)
{
	std::vector<Poco::URI> urls;
	if (!fromChallenge.empty())
	{
		try
		{
			Poco::URI named(server, fromChallenge);
			std::string scheme = Poco::toLower(named.getScheme());
			if (scheme == "http" || scheme == "https") urls.push_back(named);
		}
		catch (Poco::SyntaxException&)
		{
			// Then the well-known locations are all there is.
		}
	}
	std::string path = trimmedPath(server);
	if (!path.empty()) urls.push_back(withPath(server, "/.well-known/oauth-protected-resource" + path));
	urls.push_back(withPath(server, "/.well-known/oauth-protected-resource"));
	return urls;
}


std::vector<Poco::URI> OAuthDiscovery::authorizationServerMetadataUrls(const Poco::URI& issuer)
{
	std::vector<Poco::URI> urls;
	std::string path = trimmedPath(issuer);
	if (path.empty())
	{
		urls.push_back(withPath(issuer, "/.well-known/oauth-authorization-server"));
		urls.push_back(withPath(issuer, "/.well-known/openid-configuration"));
	}
	else
	{
		urls.push_back(withPath(issuer, "/.well-known/oauth-authorization-server" + path));
		urls.push_back(withPath(issuer, "/.well-known/openid-configuration" + path));
		urls.push_back(withPath(issuer, path + "/.well-known/openid-configuration"));
	}
	return urls;
}


std::string OAuthDiscovery::canonicalResource(const Poco::URI& uri)
{
	// Poco::URI leaves out a port that is the scheme's default.
	Poco::URI normal;
	normal.setScheme(Poco::toLower(uri.getScheme()));
	normal.setHost(Poco::toLower(uri.getHost()));
	normal.setPort(uri.getPort());
	normal.setPath(trimmedPath(uri));
	return normal.toString();
}


bool OAuthDiscovery::resourceCovers(const std::string& resource, const Poco::URI& server)
{
	Poco::URI resourceUri;
	try
	{
		resourceUri = Poco::URI(resource);
	}
	catch (Poco::SyntaxException&)
	{
		return false;
	}
	if (!resourceUri.getFragment().empty()) return false;
	if (Poco::toLower(resourceUri.getScheme()) != Poco::toLower(server.getScheme()) ||
		Poco::toLower(resourceUri.getHost()) != Poco::toLower(server.getHost()) ||
		resourceUri.getPort() != server.getPort())
	{
		return false;
	}
	std::string prefix = trimmedPath(resourceUri);
	std::string path = trimmedPath(server);
	if (prefix.empty() || prefix == path) return true;
	return path.compare(0, prefix.size(), prefix) == 0 && path.size() > prefix.size() && path[prefix.size()] == '/';
}


} // namespace Nash
