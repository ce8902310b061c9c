//
// OpenAiDecoder.cpp
//


#include "OpenAiDecoder.h"
#include "NashUpstream/JsonFields.h"
#include "NashUpstream/UpstreamError.h"
#include "Nash/BackendException.h"
#include "Poco/Exception.h"
#include "Poco/JSON/Array.h"


using NashUpstream::JsonFields;
using Cause = Nash::BackendException::Cause;


namespace Nash {


OpenAiDecoder::OpenAiDecoder(std::string provider, std::size_t maxEventBytes):
	_provider(std::move(provider)),
	_parser([this](const NashUpstream::SseEvent& event) { this->event(event); }, maxEventBytes)
{
}


void OpenAiDecoder::feed(const char* data, std::size_t size, ChatEventSink& sink)
{
	if (_done) return;
	_sink = &sink;
	try
	{
		_parser.feed(data, size);
	}
	catch (Poco::DataFormatException& exc)
	{
		// A line beyond the bound: whatever follows cannot be trusted.
		throw BackendException(_provider + " sent an unusable stream: " + exc.message(), 0, Cause::Malformed);
	}
}


void OpenAiDecoder::end(ChatEventSink& sink)
{
	_sink = &sink;
	// An event without its blank line is discarded, as the format requires:
	// a [DONE] that lacks it does not count.
	_parser.finish();
	if (!_done) throw BackendException(_provider + " ended the stream before it was complete (no [DONE])", 0, Cause::Incomplete);
}


bool OpenAiDecoder::isDone() const
{
	return _done;
}


Usage OpenAiDecoder::usageOf(const Poco::JSON::Object::Ptr& usage)
{
	Usage result;
	if (usage->has("prompt_tokens") && usage->get("prompt_tokens").isInteger()) result.promptTokens = usage->getValue<long long>("prompt_tokens");
	if (usage->has("completion_tokens") && usage->get("completion_tokens").isInteger()) result.completionTokens = usage->getValue<long long>("completion_tokens");
	return result;
}


void OpenAiDecoder::event(const NashUpstream::SseEvent& event)
{
	if (_done) return;
	if (event.data == "[DONE]")
	{
		_done = true;
		return;
	}
	bool simple = false;
	try
	{
		simple = _scanner.scan(event.data);
	}
	catch (Poco::Exception&)
	{
		// The full parse below reports what is wrong with it.
	}
	if (simple)
	{
		if (!_scanner.content().empty()) _sink->content(_scanner.content());
		if (!_scanner.finishReason().empty()) _sink->finish(_scanner.finishReason());
		return;
	}
	Poco::JSON::Object::Ptr parsed = JsonFields::parseObject(event.data);
	if (!parsed) throw BackendException(_provider + " sent data that is not a JSON object: " + NashUpstream::UpstreamError::snippet(event.data), 0, Cause::Malformed);
	chunk(parsed);
}


void OpenAiDecoder::chunk(const Poco::JSON::Object::Ptr& chunk)
{
	if (chunk->has("error"))
	{
		std::string message = chunk->isObject("error") ? JsonFields::string(chunk->getObject("error"), "message") : JsonFields::string(chunk, "error");
		throw BackendException(_provider + " reported an error mid-stream: " + (message.empty() ? std::string("(no message)") : message), 0, Cause::ErrorReported);
	}
	if (chunk->isObject("usage")) _sink->usage(usageOf(chunk->getObject("usage")));
	Poco::JSON::Array::Ptr choices = chunk->getArray("choices");
	if (!choices || choices->size() == 0) return;
	Poco::JSON::Object::Ptr choice = choices->getObject(0);
	if (!choice) return;
	Poco::JSON::Object::Ptr delta = choice->getObject("delta");
	if (delta)
	{
		std::string content = JsonFields::string(delta, "content");
		if (!content.empty()) _sink->content(content);
		Poco::JSON::Array::Ptr toolCalls = delta->getArray("tool_calls");
		for (std::size_t i = 0; toolCalls && i < toolCalls->size(); ++i)
		{
			Poco::JSON::Object::Ptr toolCall = toolCalls->getObject(static_cast<unsigned>(i));
			if (!toolCall) continue;
			ToolCallDelta fragment;
			fragment.index = toolCall->has("index") && toolCall->get("index").isInteger() ? toolCall->getValue<int>("index") : static_cast<int>(i);
			fragment.id = JsonFields::string(toolCall, "id");
			Poco::JSON::Object::Ptr function = toolCall->getObject("function");
			fragment.name = JsonFields::string(function, "name");
			fragment.argumentsFragment = JsonFields::string(function, "arguments");
			_sink->toolCallDelta(fragment);
		}
	}
	std::string finishReason = JsonFields::string(choice, "finish_reason");
	if (!finishReason.empty()) _sink->finish(finishReason);
}


} // namespace Nash
