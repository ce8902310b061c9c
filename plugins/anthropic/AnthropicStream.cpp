//
// AnthropicStream.cpp
//


#include "AnthropicStream.h"
#include "NashUpstream/JsonFields.h"


using NashUpstream::JsonFields;
using Failure = NashUpstream::UpstreamObserver::Failure;


namespace Nash {


AnthropicStream::AnthropicStream(NashUpstream::ProviderCall& call, ChatEventSink& sink):
	_call(call),
	_sink(sink)
{
}


bool AnthropicStream::isComplete() const
{
	return _complete;
}


std::string AnthropicStream::finishReason(const std::string& stopReason)
{
	if (stopReason == "end_turn" || stopReason == "stop_sequence") return "stop";
	if (stopReason == "max_tokens") return "length";
	if (stopReason == "tool_use") return "tool_calls";
	if (stopReason == "refusal") return "content_filter";
	return stopReason;
}


void AnthropicStream::handle(const std::string& name, const Poco::JSON::Object::Ptr& data)
{
	if (_complete || data.isNull()) return;
	const std::string type = name.empty() ? JsonFields::string(data, "type") : name;
	if (type == "message_start")
	{
		Poco::JSON::Object::Ptr message = data->getObject("message");
		Poco::JSON::Object::Ptr usage = message ? message->getObject("usage") : nullptr;
		// Reported with the output tokens at message_delta: the sink wants
		// usage once, near the end.
		_inputTokens = JsonFields::integer(usage, "input_tokens");
	}
	else if (type == "content_block_start")
	{
		blockStarted(data);
	}
	else if (type == "content_block_delta")
	{
		blockDelta(data);
	}
	else if (type == "message_delta")
	{
		messageDelta(data);
	}
	else if (type == "message_stop")
	{
		_complete = true;
	}
	else if (type == "error")
	{
		error(data);
	}
}


void AnthropicStream::blockStarted(const Poco::JSON::Object::Ptr& data)
{
	Poco::JSON::Object::Ptr block = data->getObject("content_block");
	std::string type = JsonFields::string(block, "type");
	if (type == "tool_use")
	{
		ToolCallDelta delta;
		delta.index = _toolCalls++;
		delta.id = JsonFields::string(block, "id");
		delta.name = JsonFields::string(block, "name");
		Poco::Nullable<long long> index = JsonFields::integer(data, "index");
		_toolCallOfBlock[index.isNull() ? -1 : index.value()] = delta.index;
		_sink.toolCallDelta(delta);
	}
	else if (type == "text")
	{
		// Usually empty: the text follows in deltas.
		std::string text = JsonFields::string(block, "text");
		if (!text.empty()) _sink.content(text);
	}
}


void AnthropicStream::blockDelta(const Poco::JSON::Object::Ptr& data)
{
	Poco::JSON::Object::Ptr delta = data->getObject("delta");
	std::string type = JsonFields::string(delta, "type");
	if (type == "text_delta")
	{
		std::string text = JsonFields::string(delta, "text");
		if (!text.empty()) _sink.content(text);
	}
	else if (type == "input_json_delta")
	{
		Poco::Nullable<long long> index = JsonFields::integer(data, "index");
		auto it = _toolCallOfBlock.find(index.isNull() ? -1 : index.value());
		if (it == _toolCallOfBlock.end())
			_call.fail(Failure::Malformed, _call.provider() + " sent tool input for content block " + (index.isNull() ? std::string("(none)") : std::to_string(index.value())) + ", which is no tool call");
		ToolCallDelta fragment;
		fragment.index = it->second;
		fragment.argumentsFragment = JsonFields::string(delta, "partial_json");
		if (!fragment.argumentsFragment.empty()) _sink.toolCallDelta(fragment);
	}
	// thinking_delta, signature_delta, citations_delta: nothing a client of
	// this server is shown.
}


void AnthropicStream::messageDelta(const Poco::JSON::Object::Ptr& data)
{
	Poco::JSON::Object::Ptr delta = data->getObject("delta");
	std::string stopReason = JsonFields::string(delta, "stop_reason");
	Poco::JSON::Object::Ptr usage = data->getObject("usage");
	if (usage)
	{
		Usage counts;
		// Newer API versions repeat the input tokens here, cumulatively.
		Poco::Nullable<long long> input = JsonFields::integer(usage, "input_tokens");
		counts.promptTokens = input.isNull() ? _inputTokens : input;
		counts.completionTokens = JsonFields::integer(usage, "output_tokens");
		_sink.usage(counts);
	}
	if (!stopReason.empty()) _sink.finish(finishReason(stopReason));
}


void AnthropicStream::error(const Poco::JSON::Object::Ptr& data)
{
	Poco::JSON::Object::Ptr error = data->getObject("error");
	std::string message = JsonFields::string(error, "message");
	std::string type = JsonFields::string(error, "type");
	if (message.empty()) message = type;
	// The status Anthropic gives these errors before a stream begins, so
	// that a client hears "overloaded" or "rate limited" either way.
	int status = type == "overloaded_error" ? 529 : type == "rate_limit_error" ? 429 : 0;
	_call.fail(Failure::Status, _call.provider() + " reported an error mid-stream: " + (message.empty() ? std::string("(no message)") : message), status);
}


} // namespace Nash
