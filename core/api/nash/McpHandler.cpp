//
// McpHandler.cpp
//


#include "core/api/nash/McpHandler.h"
#include "core/http/HttpError.h"
#include "core/json/JsonText.h"
#include "core/http/RequestBody.h"
#include "core/mcp/McpManager.h"


namespace Nash {


McpHandler::McpHandler(ServerContext& context, std::string method):
	JsonHandler(context),
	_method(std::move(method))
{
}


void McpHandler::handle(Poco::Net::HTTPServerRequest& request, Poco::Net::HTTPServerResponse& response, AccessLog::Entry& entry)
{
	// Off where only the tool loop needs the MCP servers (the Nash app's
	// profile): then no page can call a tool directly.
	if (!context().settings.mcpHttpEndpoints) throw HttpError(404, "The MCP endpoints /v1/mcp/{method} are off on this server ([mcp] http_endpoints)");
	std::string body = RequestBody::read(request, context().settings.maxBodyBytes);
	Poco::JSON::Object::Ptr args = RequestBody::parseObject(body, true);
	if (!context().mcp) throw HttpError(503, "No MCP servers are configured", "error");

	// A caller that leaves abandons its MCP request (notifications/cancelled).
	auto cancellation = std::make_shared<CancellationToken>();
	auto watch = watchClient(request, cancellation);
	Poco::Dynamic::Var result;
	try
	{
		RequestMeter::Wait wait(&entry.meter);
		result = context().mcp->call(_method, args, *cancellation);
	}
	catch (Poco::Exception&)
	{
		if (watch.clientGone()) throw clientGoneError();
		throw;
	}
	if (watch.clientGone()) throw clientGoneError();

	std::string json = "{\"result\": ";
	JsonText::append(json, result);
	json += "}";
	std::size_t limit = context().settings.mcpMaxResponseBytes;
	if (json.size() > limit)
		throw HttpError(502, "The MCP server's answer to " + _method + " is " + std::to_string(json.size()) +
			" bytes, more than the limit of " + std::to_string(limit) + " (mcp.max_response_bytes)", "error");
	sendJson(response, 200, json, entry);
}


} // namespace Nash
