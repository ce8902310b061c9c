//
// OAuthDiscovery.h
//
// Where the metadata documents of MCP authorization are looked for.
//


#ifndef Nash_OAuthDiscovery_INCLUDED
#define Nash_OAuthDiscovery_INCLUDED


#include "Poco/URI.h"
#include <string>
#include <vector>


namespace Nash {


class OAuthDiscovery
	/// The URL rules of RFC 9728 (Protected Resource Metadata), RFC 8414
	/// (Authorization Server Metadata), OpenID Connect Discovery, and the
	/// order the MCP specification (2025-06-18, 2025-11-25) tries them in.
{
public:
	static std::vector<Poco::URI> protectedResourceMetadataUrls(const Poco::URI& server, const std::string& fromChallenge);
		/// The URL the 401's resource_metadata names (when any), then
		/// /.well-known/oauth-protected-resource with the server's path
		/// inserted after it, then at the root.

	static std::vector<Poco::URI> authorizationServerMetadataUrls(const Poco::URI& issuer);
		/// An issuer without a path: oauth-authorization-server, then
		/// openid-configuration, at the root. With a path: the RFC 8414 form
		/// (well-known, then the path), the OIDC form inserted the same way,
		/// and the OIDC form appended to the path.

	static Poco::URI origin(const Poco::URI& uri);
		/// Scheme, host and port only: where a server of 2025-03-26 keeps its
		/// metadata and its default endpoints.

	static std::string canonicalResource(const Poco::URI& uri);
		/// The resource indicator (RFC 8707) for a server URL: lower-case
		/// scheme and host, the port only when not the default, the path
		/// without a trailing slash, no query or fragment.

	static bool resourceCovers(const std::string& resource, const Poco::URI& server);
		/// The metadata's resource is the server itself or a path prefix of
		/// it on the same origin. Anything else is another party's metadata
		/// and must not get our authorization.
};


} // namespace Nash


#endif // Nash_OAuthDiscovery_INCLUDED
