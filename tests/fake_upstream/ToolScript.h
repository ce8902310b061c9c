//
// ToolScript.h
//


#ifndef FakeUpstream_ToolScript_INCLUDED
#define FakeUpstream_ToolScript_INCLUDED


#include "Scenario.h"
#include <string>
#include <vector>


namespace FakeUpstream {


struct ToolHistory
	/// What a scripted model reads from the conversation it is sent; each
	/// ApiDialect finds it in its own message format.
{
	std::string firstUserText;
		/// The text of the first user message: the arguments of every call.
	int results = 0;
		/// The tool results in the whole conversation.
	std::vector<std::string> lastResults;
		/// The texts of the tool results that the last message carries, in
		/// order; empty when it carries none.
};


struct ScriptedCall
	/// One tool call of a scripted answer.
{
	std::string id;
	std::string name;
	std::string arguments;
		/// Compact JSON text of an object.
	std::vector<std::string> fragments;
		/// arguments cut into the pieces that the stream sends.
};


struct ScriptedTurn
	/// A scripted answer, in no API's format yet: text (the pieces that the
	/// stream sends), then the tool calls; a turn with calls stops for tool
	/// use, one without ends the turn.
{
	std::vector<std::string> textPieces;
	std::vector<ScriptedCall> calls;

	std::string text() const;
		/// The pieces joined.
	int outputTokens() const;
		/// One a streamed piece, text and argument fragments alike.
};


class ToolScript
	/// The script-* models: what they answer to a conversation, whatever the
	/// API. The script lives in the model name and the conversation, so that
	/// the fake keeps no state between the rounds of a tool loop.
{
public:
	static ScriptedTurn plan(const Scenario& scenario, const ToolHistory& history, const std::string& idPrefix);
		/// The answer of scenario (one of the SCRIPT_* kinds) to history,
		/// the ids of its calls made of idPrefix and random characters.

	static std::string argumentsFrom(const std::string& text);
		/// text as compact JSON when it is a JSON object, "{}" otherwise.

	static std::vector<std::string> splitArguments(const std::string& json);
		/// json cut into pieces of at most 4 bytes, never inside a UTF-8
		/// sequence, so that a client has to join many fragments (and
		/// fragments that end mid-token) to get the arguments.

	static bool validToolName(const std::string& name);
		/// Whether name matches ^[a-zA-Z0-9_-]{1,64}$, as both APIs demand.

	static std::string newId(const std::string& prefix);
		/// prefix and 24 random letters and digits.

	static const std::string resultSeparator;
		/// " | ", between the results of one round in the final answer.
};


} // namespace FakeUpstream


#endif // FakeUpstream_ToolScript_INCLUDED
