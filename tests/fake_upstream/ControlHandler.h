//
// ControlHandler.h
//


#ifndef FakeUpstream_ControlHandler_INCLUDED
#define FakeUpstream_ControlHandler_INCLUDED


#include "UpstreamContext.h"
#include "Poco/Net/HTTPRequestHandler.h"
#include <string>


namespace FakeUpstream {


class ControlHandler: public Poco::Net::HTTPRequestHandler
	/// The paths for the tests rather than for API clients: GET /health,
	/// GET /_stats, POST /_reset. Not counted in the stats.
{
public:
	enum Action
	{
		HEALTH,
		STATS,
		RESET
	};

	ControlHandler(UpstreamContext& context, Action action);

	void handleRequest(Poco::Net::HTTPServerRequest& request, Poco::Net::HTTPServerResponse& response) override;

private:
	UpstreamContext& _context;
	Action _action;
};


} // namespace FakeUpstream


#endif // FakeUpstream_ControlHandler_INCLUDED
