//
// NotFoundHandler.cpp
//


#include "core/http/NotFoundHandler.h"
#include "core/http/HttpError.h"


namespace Nash {


NotFoundHandler::NotFoundHandler(ServerContext& context, std::string validPaths):
	JsonHandler(context),
	_validPaths(std::move(validPaths))
{
}


void NotFoundHandler::handle(Poco::Net::HTTPServerRequest&, Poco::Net::HTTPServerResponse&, AccessLog::Entry& entry)
{
	throw HttpError(404, "Not Found: " + entry.path + ". This server answers " + _validPaths);
}


} // namespace Nash
