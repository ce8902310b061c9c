//
// AuthorizationAgent.h
//
// The interactive step of the OAuth authorization code flow.
//


#ifndef Nash_AuthorizationAgent_INCLUDED
#define Nash_AuthorizationAgent_INCLUDED


#include "Poco/Net/HTTPClientSession.h"
#include "Poco/URI.h"
#include <chrono>
#include <functional>
#include <memory>
#include <string>


namespace Nash {


class AuthorizationAgent
	/// Takes the authorization request to the resource owner (a user with a
	/// browser, or whatever stands in for one) and brings back where the
	/// authorization server redirected to. The OAuth client checks state and
	/// reads the code; an agent only carries URLs.
{
public:
	using SessionFactory = std::function<std::shared_ptr<Poco::Net::HTTPClientSession>(const Poco::URI& uri, std::chrono::milliseconds readTimeout)>;

	struct Request
	{
		std::string serverName;
		Poco::URI authorizationUrl;
		Poco::URI redirectUri;
		std::chrono::milliseconds timeout{300000};
			// How long the authorization stays open for the user.
		SessionFactory sessions;
			// Connections configured like the transport's (TLS settings).
		std::function<bool()> cancelled;
			// True once the caller no longer waits (the transport stops).
	};

	virtual ~AuthorizationAgent() = default;

	virtual std::string authorize(const Request& request) = 0;
		/// The redirect URL with its query (code and state, or error).
		/// Empty when request.cancelled() turned true first; an agent may
		/// keep the authorization open for a later call with the same URL.
		/// Throws Poco::TimeoutException when request.timeout passed, other
		/// Poco exceptions when the authorization cannot be done at all.
};


} // namespace Nash


#endif // Nash_AuthorizationAgent_INCLUDED
