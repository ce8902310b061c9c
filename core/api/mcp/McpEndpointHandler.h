//
// McpEndpointHandler.h
//


#ifndef Nash_McpEndpointHandler_INCLUDED
#define Nash_McpEndpointHandler_INCLUDED


#include "core/http/JsonHandler.h"
#include "core/mcp/gateway/McpGatewaySessions.h"
#include "Poco/JSON/Object.h"
#include <string>


namespace Nash {


class McpEndpointHandler: public JsonHandler
	/// /mcp: the MCP gateway over Streamable HTTP (docs/mcp-gateway.md).
	///
	/// POST carries JSON-RPC messages (one, or a batch for the protocol
	/// versions that have them): requests are answered with
	/// application/json, notifications and responses with 202; a single
	/// tools/call, prompts/get or resources/read from a client that accepts
	/// text/event-stream is answered as an event stream, which carries the
	/// server's progress, log messages and requests before the response. initialize
	/// starts a session, named by the Mcp-Session-Id header of its answer,
	/// that every later request must carry (400 without, 404 for one that
	/// ended or never was). DELETE ends a session. GET opens the session's
	/// event stream, or with Last-Event-ID resumes the stream it names (a
	/// call's whose connection broke: the call goes on for a while after,
	/// so that its client can come back for the rest).
	///
	/// Host, Origin and tokens are checked as for every endpoint; a session
	/// belongs to the credential that started it.
{
public:
	explicit McpEndpointHandler(ServerContext& context);

protected:
	void handle(Poco::Net::HTTPServerRequest& request, Poco::Net::HTTPServerResponse& response, AccessLog::Entry& entry) override;
	ErrorAnswer errorAnswer(const ErrorReply& reply) const override;
		/// A JSON-RPC error object without an id, with the HTTP status.

private:
	void post(Poco::Net::HTTPServerRequest& request, Poco::Net::HTTPServerResponse& response, AccessLog::Entry& entry);
	void end(Poco::Net::HTTPServerRequest& request, Poco::Net::HTTPServerResponse& response, AccessLog::Entry& entry);
	void listen(Poco::Net::HTTPServerRequest& request, Poco::Net::HTTPServerResponse& response, AccessLog::Entry& entry);
		/// GET: the session's own event stream (list changes, resource
		/// updates, log messages between calls).
	void stream(Poco::Net::HTTPServerRequest& request, Poco::Net::HTTPServerResponse& response, const Poco::JSON::Object::Ptr& message,
		McpGatewaySessions::Session& session, AccessLog::Entry& entry);
		/// Answers one request as an event stream: the messages its server
		/// sends for the client while it runs, then the response.
	void sendRpc(Poco::Net::HTTPServerResponse& response, int status, const Poco::Dynamic::Var& body, AccessLog::Entry& entry);
	static std::string credentialOf(const Poco::Net::HTTPServerRequest& request);
	static std::string tokenOf(const Poco::Net::HTTPServerRequest& request);
		/// The token of Authorization: Bearer, or of x-api-key.
	static void checkProtocolVersion(const Poco::Net::HTTPServerRequest& request);
};


} // namespace Nash


#endif // Nash_McpEndpointHandler_INCLUDED
