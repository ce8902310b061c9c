//
// MessagesEncoder.cpp
//


#include "core/api/anthropic/MessagesEncoder.h"
#include "core/api/anthropic/AnthropicErrors.h"
#include "core/http/SseWriter.h"
#include "core/json/JsonText.h"
#include "Poco/String.h"


namespace Nash {


namespace {


std::string event(const char* type, const std::string& fields)
	/// One framed event whose data is {"type": type, <fields>}.
{
	std::string data = "{\"type\": \"";
	data += type;
	data += "\"";
	if (!fields.empty())
	{
		data += ", ";
		data += fields;
	}
	data += "}";
	return SseWriter::frame(type, data);
}


std::string toolInputJson(const std::string& arguments)
	/// A tool call's arguments as the object Anthropic's tool_use carries;
	/// {} for none. Arguments that are not a JSON object are kept as the
	/// object's "arguments" text rather than lost.
{
	std::string trimmed = Poco::trim(arguments);
	if (trimmed.empty()) return "{}";
	try
	{
		Poco::JSON::Object::Ptr input = JsonText::parseObject(trimmed);
		if (input) return JsonText::write(input);
	}
	catch (Poco::Exception&)
	{
	}
	std::string out = "{\"arguments\": ";
	JsonText::appendQuoted(out, arguments);
	return out + "}";
}


} // namespace


MessagesEncoder::MessagesEncoder(const std::string& id, const std::string& model, long long inputTokens):
	_id(id),
	_model(model),
	_inputEstimate(inputTokens)
{
}


std::string MessagesEncoder::start()
{
	std::string fields = "\"message\": {\"id\": ";
	JsonText::appendQuoted(fields, _id);
	fields += ", \"type\": \"message\", \"role\": \"assistant\", \"model\": ";
	JsonText::appendQuoted(fields, _model);
	fields += ", \"content\": [], \"stop_reason\": null, \"stop_sequence\": null, \"usage\": {\"input_tokens\": ";
	fields += std::to_string(_inputEstimate);
	fields += ", \"output_tokens\": 0}}";
	return event("message_start", fields) + event("ping", "");
}


std::string MessagesEncoder::content(const std::string& text)
{
	if (text.empty()) return std::string();
	std::string out;
	if (!_open || _blocks.back().tool) out += openBlock(Block());
	_blocks.back().text += text;
	_text += text;
	std::string fields = "\"index\": " + std::to_string(_blocks.size() - 1) + ", \"delta\": {\"type\": \"text_delta\", \"text\": ";
	JsonText::appendQuoted(fields, text);
	return out + event("content_block_delta", fields + "}");
}


std::string MessagesEncoder::toolCall(const ToolCallDelta& delta)
{
	std::string out;
	bool continues = _open && _blocks.back().tool && _blocks.back().toolIndex == delta.index;
	if (!continues)
	{
		Block block;
		block.tool = true;
		block.toolIndex = delta.index;
		block.id = delta.id.empty() ? "toolu_" + _id.substr(_id.find('_') + 1) + std::to_string(_blocks.size()) : delta.id;
		block.name = delta.name;
		out += openBlock(block);
	}
	if (delta.argumentsFragment.empty()) return out;
	_blocks.back().text += delta.argumentsFragment;
	std::string fields = "\"index\": " + std::to_string(_blocks.size() - 1) + ", \"delta\": {\"type\": \"input_json_delta\", \"partial_json\": ";
	JsonText::appendQuoted(fields, delta.argumentsFragment);
	return out + event("content_block_delta", fields + "}");
}


void MessagesEncoder::usage(const Usage& usage)
{
	if (!usage.promptTokens.isNull()) _usage.promptTokens = usage.promptTokens;
	if (!usage.completionTokens.isNull()) _usage.completionTokens = usage.completionTokens;
}


void MessagesEncoder::finish(const std::string& reason)
{
	_finishReason = reason;
}


std::string MessagesEncoder::end(long long outputEstimate)
{
	std::string out = closeBlock();
	bool madeToolCalls = false;
	for (const auto& block: _blocks) madeToolCalls = madeToolCalls || block.tool;
	std::string fields = "\"delta\": {\"stop_reason\": ";
	JsonText::appendQuoted(fields, stopReason(_finishReason, madeToolCalls));
	fields += ", \"stop_sequence\": null}, \"usage\": {\"input_tokens\": " + std::to_string(inputTokens());
	fields += ", \"output_tokens\": " + std::to_string(outputTokens(outputEstimate)) + "}";
	return out + event("message_delta", fields) + event("message_stop", "");
}


std::string MessagesEncoder::message(long long outputEstimate) const
{
	std::string out = "{\"id\": ";
	JsonText::appendQuoted(out, _id);
	out += ", \"type\": \"message\", \"role\": \"assistant\", \"model\": ";
	JsonText::appendQuoted(out, _model);
	out += ", \"content\": [";
	bool madeToolCalls = false;
	for (std::size_t i = 0; i < _blocks.size(); ++i)
	{
		const Block& block = _blocks[i];
		if (i > 0) out += ", ";
		if (block.tool)
		{
			madeToolCalls = true;
			out += "{\"type\": \"tool_use\", \"id\": ";
			JsonText::appendQuoted(out, block.id);
			out += ", \"name\": ";
			JsonText::appendQuoted(out, block.name);
			out += ", \"input\": " + toolInputJson(block.text) + "}";
		}
		else
		{
			out += "{\"type\": \"text\", \"text\": ";
			JsonText::appendQuoted(out, block.text);
			out += "}";
		}
	}
	out += "], \"stop_reason\": ";
	JsonText::appendQuoted(out, stopReason(_finishReason, madeToolCalls));
	out += ", \"stop_sequence\": null, \"usage\": {\"input_tokens\": " + std::to_string(inputTokens());
	out += ", \"output_tokens\": " + std::to_string(outputTokens(outputEstimate)) + "}}";
	return out;
}


std::string MessagesEncoder::error(const ErrorReply& reply)
{
	return SseWriter::frame("error", AnthropicErrors::body(reply));
}


std::string MessagesEncoder::stopReason(const std::string& finishReason, bool madeToolCalls)
{
	if (finishReason.empty()) return madeToolCalls ? "tool_use" : "end_turn";
	if (finishReason == "stop") return "end_turn";
	if (finishReason == "length") return "max_tokens";
	if (finishReason == "tool_calls" || finishReason == "function_call") return "tool_use";
	if (finishReason == "content_filter") return "refusal";
	// Anthropic's clients know a fixed set of reasons; a provider's own
	// word for an ordinary end is an end of turn to them.
	static const char* const anthropicReasons[] = {"end_turn", "max_tokens", "stop_sequence", "tool_use", "pause_turn", "refusal"};
	for (const char* reason: anthropicReasons)
	{
		if (finishReason == reason) return finishReason;
	}
	return madeToolCalls ? "tool_use" : "end_turn";
}


const std::string& MessagesEncoder::text() const
{
	return _text;
}


std::string MessagesEncoder::closeBlock()
{
	if (!_open) return std::string();
	_open = false;
	return event("content_block_stop", "\"index\": " + std::to_string(_blocks.size() - 1));
}


std::string MessagesEncoder::openBlock(Block block)
{
	std::string out = closeBlock();
	std::string fields = "\"index\": " + std::to_string(_blocks.size()) + ", \"content_block\": ";
	if (block.tool)
	{
		fields += "{\"type\": \"tool_use\", \"id\": ";
		JsonText::appendQuoted(fields, block.id);
		fields += ", \"name\": ";
		JsonText::appendQuoted(fields, block.name);
		fields += ", \"input\": {}}";
	}
	else
	{
		fields += "{\"type\": \"text\", \"text\": \"\"}";
	}
	_blocks.push_back(std::move(block));
	_open = true;
	return out + event("content_block_start", fields);
}


long long MessagesEncoder::inputTokens() const
{
	return _usage.promptTokens.isNull() ? _inputEstimate : _usage.promptTokens.value();
}


long long MessagesEncoder::outputTokens(long long estimate) const
{
	return _usage.completionTokens.isNull() ? estimate : _usage.completionTokens.value();
}


} // namespace Nash
