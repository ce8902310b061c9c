//
// ChatStreamHandler.h
//


#ifndef Nash_ChatStreamHandler_INCLUDED
#define Nash_ChatStreamHandler_INCLUDED


#include "core/chat/ChatHandler.h"
#include "core/http/SseWriter.h"
#include <vector>


namespace Nash {


class ChatStreamHandler: public ChatHandler
	/// POST /v1/chat/completions/stream: parse, validate and route the
	/// request (errors so far are plain JSON answers), then stream the
	/// session event, the model's content (or the limits warning, or an
	/// error event), the closing session event and [DONE].
	///
	/// With "mcp_tools" the model may call the allowed MCP tools, which the
	/// server runs (the tool loop), adding tool_call and tool_result events.
	/// A body of the Nash app's dialect goes to AppChatHandler.
{
public:
	explicit ChatStreamHandler(ServerContext& context);

protected:
	void handle(Poco::Net::HTTPServerRequest& request, Poco::Net::HTTPServerResponse& response, AccessLog::Entry& entry) override;

private:
	void runToolLoop(const BackendRoute& route, ChatRequest& request, const std::vector<std::string>& servers, SseWriter& writer,
		const std::shared_ptr<CancellationToken>& cancellation, const ClientDisconnectWatcher::Registration& watch, AccessLog::Entry& entry);
};


} // namespace Nash


#endif // Nash_ChatStreamHandler_INCLUDED
