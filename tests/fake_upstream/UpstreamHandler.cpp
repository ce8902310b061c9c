//
// UpstreamHandler.cpp
//


#include "UpstreamHandler.h"
#include "Poco/Exception.h"
#include "Poco/Net/HTTPServerRequestImpl.h"
#include "Poco/NumberParser.h"
#include "Poco/StreamCopier.h"


namespace FakeUpstream {


UpstreamHandler::UpstreamHandler(UpstreamContext& context, std::string path):
	_context(context),
	_path(std::move(path))
{
}


void UpstreamHandler::handleRequest(Poco::Net::HTTPServerRequest& request, Poco::Net::HTTPServerResponse& response)
{
	std::string body;
	Poco::StreamCopier::copyToString(request.stream(), body);
	UpstreamStats::Scope scope(_context.stats, _path, request, body);
	ClientWatch watch(static_cast<Poco::Net::HTTPServerRequestImpl&>(request).socket(), _context.stopping);
	try
	{
		int delayMs = 0;
		if (Poco::NumberParser::tryParse(request.get("X-Fake-Delay-Ms", "0"), delayMs) && delayMs > 0)
		{
			ClientWatch::Outcome outcome = watch.wait(delayMs);
			if (outcome == ClientWatch::CLIENT_GONE) _context.stats.clientClosed();
			if (outcome != ClientWatch::ELAPSED) return;
		}
		answer(request, response, body, watch);
	}
	catch (Poco::Exception&)
	{
		// A write to a client that left; nothing more to say to it.
		watch.closeConnection();
	}
}


void UpstreamHandler::sendJson(Poco::Net::HTTPServerResponse& response, int status, const std::string& json)
{
	response.setStatusAndReason(static_cast<Poco::Net::HTTPResponse::HTTPStatus>(status));
	response.setContentType("application/json");
	response.setContentLength(static_cast<std::streamsize>(json.size()));
	response.sendBuffer(json.data(), json.size());
}


} // namespace FakeUpstream
