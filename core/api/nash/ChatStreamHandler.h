//
// ChatStreamHandler.h
//


#ifndef Nash_ChatStreamHandler_INCLUDED
#define Nash_ChatStreamHandler_INCLUDED


#include "core/chat/ChatHandler.h"


namespace Nash {


class ChatStreamHandler: public ChatHandler
	/// POST /v1/chat/completions/stream: parse, validate and route the
	/// request (errors so far are plain JSON answers), then stream the
	/// session event, the model's content (or the limits warning, or an
	/// error event), the closing session event and [DONE].
{
public:
	explicit ChatStreamHandler(ServerContext& context);

protected:
	void handle(Poco::Net::HTTPServerRequest& request, Poco::Net::HTTPServerResponse& response, AccessLog::Entry& entry) override;
};


} // namespace Nash


#endif // Nash_ChatStreamHandler_INCLUDED
