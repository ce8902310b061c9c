//
// UpstreamHandler.h
//


#ifndef FakeUpstream_UpstreamHandler_INCLUDED
#define FakeUpstream_UpstreamHandler_INCLUDED


#include "ClientWatch.h"
#include "UpstreamContext.h"
#include "Poco/Net/HTTPRequestHandler.h"
#include "Poco/Net/HTTPServerRequest.h"
#include "Poco/Net/HTTPServerResponse.h"
#include <string>


namespace FakeUpstream {


class UpstreamHandler: public Poco::Net::HTTPRequestHandler
	/// The base of the API handlers: counts the request in the stats, honours
	/// X-Fake-Delay-Ms and keeps a write to a client that left from reaching
	/// Poco (which would log it as a server error).
{
public:
	UpstreamHandler(UpstreamContext& context, std::string path);

	void handleRequest(Poco::Net::HTTPServerRequest& request, Poco::Net::HTTPServerResponse& response) override;

protected:
	virtual void answer(Poco::Net::HTTPServerRequest& request, Poco::Net::HTTPServerResponse& response, const std::string& body, ClientWatch& watch) = 0;
		/// Writes the response; body is the whole request body.

	static void sendJson(Poco::Net::HTTPServerResponse& response, int status, const std::string& json);

	UpstreamContext& _context;
	std::string _path;
};


} // namespace FakeUpstream


#endif // FakeUpstream_UpstreamHandler_INCLUDED
