//
// AnthropicDecoder.h
//


#ifndef Nash_AnthropicDecoder_INCLUDED
#define Nash_AnthropicDecoder_INCLUDED


#include "NashUpstream/SseParser.h"
#include "Nash/ChatDecoder.h"
#include "Nash/ChatEventSink.h"
#include "Poco/JSON/Object.h"
#include "Poco/Nullable.h"
#include <cstddef>
#include <map>
#include <string>
#include <vector>


namespace Nash {


class AnthropicDecoder: public ChatDecoder
	/// Turns the event stream (text/event-stream) of one streamed Messages
	/// API answer into calls of a ChatEventSink.
	///
	/// Anthropic numbers the content blocks of an answer, text and tool_use
	/// alike; the sink numbers tool calls. So the decoder remembers which
	/// block is which tool call: the first tool_use block is call 0 even
	/// when a text block came before it.
	///
	/// The answer is whole once message_stop arrived; what follows it is
	/// ignored. Events this code does not know (ping, and the types
	/// Anthropic adds now and then) are ignored too. Throws
	/// BackendException with
	///   - Cause::ErrorReported for an error event (with the status
	///     Anthropic gives such an error before a stream begins, 529 for
	///     overloaded_error and 429 for rate_limit_error, else 0),
	///   - Cause::Malformed for an event whose data is no JSON object, an
	///     event line longer than maxEventBytes, and tool input for a
	///     content block that is no tool call,
	///   - Cause::Incomplete when the body ends before message_stop.
{
public:
	AnthropicDecoder(const std::string& provider, std::size_t maxEventBytes);
		/// provider names the upstream in messages ("Anthropic upstream 'a'").

	AnthropicDecoder(const AnthropicDecoder&) = delete;
	AnthropicDecoder& operator = (const AnthropicDecoder&) = delete;

	void feed(const char* data, std::size_t size, ChatEventSink& sink) override;
	void end(ChatEventSink& sink) override;

	bool isComplete() const;
		/// True once message_stop arrived: only then is the answer whole.

	static std::string finishReason(const std::string& stopReason);
		/// The finish reason clients know from OpenAI for an Anthropic
		/// stop_reason: end_turn and stop_sequence are "stop", max_tokens
		/// "length", tool_use "tool_calls", refusal "content_filter"; others
		/// pass unchanged.

private:
	void handle(const NashUpstream::SseEvent& event, ChatEventSink& sink);
	void blockStarted(const Poco::JSON::Object::Ptr& data, ChatEventSink& sink);
	void blockDelta(const Poco::JSON::Object::Ptr& data, ChatEventSink& sink);
	void messageDelta(const Poco::JSON::Object::Ptr& data, ChatEventSink& sink);
	[[noreturn]] void error(const Poco::JSON::Object::Ptr& data) const;

	std::string _provider;
	NashUpstream::SseParser _parser;
	std::vector<NashUpstream::SseEvent> _events;
		// Completed by the piece being fed, handled once the parser has
		// returned: so that only the parser's own DataFormatException is
		// taken for a line too long, not one of the sink's.
	std::map<long long, int> _toolCallOfBlock;
	int _toolCalls = 0;
	Poco::Nullable<long long> _inputTokens;
	bool _complete = false;
};


} // namespace Nash


#endif // Nash_AnthropicDecoder_INCLUDED
