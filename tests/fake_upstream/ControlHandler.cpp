//
// ControlHandler.cpp
//


#include "ControlHandler.h"
#include "Poco/Net/HTTPServerRequest.h"
#include "Poco/Net/HTTPServerResponse.h"
#include "Poco/NullStream.h"
#include "Poco/StreamCopier.h"


namespace FakeUpstream {


ControlHandler::ControlHandler(UpstreamContext& context, Action action):
	_context(context),
	_action(action)
{
}


void ControlHandler::handleRequest(Poco::Net::HTTPServerRequest& request, Poco::Net::HTTPServerResponse& response)
{
	// An unread body would be taken for the next request of the connection.
	Poco::NullOutputStream discard;
	Poco::StreamCopier::copyStream(request.stream(), discard);

	std::string body;
	switch (_action)
	{
	case HEALTH:
		body = "{\"status\":\"ok\"}";
		break;
	case STATS:
		body = _context.stats.toJson();
		break;
	case RESET:
		_context.stats.reset();
		body = "{\"status\":\"reset\"}";
		break;
	}
	response.setContentType("application/json");
	response.setContentLength(static_cast<std::streamsize>(body.size()));
	response.sendBuffer(body.data(), body.size());
}


} // namespace FakeUpstream
