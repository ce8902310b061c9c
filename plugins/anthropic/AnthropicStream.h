//
// AnthropicStream.h
//


#ifndef Nash_AnthropicStream_INCLUDED
#define Nash_AnthropicStream_INCLUDED


#include "NashUpstream/ProviderCall.h"
#include "Nash/ChatEventSink.h"
#include "Poco/JSON/Object.h"
#include "Poco/Nullable.h"
#include <map>
#include <string>


namespace Nash {


class AnthropicStream
	/// Turns the events of one streamed Messages API answer into calls of a
	/// ChatEventSink.
	///
	/// Anthropic numbers the content blocks of an answer, text and tool_use
	/// alike; the sink numbers tool calls. So the stream remembers which
	/// block is which tool call: the first tool_use block is call 0 even
	/// when a text block came before it.
{
public:
	AnthropicStream(NashUpstream::ProviderCall& call, ChatEventSink& sink);

	void handle(const std::string& name, const Poco::JSON::Object::Ptr& data);
		/// One event: name is the SSE event name (the data's "type" when the
		/// event has none). Events after message_stop, ping and event types
		/// this code does not know (Anthropic adds some now and then) are
		/// ignored. Throws Nash::BackendException through the call for an
		/// error event and for tool input that belongs to no tool call.

	bool isComplete() const;
		/// True once message_stop arrived: only then is the answer whole.

	static std::string finishReason(const std::string& stopReason);
		/// The finish reason clients know from OpenAI for an Anthropic
		/// stop_reason: end_turn and stop_sequence are "stop", max_tokens
		/// "length", tool_use "tool_calls", refusal "content_filter"; others
		/// pass unchanged.

private:
	void blockStarted(const Poco::JSON::Object::Ptr& data);
	void blockDelta(const Poco::JSON::Object::Ptr& data);
	void messageDelta(const Poco::JSON::Object::Ptr& data);
	void error(const Poco::JSON::Object::Ptr& data);

	NashUpstream::ProviderCall& _call;
	ChatEventSink& _sink;
	std::map<long long, int> _toolCallOfBlock;
	int _toolCalls = 0;
	Poco::Nullable<long long> _inputTokens;
	bool _complete = false;
};


} // namespace Nash


#endif // Nash_AnthropicStream_INCLUDED
