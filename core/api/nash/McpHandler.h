//
// McpHandler.h
//


#ifndef Nash_McpHandler_INCLUDED
#define Nash_McpHandler_INCLUDED


#include "core/http/JsonHandler.h"
#include <string>


namespace Nash {


class McpHandler: public JsonHandler
	/// POST /v1/mcp/{method}: one method of the MCP client's fixed table,
	/// its arguments the body (empty or a JSON object); 200 {"result": ...}.
	/// What goes wrong is an McpError with its status (ErrorResponder).
{
public:
	McpHandler(ServerContext& context, std::string method);

protected:
	void handle(Poco::Net::HTTPServerRequest& request, Poco::Net::HTTPServerResponse& response, AccessLog::Entry& entry) override;

private:
	std::string _method;
};


} // namespace Nash


#endif // Nash_McpHandler_INCLUDED
