//
// SystemPrompt.h
//


#ifndef Nash_SystemPrompt_INCLUDED
#define Nash_SystemPrompt_INCLUDED


#include "Nash/ChatMessage.h"
#include <string>
#include <vector>


namespace Nash {


class SystemPrompt
{
public:
	static void ensureFirst(std::vector<ChatMessage>& messages, const std::string& prompt);
		/// Puts a system message with prompt first, unless the conversation
		/// already starts with a system message. An empty prompt adds nothing.
};


} // namespace Nash


#endif // Nash_SystemPrompt_INCLUDED
