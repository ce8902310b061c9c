//
// MethodNotAllowedHandler.cpp
//


#include "core/http/MethodNotAllowedHandler.h"
#include "core/http/HttpError.h"


namespace Nash {


MethodNotAllowedHandler::MethodNotAllowedHandler(ServerContext& context, std::string allowedMethods):
	JsonHandler(context),
	_allowedMethods(std::move(allowedMethods))
{
}


void MethodNotAllowedHandler::handle(Poco::Net::HTTPServerRequest&, Poco::Net::HTTPServerResponse& response, AccessLog::Entry& entry)
{
	response.set("Allow", _allowedMethods);
	throw HttpError(405, "Method " + entry.method + " is not allowed on " + entry.path + "; use " + _allowedMethods);
}


} // namespace Nash
