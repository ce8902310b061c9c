//
// SystemPrompt.cpp
//


#include "core/chat/SystemPrompt.h"


namespace Nash {


void SystemPrompt::ensureFirst(std::vector<ChatMessage>& messages, const std::string& prompt)
{
	if (prompt.empty()) return;
	if (!messages.empty() && messages.front().role == "system") return;
	ChatMessage system;
	system.role = "system";
	system.content = prompt;
	messages.insert(messages.begin(), std::move(system));
}


} // namespace Nash
