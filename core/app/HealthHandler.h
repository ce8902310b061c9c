//
// HealthHandler.h
//


#ifndef Nash_HealthHandler_INCLUDED
#define Nash_HealthHandler_INCLUDED


#include "core/http/JsonHandler.h"


namespace Nash {


class HealthHandler: public JsonHandler
	/// GET /health: {"status": "ok"} and what an operator wants to see:
	/// version, plugins, backends, MCP servers, open streams. No secrets:
	/// nothing from a backend's or MCP server's configuration is shown.
{
public:
	explicit HealthHandler(ServerContext& context);

protected:
	void handle(Poco::Net::HTTPServerRequest& request, Poco::Net::HTTPServerResponse& response, AccessLog::Entry& entry) override;
};


} // namespace Nash


#endif // Nash_HealthHandler_INCLUDED
