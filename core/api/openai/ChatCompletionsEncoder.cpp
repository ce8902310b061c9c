//
// ChatCompletionsEncoder.cpp
//


#include "core/api/openai/ChatCompletionsEncoder.h"
#include "core/http/SseWriter.h"
#include "core/json/JsonText.h"


namespace Nash {


ChatCompletionsEncoder::ChatCompletionsEncoder(const std::string& id, long long created, const std::string& model, bool includeUsage):
	_id(id),
	_created(created),
	_model(model),
	_includeUsage(includeUsage)
{
	// Every chunk repeats the same fields around its delta: made once.
	_chunkHead = "{\"id\": ";
	JsonText::appendQuoted(_chunkHead, _id);
	_chunkHead += ", \"object\": \"chat.completion.chunk\", \"created\": " + std::to_string(_created) + ", \"model\": ";
	JsonText::appendQuoted(_chunkHead, _model);
	_chunkHead += ", \"system_fingerprint\": null, \"choices\": [{\"index\": 0, \"delta\": ";
	_chunkTail = _includeUsage ? "}], \"usage\": null}" : "}]}";
}


std::string ChatCompletionsEncoder::chunk(const std::string& delta, const std::string& finishReason) const
{
	std::string out;
	out.reserve(_chunkHead.size() + delta.size() + _chunkTail.size() + 48);
	out += _chunkHead;
	out += delta;
	out += ", \"logprobs\": null, \"finish_reason\": ";
	if (finishReason.empty()) out += "null";
	else JsonText::appendQuoted(out, finishReason);
	out += _chunkTail;
	return out;
}


std::string ChatCompletionsEncoder::roleChunk()
{
	return chunk("{\"role\": \"assistant\", \"content\": \"\"}", std::string());
}


std::string ChatCompletionsEncoder::contentChunk(const std::string& text)
{
	if (text.empty()) return std::string();
	_text += text;
	std::string delta = "{\"content\": ";
	JsonText::appendQuoted(delta, text);
	return chunk(delta + "}", std::string());
}


std::string ChatCompletionsEncoder::toolCallChunk(const ToolCallDelta& delta)
{
	bool first = _toolCalls.find(delta.index) == _toolCalls.end();
	ToolCall& call = _toolCalls[delta.index];
	if (!delta.id.empty()) call.id = delta.id;
	if (!delta.name.empty()) call.name += delta.name;
	call.arguments += delta.argumentsFragment;

	std::string out = "{\"tool_calls\": [{\"index\": " + std::to_string(delta.index);
	if (!delta.id.empty() || first)
	{
		out += ", \"id\": ";
		JsonText::appendQuoted(out, call.id);
		out += ", \"type\": \"function\"";
	}
	out += ", \"function\": {";
	if (!delta.name.empty() || first)
	{
		out += "\"name\": ";
		JsonText::appendQuoted(out, delta.name);
		out += ", ";
	}
	out += "\"arguments\": ";
	JsonText::appendQuoted(out, delta.argumentsFragment);
	out += "}}]}";
	return chunk(out, std::string());
}


void ChatCompletionsEncoder::usage(const Usage& usage)
{
	if (!usage.promptTokens.isNull()) _usage.promptTokens = usage.promptTokens;
	if (!usage.completionTokens.isNull()) _usage.completionTokens = usage.completionTokens;
}


std::string ChatCompletionsEncoder::content(const std::string& text)
{
	// The hot path of a stream: the framed event built in one string.
	if (text.empty()) return std::string();
	_text += text;
	std::string out;
	out.reserve(_chunkHead.size() + text.size() + _chunkTail.size() + 80);
	out += "data: ";
	out += _chunkHead;
	out += "{\"content\": ";
	JsonText::appendQuoted(out, text);
	out += "}, \"logprobs\": null, \"finish_reason\": null";
	out += _chunkTail;
	out += "\n\n";
	return out;
}


std::string ChatCompletionsEncoder::toolCall(const ToolCallDelta& delta)
{
	return SseWriter::frame(toolCallChunk(delta));
}


void ChatCompletionsEncoder::finish(const std::string& reason)
{
	// A backend may report Anthropic's words; OpenAI's clients know their own.
	if (reason == "end_turn" || reason == "stop_sequence") _finishReason = "stop";
	else if (reason == "max_tokens") _finishReason = "length";
	else if (reason == "tool_use") _finishReason = "tool_calls";
	else if (reason == "refusal") _finishReason = "content_filter";
	else if (reason == "stop" || reason == "length" || reason == "tool_calls" || reason == "content_filter" || reason == "function_call") _finishReason = reason;
	// A word OpenAI's clients do not know (Ollama's "load", Anthropic's
	// "pause_turn") is left to finishChunk(): tool_calls or stop.
	else _finishReason.clear();
}


std::string ChatCompletionsEncoder::finishChunk()
{
	if (_finishReason.empty()) _finishReason = _toolCalls.empty() ? "stop" : "tool_calls";
	return chunk("{}", _finishReason);
}


void ChatCompletionsEncoder::appendUsage(std::string& out, const Usage& reported, const Usage& estimate)
{
	long long prompt = !reported.promptTokens.isNull() ? reported.promptTokens.value() : (estimate.promptTokens.isNull() ? 0 : estimate.promptTokens.value());
	long long completion = !reported.completionTokens.isNull() ? reported.completionTokens.value() :
		(estimate.completionTokens.isNull() ? 0 : estimate.completionTokens.value());
	out += "{\"prompt_tokens\": " + std::to_string(prompt) + ", \"completion_tokens\": " + std::to_string(completion) +
		", \"total_tokens\": " + std::to_string(prompt + completion) + "}";
}


std::string ChatCompletionsEncoder::usageChunk(const Usage& estimate) const
{
	if (!_includeUsage) return std::string();
	// The chunk head up to its choices, which are empty here.
	std::string out = _chunkHead.substr(0, _chunkHead.find(", \"choices\": ")) + ", \"choices\": [], \"usage\": ";
	appendUsage(out, _usage, estimate);
	return out + "}";
}


std::string ChatCompletionsEncoder::completion(const Usage& estimate) const
{
	std::string out = "{\"id\": ";
	JsonText::appendQuoted(out, _id);
	out += ", \"object\": \"chat.completion\", \"created\": " + std::to_string(_created) + ", \"model\": ";
	JsonText::appendQuoted(out, _model);
	out += ", \"system_fingerprint\": null, \"choices\": [{\"index\": 0, \"message\": {\"role\": \"assistant\", \"content\": ";
	// OpenAI's content is null for an answer that is only tool calls.
	if (_text.empty() && !_toolCalls.empty()) out += "null";
	else JsonText::appendQuoted(out, _text);
	out += ", \"refusal\": null";
	if (!_toolCalls.empty())
	{
		out += ", \"tool_calls\": [";
		bool first = true;
		for (const auto& entry: _toolCalls)
		{
			if (!first) out += ", ";
			first = false;
			out += "{\"id\": ";
			JsonText::appendQuoted(out, entry.second.id);
			out += ", \"type\": \"function\", \"function\": {\"name\": ";
			JsonText::appendQuoted(out, entry.second.name);
			out += ", \"arguments\": ";
			JsonText::appendQuoted(out, entry.second.arguments);
			out += "}}";
		}
		out += "]";
	}
	std::string reason = _finishReason.empty() ? (_toolCalls.empty() ? "stop" : "tool_calls") : _finishReason;
	out += "}, \"logprobs\": null, \"finish_reason\": ";
	JsonText::appendQuoted(out, reason);
	out += "}], \"usage\": ";
	appendUsage(out, _usage, estimate);
	return out + "}";
}


const std::string& ChatCompletionsEncoder::text() const
{
	return _text;
}


} // namespace Nash
