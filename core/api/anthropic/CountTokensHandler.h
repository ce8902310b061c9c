//
// CountTokensHandler.h
//


#ifndef Nash_CountTokensHandler_INCLUDED
#define Nash_CountTokensHandler_INCLUDED


#include "core/chat/ChatHandler.h"


namespace Nash {


class CountTokensHandler: public ChatHandler
	/// POST /v1/messages/count_tokens: {"input_tokens": N} for a Messages
	/// request (max_tokens not needed). N is the server's estimate (a token
	/// for every four characters of the messages, the system prompt, the
	/// tool calls and the tool definitions): backends have no common way
	/// to count, and clients use the figure to decide when to shorten a
	/// conversation, for which an estimate serves. The model must be one
	/// this server routes to (404 otherwise).
{
public:
	explicit CountTokensHandler(ServerContext& context);

protected:
	void handle(Poco::Net::HTTPServerRequest& request, Poco::Net::HTTPServerResponse& response, AccessLog::Entry& entry) override;
	ErrorAnswer errorAnswer(const ErrorReply& reply) const override;
};


} // namespace Nash


#endif // Nash_CountTokensHandler_INCLUDED
