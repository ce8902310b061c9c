//
// UpstreamRouter.cpp
//


#include "UpstreamRouter.h"
#include "ChatHandler.h"
#include "ControlHandler.h"
#include "ModelListHandler.h"
#include "NoRouteHandler.h"
#include "Poco/Exception.h"
#include "Poco/Net/HTTPServerRequest.h"
#include "Poco/URI.h"


namespace FakeUpstream {


namespace {


std::string pathOf(const Poco::Net::HTTPServerRequest& request)
{
	try
	{
		return Poco::URI(request.getURI()).getPath();
	}
	catch (Poco::Exception&)
	{
		return request.getURI();
	}
}


} // namespace


UpstreamRouter::UpstreamRouter(UpstreamContext& context):
	_context(context)
{
}


Poco::Net::HTTPRequestHandler* UpstreamRouter::createRequestHandler(const Poco::Net::HTTPServerRequest& request)
{
	std::string path = pathOf(request);
	const std::string& method = request.getMethod();
	bool get = method == Poco::Net::HTTPRequest::HTTP_GET;
	bool post = method == Poco::Net::HTTPRequest::HTTP_POST;

	if (path == "/health" && get) return new ControlHandler(_context, ControlHandler::HEALTH);
	if (path == "/_stats" && get) return new ControlHandler(_context, ControlHandler::STATS);
	if (path == "/_reset" && post) return new ControlHandler(_context, ControlHandler::RESET);
	if (path == "/v1/chat/completions" && post) return new ChatHandler(_context, path, _openAi);
	if (path == "/v1/messages" && post) return new ChatHandler(_context, path, _anthropic);
	if (path == "/api/chat" && post) return new ChatHandler(_context, path, _ollama);
	if (path == "/v1/models" && get)
	{
		// Both OpenAI and Anthropic list models here; Anthropic's clients
		// always send anthropic-version.
		if (request.has("anthropic-version")) return new ModelListHandler(_context, path, _anthropic);
		return new ModelListHandler(_context, path, _openAi);
	}
	if (path == "/api/tags" && get) return new ModelListHandler(_context, path, _ollama);

	if (path == "/health" || path == "/_stats" || path == "/v1/models" || path == "/api/tags")
		return new NoRouteHandler(_context, path, "GET");
	if (path == "/_reset" || path == "/v1/chat/completions" || path == "/v1/messages" || path == "/api/chat")
		return new NoRouteHandler(_context, path, "POST");
	return new NoRouteHandler(_context, path, "");
}


void UpstreamRouter::abortConnections()
{
	serverStopped(this, true);
}


} // namespace FakeUpstream
