//
// TokenEstimate.h
//


#ifndef Nash_TokenEstimate_INCLUDED
#define Nash_TokenEstimate_INCLUDED


#include "Nash/ChatMessage.h"
#include <cstddef>
#include <string>
#include <vector>


namespace Nash {


class TokenEstimate
	/// The server's rough token count: a quarter of the characters. It decides
	/// the limits warning and the summarize figures, so it must match what the
	/// original server computed: per message, floor(characters / 4), summed.
{
public:
	static std::size_t characters(const std::string& utf8);
		/// Unicode code points in utf8 (a malformed byte counts as one).

	static long long ofText(const std::string& utf8);
		/// The estimate for a text: a token for every four characters, or
		/// part of four.

	static long long of(const std::vector<ChatMessage>& messages);
		/// The estimate for messages, as the original counted (its limits
		/// and summaries depend on it).

	static long long ofPrompt(const std::vector<ChatMessage>& messages);
		/// The estimate the OpenAI and Anthropic dialects report for a
		/// prompt: ofText() of each message, summed, and never 0 (no
		/// provider counts a prompt as nothing).
};


} // namespace Nash


#endif // Nash_TokenEstimate_INCLUDED
