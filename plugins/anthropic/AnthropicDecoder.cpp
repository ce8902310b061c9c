//
// AnthropicDecoder.cpp
//


#include "AnthropicDecoder.h"
#include "NashUpstream/JsonFields.h"
#include "NashUpstream/UpstreamError.h"
#include "Nash/BackendException.h"
#include "Poco/Exception.h"


using NashUpstream::JsonFields;
using Cause = Nash::BackendException::Cause;


namespace Nash {


AnthropicDecoder::AnthropicDecoder(const std::string& provider, std::size_t maxEventBytes):
	_provider(provider),
	_parser([this](const NashUpstream::SseEvent& event) { _events.push_back(event); }, maxEventBytes)
{
}


bool AnthropicDecoder::isComplete() const
{
	return _complete;
}


std::string AnthropicDecoder::finishReason(const std::string& stopReason)
{
	if (stopReason == "end_turn" || stopReason == "stop_sequence") return "stop";
	if (stopReason == "max_tokens") return "length";
	if (stopReason == "tool_use") return "tool_calls";
	if (stopReason == "refusal") return "content_filter";
	return stopReason;
}


void AnthropicDecoder::feed(const char* data, std::size_t size, ChatEventSink& sink)
{
	if (_complete) return;
	std::string unusable;
	try
	{
		_parser.feed(data, size);
	}
	catch (Poco::DataFormatException& exc)
	{
		// A line longer than allowed; the events before it still count.
		unusable = exc.message();
	}
	std::vector<NashUpstream::SseEvent> events;
	events.swap(_events);
	for (const auto& event: events) handle(event, sink);
	// After message_stop the rest of the body does not matter, overlong or not.
	if (!unusable.empty() && !_complete)
		throw BackendException(_provider + " sent an unusable stream: " + unusable, 0, Cause::Malformed);
}


void AnthropicDecoder::end(ChatEventSink& sink)
{
	(void) sink;
	// An event the body did not close with a blank line is no event.
	_parser.finish();
	if (!_complete)
		throw BackendException(_provider + " ended the stream before it was complete (no message_stop)", 0, Cause::Incomplete);
}


void AnthropicDecoder::handle(const NashUpstream::SseEvent& event, ChatEventSink& sink)
{
	if (_complete) return;
	Poco::JSON::Object::Ptr data = JsonFields::parseObject(event.data);
	if (!data)
		throw BackendException(_provider + " sent data that is not a JSON object: " + NashUpstream::UpstreamError::snippet(event.data), 0, Cause::Malformed);
	const std::string type = event.name.empty() ? JsonFields::string(data, "type") : event.name;
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
		blockStarted(data, sink);
	}
	else if (type == "content_block_delta")
	{
		blockDelta(data, sink);
	}
	else if (type == "message_delta")
	{
		messageDelta(data, sink);
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


void AnthropicDecoder::blockStarted(const Poco::JSON::Object::Ptr& data, ChatEventSink& sink)
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
		sink.toolCallDelta(delta);
	}
	else if (type == "text")
	{
		// Usually empty: the text follows in deltas.
		std::string text = JsonFields::string(block, "text");
		if (!text.empty()) sink.content(text);
	}
}


void AnthropicDecoder::blockDelta(const Poco::JSON::Object::Ptr& data, ChatEventSink& sink)
{
	Poco::JSON::Object::Ptr delta = data->getObject("delta");
	std::string type = JsonFields::string(delta, "type");
	if (type == "text_delta")
	{
		std::string text = JsonFields::string(delta, "text");
		if (!text.empty()) sink.content(text);
	}
	else if (type == "input_json_delta")
	{
		Poco::Nullable<long long> index = JsonFields::integer(data, "index");
		auto it = _toolCallOfBlock.find(index.isNull() ? -1 : index.value());
		if (it == _toolCallOfBlock.end())
		{
			throw BackendException(_provider + " sent tool input for content block " + (index.isNull() ? std::string("(none)") : std::to_string(index.value())) + ", which is no tool call",
				0, Cause::Malformed);
		}
		ToolCallDelta fragment;
		fragment.index = it->second;
		fragment.argumentsFragment = JsonFields::string(delta, "partial_json");
		if (!fragment.argumentsFragment.empty()) sink.toolCallDelta(fragment);
	}
	// thinking_delta, signature_delta, citations_delta: nothing a client of
	// this server is shown.
}


void AnthropicDecoder::messageDelta(const Poco::JSON::Object::Ptr& data, ChatEventSink& sink)
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
		sink.usage(counts);
	}
	if (!stopReason.empty()) sink.finish(finishReason(stopReason));
}


void AnthropicDecoder::error(const Poco::JSON::Object::Ptr& data) const
{
	Poco::JSON::Object::Ptr error = data->getObject("error");
	std::string message = JsonFields::string(error, "message");
	std::string type = JsonFields::string(error, "type");
	if (message.empty()) message = type;
	// The status Anthropic gives these errors before a stream begins, so
	// that a client hears "overloaded" or "rate limited" either way.
	int status = type == "overloaded_error" ? 529 : type == "rate_limit_error" ? 429 : 0;
	throw BackendException(_provider + " reported an error mid-stream: " + (message.empty() ? std::string("(no message)") : message), status, Cause::ErrorReported);
}


} // namespace Nash
