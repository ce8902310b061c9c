//
// MethodNotAllowedHandler.h
//


#ifndef Nash_MethodNotAllowedHandler_INCLUDED
#define Nash_MethodNotAllowedHandler_INCLUDED


#include "core/http/JsonHandler.h"


namespace Nash {


class MethodNotAllowedHandler: public JsonHandler
	/// 405 with the Allow header for a known path asked with another method.
{
public:
	MethodNotAllowedHandler(ServerContext& context, std::string allowedMethods);

protected:
	void handle(Poco::Net::HTTPServerRequest& request, Poco::Net::HTTPServerResponse& response, AccessLog::Entry& entry) override;

private:
	std::string _allowedMethods;
};


} // namespace Nash


#endif // Nash_MethodNotAllowedHandler_INCLUDED
