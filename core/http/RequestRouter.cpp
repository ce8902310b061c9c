//
// RequestRouter.cpp
//


#include "core/http/RequestRouter.h"
#include "core/api/nash/ChatStreamHandler.h"
#include "core/api/app/TokenInfoHandler.h"
#include "core/api/anthropic/CountTokensHandler.h"
#include "core/api/anthropic/MessagesHandler.h"
#include "core/api/openai/ChatCompletionsHandler.h"
#include "core/app/HealthHandler.h"
#include "core/http/JsonHandler.h"
#include "core/http/MethodNotAllowedHandler.h"
#include "core/metrics/MetricsHandler.h"
#include "core/app/ModelsHandler.h"
#include "core/http/NotFoundHandler.h"
#include "core/http/PreflightHandler.h"
#include "core/api/nash/SummarizeHandler.h"
#include "Poco/Net/HTTPServerRequest.h"
#include "Poco/URI.h"
#ifdef NASH_WITH_MCP
#include "core/api/mcp/McpEndpointHandler.h"
#include "core/api/nash/McpHandler.h"
#endif


namespace Nash {


RequestRouter::RequestRouter(ServerContext& context): _context(context)
{
}


void RequestRouter::add(Route route)
{
	_routes.push_back(std::move(route));
}


bool RequestRouter::matches(const std::string& pattern, const std::string& path, std::string& parameter)
{
	// "{...}" takes the rest of the path, slashes and all ("backend/model").
	const std::string rest = "{...}";
	if (pattern.size() >= rest.size() && pattern.compare(pattern.size() - rest.size(), rest.size(), rest) == 0)
	{
		std::string prefix = pattern.substr(0, pattern.size() - rest.size());
		if (path.size() <= prefix.size() || path.compare(0, prefix.size(), prefix) != 0) return false;
		parameter = path.substr(prefix.size());
		return true;
	}
	const std::string placeholder = "{}";
	if (pattern.size() >= placeholder.size() && pattern.compare(pattern.size() - placeholder.size(), placeholder.size(), placeholder) == 0)
	{
		std::string prefix = pattern.substr(0, pattern.size() - placeholder.size());
		if (path.size() <= prefix.size() || path.compare(0, prefix.size(), prefix) != 0) return false;
		std::string rest = path.substr(prefix.size());
		if (rest.find('/') != std::string::npos) return false;
		parameter = rest;
		return true;
	}
	return pattern == path;
}


std::string RequestRouter::dialectOf(const std::string& pattern)
{
	if (pattern == "/v1/chat/completions") return "openai";
	if (pattern.compare(0, 12, "/v1/messages") == 0) return "anthropic";
	if (pattern == "/v1/chat/token_info") return "app";
	if (pattern == "/mcp") return "mcp";
	// The app's chat turns come on the original's route; their handler says so.
	if (pattern == "/v1/chat/completions/stream" || pattern == "/v1/chat/summarize" || pattern.compare(0, 8, "/v1/mcp/") == 0) return "nash";
	return std::string();
}


Poco::Net::HTTPRequestHandler* RequestRouter::createRequestHandler(const Poco::Net::HTTPServerRequest& request)
{
	std::string path;
	try
	{
		path = Poco::URI(request.getURI()).getPath();
	}
	catch (Poco::Exception&)
	{
		path = request.getURI();
	}

	if (request.getURI() == "*") return new PreflightHandler(_context, "GET, POST");

	std::string allowed;
	for (const auto& route: _routes)
	{
		std::string parameter;
		if (!matches(route.pattern, path, parameter)) continue;
		// HEAD is GET without the body (ServerResponse leaves it out).
		if (route.method == request.getMethod() || (route.method == "GET" && request.getMethod() == "HEAD"))
		{
			Poco::Net::HTTPRequestHandler* handler = route.create(_context, parameter);
			if (auto* jsonHandler = dynamic_cast<JsonHandler*>(handler)) jsonHandler->setRoute(route.pattern, dialectOf(route.pattern));
			return handler;
		}
		if (allowed.find(route.method) == std::string::npos)
			allowed += (allowed.empty() ? "" : ", ") + route.method;
	}
	if (!allowed.empty() && request.getMethod() == "OPTIONS") return new PreflightHandler(_context, allowed);
	if (!allowed.empty()) return new MethodNotAllowedHandler(_context, allowed);

	std::string valid;
	for (const auto& route: _routes)
	{
		if (!valid.empty()) valid += ", ";
		std::string pattern = route.pattern;
		auto placeholder = pattern.find("{}");
		if (placeholder != std::string::npos) pattern.replace(placeholder, 2, "{name}");
		placeholder = pattern.find("{...}");
		if (placeholder != std::string::npos) pattern.replace(placeholder, 5, "{model}");
		valid += route.method + " " + pattern;
	}
	return new NotFoundHandler(_context, valid);
}


std::vector<RequestRouter::Route> RequestRouter::standardRoutes()
{
	std::vector<Route> routes;
	routes.push_back({"POST", "/v1/chat/completions/stream", [](ServerContext& context, const std::string&) {
		return static_cast<Poco::Net::HTTPRequestHandler*>(new ChatStreamHandler(context));
	}});
	routes.push_back({"POST", "/v1/chat/completions", [](ServerContext& context, const std::string&) {
		return static_cast<Poco::Net::HTTPRequestHandler*>(new ChatCompletionsHandler(context));
	}});
	routes.push_back({"POST", "/v1/messages", [](ServerContext& context, const std::string&) {
		return static_cast<Poco::Net::HTTPRequestHandler*>(new MessagesHandler(context));
	}});
	routes.push_back({"POST", "/v1/messages/count_tokens", [](ServerContext& context, const std::string&) {
		return static_cast<Poco::Net::HTTPRequestHandler*>(new CountTokensHandler(context));
	}});
	routes.push_back({"POST", "/v1/chat/token_info", [](ServerContext& context, const std::string&) {
		return static_cast<Poco::Net::HTTPRequestHandler*>(new TokenInfoHandler(context));
	}});
	routes.push_back({"POST", "/v1/chat/summarize", [](ServerContext& context, const std::string&) {
		return static_cast<Poco::Net::HTTPRequestHandler*>(new SummarizeHandler(context));
	}});
#ifdef NASH_WITH_MCP
	routes.push_back({"POST", "/v1/mcp/{}", [](ServerContext& context, const std::string& method) {
		return static_cast<Poco::Net::HTTPRequestHandler*>(new McpHandler(context, method));
	}});
	for (const char* method: {"POST", "GET", "DELETE"})
	{
		routes.push_back({method, "/mcp", [](ServerContext& context, const std::string&) {
			return static_cast<Poco::Net::HTTPRequestHandler*>(new McpEndpointHandler(context));
		}});
	}
#endif
	routes.push_back({"GET", "/v1/models", [](ServerContext& context, const std::string&) {
		return static_cast<Poco::Net::HTTPRequestHandler*>(new ModelsHandler(context));
	}});
	routes.push_back({"GET", "/v1/models/{...}", [](ServerContext& context, const std::string& model) {
		return static_cast<Poco::Net::HTTPRequestHandler*>(new ModelsHandler(context, model));
	}});
	routes.push_back({"GET", "/health", [](ServerContext& context, const std::string&) {
		return static_cast<Poco::Net::HTTPRequestHandler*>(new HealthHandler(context));
	}});
	routes.push_back({"GET", "/metrics", [](ServerContext& context, const std::string&) {
		return static_cast<Poco::Net::HTTPRequestHandler*>(new MetricsHandler(context));
	}});
	return routes;
}


} // namespace Nash
