//
// MessagesHandler.h
//


#ifndef Nash_MessagesHandler_INCLUDED
#define Nash_MessagesHandler_INCLUDED


#include "core/chat/ChatHandler.h"


namespace Nash {


class MessagesHandler: public ChatHandler
	/// POST /v1/messages, as Anthropic's API reference describes it: a
	/// `message` object, or with "stream": true the events message_start,
	/// ping, content_block_start/delta/stop, message_delta and
	/// message_stop. Errors are {"type": "error", "error": {"type",
	/// "message"}} with Anthropic's statuses (AnthropicErrors); one that
	/// comes after the stream began is an `error` event, and the stream
	/// ends there.
	///
	/// Any backend answers: the request is translated as MessagesRequest
	/// says, the answer as MessagesEncoder does.
{
public:
	explicit MessagesHandler(ServerContext& context);

protected:
	void handle(Poco::Net::HTTPServerRequest& request, Poco::Net::HTTPServerResponse& response, AccessLog::Entry& entry) override;
	ErrorAnswer errorAnswer(const ErrorReply& reply) const override;
};


} // namespace Nash


#endif // Nash_MessagesHandler_INCLUDED
