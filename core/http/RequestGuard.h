//
// RequestGuard.h
//


#ifndef Nash_RequestGuard_INCLUDED
#define Nash_RequestGuard_INCLUDED


#include "core/app/ServerSettings.h"
#include "Poco/Net/HTTPServerRequest.h"
#include "Poco/Net/HTTPServerResponse.h"
#include <string>


namespace Nash {


class RequestGuard
	/// What every request must pass before its handler runs. A local LLM
	/// server with MCP tools runs programs on request, and any web page the
	/// user opens can send requests to 127.0.0.1, so:
	///   - the Host header (and an absolute request-target) must name this
	///     server (a DNS-rebinding page names its own domain): a loopback
	///     name, the configured listening host or one of allowed_hosts;
	///     421 otherwise;
	///   - a request with an Origin header (a browser's) must come from an
	///     allow-listed origin: 403 otherwise; allowed ones get CORS headers;
	///   - with bearer tokens configured, Authorization must carry one of
	///     them (compared in constant time): 401 with WWW-Authenticate
	///     otherwise. /health and CORS preflights need none.
{
public:
	static void admit(const Poco::Net::HTTPServerRequest& request, Poco::Net::HTTPServerResponse& response,
		const ServerSettings& settings, const std::string& path);
		/// Throws HttpError (421, 403 or 401) when the request may not pass;
		/// sets the CORS headers on response for an allowed origin.

	static bool hostAllowed(const std::string& hostHeader, const ServerSettings& settings);
	static bool originAllowed(const std::string& origin, const ServerSettings& settings);
	static bool tokenAccepted(const std::string& authorization, const ServerSettings& settings);

	static bool keyAccepted(const std::string& presented, const ServerSettings& settings);
		/// presented (an x-api-key, or a bearer token) is one of the
		/// configured tokens; compared in constant time.

	static bool equalInConstantTime(const std::string& a, const std::string& b);
		/// Compares without an early exit, so the time taken tells nothing
		/// about how much of a token was right.

	static bool isLoopback(const std::string& host);
		/// host (a port allowed) names the loopback interface (HostName::isLoopback).
};


} // namespace Nash


#endif // Nash_RequestGuard_INCLUDED
