//
// ToolLoopListener.h
//
// What a dialect is told while the tool loop runs.
//


#ifndef Nash_ToolLoopListener_INCLUDED
#define Nash_ToolLoopListener_INCLUDED


#include "core/chat/ToolBox.h"
#include <string>


namespace Nash {


struct ToolCallRecord
	/// One call the model made in a round.
{
	std::string id;
	std::string name;
	std::string arguments;
		/// The joined argument fragments: JSON text, or "" when none came.
};


class ToolLoopListener
	/// Receives the rounds of a tool loop as they happen, to write them in
	/// a dialect's events. Called on the request's thread.
{
public:
	virtual ~ToolLoopListener() = default;

	virtual void content(const std::string& text) = 0;
		/// A piece of the model's text (never empty).

	virtual void toolCallStarted(const ToolCallRecord& call) = 0;
		/// The model began a call; id and name are known.

	virtual void toolCallArguments(const ToolCallRecord& call, const std::string& fragment) = 0;
		/// A piece of that call's arguments (never empty).

	virtual void roundFinished(const std::string& finishReason) = 0;
		/// The model's answer of this round is complete: "tool_calls" when
		/// its calls follow, else the reason it stopped.

	virtual void waiting(double seconds) = 0;
		/// The provider's rate limit asks for a pause before the next round;
		/// told once, before the round's tool results.

	virtual void toolResult(const ToolCallRecord& call, const ToolOutcome& outcome) = 0;
		/// One call's result, in the order of the calls.
};


} // namespace Nash


#endif // Nash_ToolLoopListener_INCLUDED
