//
// ModelListHandler.cpp
//


#include "ModelListHandler.h"


namespace FakeUpstream {


ModelListHandler::ModelListHandler(UpstreamContext& context, std::string path, const ApiDialect& dialect):
	UpstreamHandler(context, std::move(path)),
	_dialect(dialect)
{
}


void ModelListHandler::answer(Poco::Net::HTTPServerRequest&, Poco::Net::HTTPServerResponse& response, const std::string&, ClientWatch&)
{
	std::string body;
	_dialect.appendModelList(body);
	sendJson(response, 200, body);
}


} // namespace FakeUpstream
