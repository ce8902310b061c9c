//
// PreflightHandler.h
//


#ifndef Nash_PreflightHandler_INCLUDED
#define Nash_PreflightHandler_INCLUDED


#include "core/http/JsonHandler.h"


namespace Nash {


class PreflightHandler: public JsonHandler
	/// OPTIONS on a known path: a browser's CORS preflight. The guard has
	/// refused origins that are not allow-listed; the rest get 204 with the
	/// methods and headers they may use.
{
public:
	PreflightHandler(ServerContext& context, std::string allowedMethods);

protected:
	void handle(Poco::Net::HTTPServerRequest& request, Poco::Net::HTTPServerResponse& response, AccessLog::Entry& entry) override;

private:
	std::string _allowedMethods;
};


} // namespace Nash


#endif // Nash_PreflightHandler_INCLUDED
