//
// ConversationLimits.h
//


#ifndef Nash_ConversationLimits_INCLUDED
#define Nash_ConversationLimits_INCLUDED


#include "Nash/ChatMessage.h"
#include <string>
#include <vector>


namespace Nash {


class ConversationLimits
	/// When a conversation is too long to send to a model, the server answers
	/// with a warning that suggests summarizing instead of calling the model.
{
public:
	ConversationLimits(long long maxMessages, long long maxTokens);

	bool exceededBy(const std::vector<ChatMessage>& messages) const;
		/// True when messages has more than maxMessages entries or more than
		/// maxTokens estimated tokens.

	std::string warningEvent(const std::vector<ChatMessage>& messages) const;
		/// The JSON of the warning event for messages:
		/// {"warning": {"warning": ..., "suggestions": [...], "details": {...}}}.

	long long maxMessages() const;
	long long maxTokens() const;

private:
	long long _maxMessages;
	long long _maxTokens;
};


} // namespace Nash


#endif // Nash_ConversationLimits_INCLUDED
