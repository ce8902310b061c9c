//
// RequestGuard.cpp
//


#include "core/http/RequestGuard.h"
#include "core/http/HostName.h"
#include "core/http/HttpError.h"
#include "core/metrics/Metrics.h"
#include "core/http/RequestTarget.h"
#include "Poco/String.h"
#include <algorithm>


namespace Nash {


namespace {


bool listed(const std::vector<std::string>& list, const std::string& value)
{
	for (const auto& item: list)
	{
		if (item == "*" || Poco::icompare(item, value) == 0) return true;
	}
	return false;
}


[[noreturn]] void refuse(Metrics::Refusal reason, int status, const std::string& message)
{
	if (Metrics* metrics = Metrics::instance()) metrics->refused(reason);
	throw HttpError(status, message);
}


} // namespace


bool RequestGuard::isLoopback(const std::string& host)
{
	return HostName::isLoopback(HostName::name(host));
}


bool RequestGuard::hostAllowed(const std::string& hostHeader, const ServerSettings& settings)
{
	// An HTTP/1.0 client may send no Host (and the parser refuses an HTTP/1.1
	// request without one); a browser always sends one.
	if (Poco::trim(hostHeader).empty()) return true;
	std::string name = HostName::name(hostHeader);
	if (HostName::isLoopback(name)) return true;
	if (settings.host != "0.0.0.0" && settings.host != "::" && Poco::icompare(name, HostName::name(settings.host)) == 0) return true;
	for (const auto& allowed: settings.allowedHosts)
	{
		if (allowed == "*" || Poco::icompare(HostName::name(allowed), name) == 0) return true;
	}
	return false;
}


bool RequestGuard::originAllowed(const std::string& origin, const ServerSettings& settings)
{
	return listed(settings.corsOrigins, Poco::trim(origin));
}


bool RequestGuard::equalInConstantTime(const std::string& a, const std::string& b)
{
	unsigned char difference = a.size() == b.size() ? 0 : 1;
	std::size_t n = std::max(a.size(), b.size());
	for (std::size_t i = 0; i < n; ++i)
	{
		unsigned char x = i < a.size() ? static_cast<unsigned char>(a[i]) : 0;
		unsigned char y = i < b.size() ? static_cast<unsigned char>(b[i]) : 0;
		difference |= static_cast<unsigned char>(x ^ y);
	}
	return difference == 0;
}


bool RequestGuard::tokenAccepted(const std::string& authorization, const ServerSettings& settings)
{
	const std::string scheme = "bearer ";
	if (authorization.size() <= scheme.size() || Poco::icompare(authorization.substr(0, scheme.size()), scheme) != 0) return false;
	return keyAccepted(Poco::trim(authorization.substr(scheme.size())), settings);
}


bool RequestGuard::keyAccepted(const std::string& presented, const ServerSettings& settings)
{
	if (presented.empty()) return false;
	bool accepted = false;
	// Every token is compared, so the time taken does not tell which one nearly matched.
	for (const auto& token: settings.authTokens) accepted = equalInConstantTime(presented, token) || accepted;
	return accepted;
}


void RequestGuard::admit(const Poco::Net::HTTPServerRequest& request, Poco::Net::HTTPServerResponse& response,
	const ServerSettings& settings, const std::string& path)
{
	std::string host = request.get("Host", "");
	if (!hostAllowed(host, settings))
		refuse(Metrics::Refusal::Host, 421, "Host '" + host + "' is not a name of this server; add it to server.allowed_hosts if it is");
	// An absolute request-target names the host itself (and a server must
	// go by it, not by Host): it must name this server too.
	std::string authority = RequestTarget::authority(request.getURI());
	if (!authority.empty() && !hostAllowed(authority, settings))
		refuse(Metrics::Refusal::Host, 421, "The request-target's host '" + authority + "' is not a name of this server; add it to server.allowed_hosts if it is");

	if (request.has("Origin"))
	{
		std::string origin = request.get("Origin");
		// A page of this very server (same scheme, host and port as the
		// Host the guard just accepted) is no cross-origin caller.
		bool sameOrigin = Poco::icompare(Poco::trim(origin), "http://" + host) == 0;
		if (!sameOrigin && !originAllowed(origin, settings))
			refuse(Metrics::Refusal::Origin, 403, "Requests from origin '" + origin + "' are not allowed; add it to server.cors_origins to allow them");
		// Sandboxed frames of any web page send "Origin: null" too; the
		// desktop app that needs it is an Electron page. A heuristic
		// against web pages, not against local software.
		bool anyOrigin = std::find(settings.corsOrigins.begin(), settings.corsOrigins.end(), "*") != settings.corsOrigins.end();
		if (Poco::trim(origin) == "null" && !anyOrigin && request.get("User-Agent", "").find("Electron/") == std::string::npos)
			refuse(Metrics::Refusal::Origin, 403, "Requests from origin 'null' are accepted from the desktop app only (an Electron user agent)");
		response.set("Access-Control-Allow-Origin", origin);
		response.set("Vary", "Origin");
	}

	bool preflight = request.getMethod() == "OPTIONS";
	if (!settings.authTokens.empty() && !preflight && path != "/health")
	{
		// Anthropic's clients send their key as x-api-key; either header
		// may carry the token.
		bool accepted = request.has("Authorization") ? tokenAccepted(request.get("Authorization"), settings)
			: keyAccepted(Poco::trim(request.get("x-api-key", "")), settings);
		if (!accepted)
		{
			response.set("WWW-Authenticate", "Bearer realm=\"nash-llm-server\"");
			refuse(Metrics::Refusal::Auth, 401, request.has("Authorization") || request.has("x-api-key") ? "The token is not valid"
				: "A token is required (Authorization: Bearer <token>, or x-api-key: <token>)");
		}
	}
}


} // namespace Nash
