//
// NoRouteHandler.cpp
//


#include "NoRouteHandler.h"
#include "JsonOut.h"


namespace FakeUpstream {


NoRouteHandler::NoRouteHandler(UpstreamContext& context, std::string path, std::string allow):
	UpstreamHandler(context, std::move(path)),
	_allow(std::move(allow))
{
}


void NoRouteHandler::answer(Poco::Net::HTTPServerRequest& request, Poco::Net::HTTPServerResponse& response, const std::string&, ClientWatch&)
{
	std::string message;
	int status = 404;
	if (_allow.empty())
	{
		message = "Not found: " + _path + ". This fake answers POST /v1/chat/completions, POST /v1/messages, "
			"POST /api/chat, GET /v1/models, GET /api/tags, GET /health, GET /_stats and POST /_reset.";
	}
	else
	{
		status = 405;
		message = "Method " + request.getMethod() + " not allowed for " + _path + "; use " + _allow + ".";
		response.set("Allow", _allow);
	}
	std::string body("{\"error\":");
	JsonOut::appendString(body, message);
	body += '}';
	sendJson(response, status, body);
}


} // namespace FakeUpstream
