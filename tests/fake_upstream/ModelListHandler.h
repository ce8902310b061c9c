//
// ModelListHandler.h
//


#ifndef FakeUpstream_ModelListHandler_INCLUDED
#define FakeUpstream_ModelListHandler_INCLUDED


#include "ApiDialect.h"
#include "UpstreamHandler.h"


namespace FakeUpstream {


class ModelListHandler: public UpstreamHandler
	/// GET /v1/models or /api/tags: the API's list of a few fake models.
{
public:
	ModelListHandler(UpstreamContext& context, std::string path, const ApiDialect& dialect);

protected:
	void answer(Poco::Net::HTTPServerRequest& request, Poco::Net::HTTPServerResponse& response, const std::string& body, ClientWatch& watch) override;

private:
	const ApiDialect& _dialect;
};


} // namespace FakeUpstream


#endif // FakeUpstream_ModelListHandler_INCLUDED
