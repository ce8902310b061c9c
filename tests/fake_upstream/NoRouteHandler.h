//
// NoRouteHandler.h
//


#ifndef FakeUpstream_NoRouteHandler_INCLUDED
#define FakeUpstream_NoRouteHandler_INCLUDED


#include "UpstreamHandler.h"


namespace FakeUpstream {


class NoRouteHandler: public UpstreamHandler
	/// 404 naming the paths that exist, or 405 with Allow for a known path
	/// asked with the wrong method. Counted, so that a test sees where a
	/// misdirected request went (last_path).
{
public:
	NoRouteHandler(UpstreamContext& context, std::string path, std::string allow);
		/// allow empty: 404; otherwise 405 with this Allow header.

protected:
	void answer(Poco::Net::HTTPServerRequest& request, Poco::Net::HTTPServerResponse& response, const std::string& body, ClientWatch& watch) override;

private:
	std::string _allow;
};


} // namespace FakeUpstream


#endif // FakeUpstream_NoRouteHandler_INCLUDED
