//
// MetricsHandler.h
//


#ifndef Nash_MetricsHandler_INCLUDED
#define Nash_MetricsHandler_INCLUDED


#include "core/http/JsonHandler.h"


namespace Nash {


class MetricsHandler: public JsonHandler
	/// GET /metrics: the server's metrics in the Prometheus text format,
	/// behind the same tokens as every endpoint but /health; 404 when
	/// metrics are off ([metrics] enabled = false).
{
public:
	explicit MetricsHandler(ServerContext& context);

protected:
	void handle(Poco::Net::HTTPServerRequest& request, Poco::Net::HTTPServerResponse& response, AccessLog::Entry& entry) override;
};


} // namespace Nash


#endif // Nash_MetricsHandler_INCLUDED
