//
// TokenInfoHandler.h
//
// POST /v1/chat/token_info: how full the model's context is.
//


#ifndef Nash_TokenInfoHandler_INCLUDED
#define Nash_TokenInfoHandler_INCLUDED


#include "core/http/JsonHandler.h"
#include "Nash/ChatMessage.h"
#include <vector>


namespace Nash {


class TokenInfoHandler: public JsonHandler
	/// The Nash app's token count beside its send button:
	/// {"max_tokens": <the model's context window>, "used_tokens",
	/// "remaining_tokens", "model"}. used_tokens estimates what the model
	/// is sent for the conversation (system prompt, messages, tool calls,
	/// the tools offered). No upstream call, no key.
{
public:
	explicit TokenInfoHandler(ServerContext& context);

	static long long contextWindow(const std::string& model);
		/// The context window of a known model family; 0 when unknown.

	static long long estimate(const std::vector<ChatMessage>& messages, long long toolTokens);
		/// A quarter of the characters of each message's text and tool
		/// calls, 3 per message and 3 more, plus toolTokens.

protected:
	void handle(Poco::Net::HTTPServerRequest& request, Poco::Net::HTTPServerResponse& response, AccessLog::Entry& entry) override;

private:
	long long toolTokens();
};


} // namespace Nash


#endif // Nash_TokenInfoHandler_INCLUDED
