//
// TokenEstimate.cpp
//


#include "core/chat/TokenEstimate.h"


namespace Nash {


std::size_t TokenEstimate::characters(const std::string& utf8)
{
	std::size_t count = 0;
	for (unsigned char c: utf8)
	{
		// Continuation bytes (10xxxxxx) belong to the character before them.
		if ((c & 0xC0) != 0x80) ++count;
	}
	return count;
}


long long TokenEstimate::ofText(const std::string& utf8)
{
	return static_cast<long long>((characters(utf8) + 3) / 4);
}


long long TokenEstimate::ofPrompt(const std::vector<ChatMessage>& messages)
{
	long long total = 0;
	for (const auto& message: messages) total += ofText(message.content);
	return total > 0 ? total : 1;
}


long long TokenEstimate::of(const std::vector<ChatMessage>& messages)
{
	long long total = 0;
	for (const auto& message: messages)
	{
		total += static_cast<long long>(characters(message.content) / 4);
	}
	return total;
}


} // namespace Nash
