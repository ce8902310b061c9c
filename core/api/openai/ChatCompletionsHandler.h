//
// ChatCompletionsHandler.h
//


#ifndef Nash_ChatCompletionsHandler_INCLUDED
#define Nash_ChatCompletionsHandler_INCLUDED


#include "core/chat/ChatHandler.h"


namespace Nash {


class ChatCompletionsHandler: public ChatHandler
	/// POST /v1/chat/completions, as OpenAI's API reference describes it:
	/// a `chat.completion` object, or with "stream": true a stream of
	/// `chat.completion.chunk` events ended by [DONE]. Errors use OpenAI's
	/// envelope {"error": {"message", "type", "param", "code"}}; one that
	/// comes after the stream began is one such event, and the stream ends
	/// without [DONE].
	///
	/// The messages go to the backend as the client sent them: no system
	/// prompt is put first, and no conversation limit applies (those belong
	/// to the original's dialect, whose clients expect them).
{
public:
	explicit ChatCompletionsHandler(ServerContext& context);

protected:
	void handle(Poco::Net::HTTPServerRequest& request, Poco::Net::HTTPServerResponse& response, AccessLog::Entry& entry) override;
	ErrorAnswer errorAnswer(const ErrorReply& reply) const override;
};


} // namespace Nash


#endif // Nash_ChatCompletionsHandler_INCLUDED
