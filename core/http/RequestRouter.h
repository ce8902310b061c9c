//
// RequestRouter.h
//


#ifndef Nash_RequestRouter_INCLUDED
#define Nash_RequestRouter_INCLUDED


#include "core/app/ServerContext.h"
#include "Poco/Net/HTTPRequestHandlerFactory.h"
#include <functional>
#include <string>
#include <vector>


namespace Nash {


class RequestRouter: public Poco::Net::HTTPRequestHandlerFactory
	/// Routes each request by method and parsed path (a query string does not
	/// matter) through an ordered table of routes. Never returns null: an
	/// unknown path gets a 404 handler that names the valid paths, a known
	/// path with another method a 405 handler with Allow.
{
public:
	using Creator = std::function<Poco::Net::HTTPRequestHandler*(ServerContext&, const std::string& parameter)>;

	struct Route
	{
		std::string method;
		std::string pattern;
			/// An exact path, or a prefix ending in "{}" that matches one
			/// non-empty path segment, or in "{...}" that matches the
			/// non-empty rest of the path; what matched is handed to the
			/// creator as parameter.
		Creator create;
	};

	explicit RequestRouter(ServerContext& context);

	void add(Route route);

	Poco::Net::HTTPRequestHandler* createRequestHandler(const Poco::Net::HTTPServerRequest& request) override;

	static bool matches(const std::string& pattern, const std::string& path, std::string& parameter);

	static std::vector<Route> standardRoutes();
		/// The server's endpoints.

	static std::string dialectOf(const std::string& pattern);
		/// The dialect a route's requests speak ("nash", "openai",
		/// "anthropic", "app"), empty for the server's own endpoints.

private:
	ServerContext& _context;
	std::vector<Route> _routes;
};


} // namespace Nash


#endif // Nash_RequestRouter_INCLUDED
