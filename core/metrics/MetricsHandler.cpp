//
// MetricsHandler.cpp
//


#include "core/metrics/MetricsHandler.h"
#include "core/http/ErrorResponder.h"
#include "core/http/HttpError.h"
#include "core/metrics/Metrics.h"


namespace Nash {


MetricsHandler::MetricsHandler(ServerContext& context): JsonHandler(context)
{
}


void MetricsHandler::handle(Poco::Net::HTTPServerRequest&, Poco::Net::HTTPServerResponse& response, AccessLog::Entry& entry)
{
	Metrics* metrics = Metrics::instance();
	if (!metrics) throw HttpError(404, "Metrics are off on this server ([metrics] enabled)");
	std::string page = metrics->scrape();
	ErrorResponder::setStatus(response, 200);
	response.setContentType("text/plain; version=0.0.4; charset=utf-8");
	response.set("Cache-Control", "no-store");
	response.setContentLength(static_cast<std::streamsize>(page.size()));
	response.send() << page;
	entry.status = 200;
	entry.bytes = page.size();
}


} // namespace Nash
