//
// ChatCompletionsEncoder.h
//
// The OpenAI Chat Completions dialect's answers, from the pipeline's events.
//


#ifndef Nash_ChatCompletionsEncoder_INCLUDED
#define Nash_ChatCompletionsEncoder_INCLUDED


#include "Nash/ChatEvents.h"
#include <map>
#include <string>
#include <vector>


namespace Nash {


class ChatCompletionsEncoder
	/// Turns what a backend produces (text, tool-call fragments, usage, the
	/// finish reason) into OpenAI's `chat.completion.chunk` objects for a
	/// stream, or into one `chat.completion` object. Pure: events in, JSON
	/// text out; it never touches a connection, so the same encoder serves
	/// any transport and is tested on its own.
	///
	/// It also keeps the whole answer as it goes (text, the tool calls put
	/// together by index, usage, finish reason), which completion() writes
	/// for a request that does not stream.
{
public:
	ChatCompletionsEncoder(const std::string& id, long long created, const std::string& model, bool includeUsage);
		/// id is "chatcmpl-..."; created in seconds since the epoch; model
		/// as the client named it. includeUsage: the client asked for
		/// stream_options.include_usage (every chunk then carries "usage":
		/// null, and usageChunk() a last chunk with the counts).

	std::string roleChunk();
		/// The first chunk: the assistant's role and empty content.

	std::string contentChunk(const std::string& text);
		/// A piece of text; empty when text is empty (nothing to send).

	std::string toolCallChunk(const ToolCallDelta& delta);
		/// A fragment of a tool call: id, type and name with its first
		/// fragment, argument text with every one.

	std::string content(const std::string& text);
	std::string toolCall(const ToolCallDelta& delta);
		/// contentChunk() and toolCallChunk() framed as server-sent events
		/// (empty when there is nothing to send), for EncodingSink.

	void finish(const std::string& reason);
		/// The backend's finish reason, kept for finishChunk().

	void usage(const Usage& usage);
		/// Token counts as the backend reported them; kept for the end.

	std::string finishChunk();
		/// The chunk with the finish reason and an empty delta. With no
		/// reason reported, "tool_calls" when tool calls were made, else
		/// "stop".

	std::string usageChunk(const Usage& estimate) const;
		/// With includeUsage: the last chunk, no choices, with the usage the
		/// backend reported or, for counts it did not report, estimate.
		/// Otherwise empty.

	std::string completion(const Usage& estimate) const;
		/// The whole answer as a `chat.completion` object.

	const std::string& text() const;
		/// The answer's text so far.

private:
	struct ToolCall
	{
		std::string id;
		std::string name;
		std::string arguments;
	};

	std::string chunk(const std::string& delta, const std::string& finishReason) const;
	static void appendUsage(std::string& out, const Usage& reported, const Usage& estimate);

	std::string _id;
	long long _created;
	std::string _model;
	bool _includeUsage;
	std::string _chunkHead;
	std::string _chunkTail;
	std::string _text;
	std::map<int, ToolCall> _toolCalls;
	Usage _usage;
	std::string _finishReason;
};


} // namespace Nash


#endif // Nash_ChatCompletionsEncoder_INCLUDED
