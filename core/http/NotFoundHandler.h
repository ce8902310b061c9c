//
// NotFoundHandler.h
//


#ifndef Nash_NotFoundHandler_INCLUDED
#define Nash_NotFoundHandler_INCLUDED


#include "core/http/JsonHandler.h"


namespace Nash {


class NotFoundHandler: public JsonHandler
	/// 404 {"detail": ...} naming the paths that exist.
{
public:
	NotFoundHandler(ServerContext& context, std::string validPaths);

protected:
	void handle(Poco::Net::HTTPServerRequest& request, Poco::Net::HTTPServerResponse& response, AccessLog::Entry& entry) override;

private:
	std::string _validPaths;
};


} // namespace Nash


#endif // Nash_NotFoundHandler_INCLUDED
