//
// MessagesEncoder.h
//
// The Anthropic Messages dialect's answers, from the pipeline's events.
//


#ifndef Nash_MessagesEncoder_INCLUDED
#define Nash_MessagesEncoder_INCLUDED


#include "core/http/ErrorResponder.h"
#include "Nash/ChatEvents.h"
#include <string>
#include <vector>


namespace Nash {


class MessagesEncoder
	/// Turns what a backend produces (text, tool-call fragments, usage, the
	/// finish reason) into Anthropic's stream events, framed as server-sent
	/// events ("event: <type>" and its data), or into one `message` object.
	/// Pure: events in, bytes out; it never touches a connection.
	///
	/// Anthropic's content is a sequence of blocks, one open at a time:
	/// text opens (or continues) a text block, a tool call's first fragment
	/// a tool_use block whose arguments follow as input_json_delta. The
	/// encoder closes a block when another begins or the message ends, and
	/// keeps every block for message().
{
public:
	MessagesEncoder(const std::string& id, const std::string& model, long long inputTokens);
		/// id is "msg_..."; model as the client named it; inputTokens the
		/// estimate for message_start (the backend's count, when it reports
		/// one, comes with message_delta and in message()).

	std::string start();
		/// message_start and a ping.

	std::string content(const std::string& text);
		/// A text_delta, after opening a text block if none is open; empty
		/// when text is empty.

	std::string toolCall(const ToolCallDelta& delta);
		/// A tool call's fragment: its first opens a tool_use block (with
		/// the call's id, or one made up, and its name); arguments follow as
		/// input_json_delta.

	void usage(const Usage& usage);
		/// Token counts as the backend reported them; kept for the end.

	void finish(const std::string& reason);
		/// The backend's finish reason (OpenAI's words or Anthropic's).

	std::string end(long long outputEstimate);
		/// Closes the open block; message_delta (stop reason, usage) and
		/// message_stop. outputEstimate counts for a backend that reported
		/// no usage.

	std::string message(long long outputEstimate) const;
		/// The whole answer as a `message` object.

	static std::string error(const ErrorReply& reply);
		/// An error event, for a failure after the stream began.

	static std::string stopReason(const std::string& finishReason, bool madeToolCalls);
		/// Anthropic's stop_reason for a finish reason: stop is end_turn,
		/// length max_tokens, tool_calls tool_use, content_filter refusal;
		/// Anthropic's own words stay as they are; none, or a word neither
		/// API has, is tool_use after tool calls, else end_turn.

	const std::string& text() const;
		/// The answer's text so far.

private:
	struct Block
	{
		bool tool = false;
		int toolIndex = -1;
		std::string id;
		std::string name;
		std::string text;
			/// The text, or the tool call's arguments (JSON text).
	};

	std::string closeBlock();
	std::string openBlock(Block block);
	long long inputTokens() const;
	long long outputTokens(long long estimate) const;

	std::string _id;
	std::string _model;
	long long _inputEstimate;
	std::vector<Block> _blocks;
	bool _open = false;
	std::string _text;
	Usage _usage;
	std::string _finishReason;
};


} // namespace Nash


#endif // Nash_MessagesEncoder_INCLUDED
