//
// PreflightHandler.cpp
//


#include "core/http/PreflightHandler.h"
#include "Poco/String.h"


namespace Nash {


PreflightHandler::PreflightHandler(ServerContext& context, std::string allowedMethods):
	JsonHandler(context),
	_allowedMethods(std::move(allowedMethods))
{
}


void PreflightHandler::handle(Poco::Net::HTTPServerRequest& request, Poco::Net::HTTPServerResponse& response, AccessLog::Entry& entry)
{
	// Chromium asks before a public page reaches a private address; the
	// origin was checked by the guard already.
	if (Poco::icompare(request.get("Access-Control-Request-Private-Network", ""), "true") == 0)
		response.set("Access-Control-Allow-Private-Network", "true");
	response.set("Allow", _allowedMethods + ", OPTIONS");
	response.set("Access-Control-Allow-Methods", _allowedMethods + ", OPTIONS");
	response.set("Access-Control-Allow-Headers", "Content-Type, Authorization, x-api-key, anthropic-version, anthropic-beta");
	response.set("Access-Control-Max-Age", "600");
	response.setStatusAndReason(Poco::Net::HTTPResponse::HTTP_NO_CONTENT);
	response.setContentLength(0);
	response.send();
	entry.status = 204;
}


} // namespace Nash
