//
// Summarizer.h
//


#ifndef Nash_Summarizer_INCLUDED
#define Nash_Summarizer_INCLUDED


#include "core/chat/BackendRegistry.h"
#include "core/metrics/RequestMeter.h"
#include "Nash/CancellationToken.h"
#include "Nash/ChatMessage.h"
#include "Nash/ChatRequest.h"
#include "Poco/JSON/Object.h"
#include <string>
#include <vector>


namespace Nash {


class Summarizer
	/// Condenses a conversation into one assistant message through a model,
	/// keeping a leading system message aside.
{
public:
	explicit Summarizer(std::string systemPrompt);

	ChatRequest buildRequest(const std::vector<ChatMessage>& conversation, const std::string& model) const;
		/// The request sent to the model: the summarize system prompt and one
		/// user message "Please summarize this conversation:\n\n" followed by
		/// a "role: content" line per message of conversation.

	Poco::JSON::Object::Ptr summarize(const BackendRoute& route, const std::vector<ChatMessage>& messages,
		const std::string& sessionId, const CancellationToken& cancellation, RequestMeter* meter = nullptr) const;
		/// Asks the backend and returns the answer object: success, summary,
		/// messages (the kept system message and the summary), token_reduction
		/// and session_id. Throws HttpError 400 when there is nothing to
		/// summarize and 502 {"error": "Error during summarization: ..."}
		/// when the backend fails.

private:
	std::string _systemPrompt;
};


} // namespace Nash


#endif // Nash_Summarizer_INCLUDED
