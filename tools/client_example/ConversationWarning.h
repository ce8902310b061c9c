//
// ConversationWarning.h
//
// The content of a "warning" event: the conversation exceeds the server's limits.
//


#ifndef NashClient_ConversationWarning_INCLUDED
#define NashClient_ConversationWarning_INCLUDED


#include <string>
#include <vector>


namespace NashClient {


struct ConversationWarning
	/// What the server reports instead of an answer when the conversation is
	/// too long. Fields the server left out keep their defaults.
{
	std::string text;
		/// E.g. "Conversation length exceeds recommended limits".
	std::vector<std::string> suggestions;
	int messageCount = 0;
	int maxMessages = 0;
	int estimatedTokens = 0;
	int maxTokens = 0;
};


} // namespace NashClient


#endif // NashClient_ConversationWarning_INCLUDED
