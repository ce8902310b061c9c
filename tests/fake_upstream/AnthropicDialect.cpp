//
// AnthropicDialect.cpp
//


#include "AnthropicDialect.h"
#include "AnthropicRequestCheck.h"
#include "JsonOut.h"
#include "RateLimitHeaders.h"
#include "Poco/JSON/Array.h"


namespace FakeUpstream {


namespace {


const char* const toolUseId = "toolu_1";


void appendError(std::string& out, const char* type, const std::string& message)
{
	out += "{\"type\":\"error\",\"error\":{\"type\":\"";
	out += type;
	out += "\",\"message\":";
	JsonOut::appendString(out, message);
	out += "}}";
}


void appendToolUse(std::string& out, const std::string& id, const std::string& name, const std::string& input)
	/// input is the JSON text of an object.
{
	out += "{\"type\":\"tool_use\",\"id\":";
	JsonOut::appendString(out, id);
	out += ",\"name\":";
	JsonOut::appendString(out, name);
	out += ",\"input\":";
	out += input;
	out += '}';
}


void appendTextBlock(std::string& out, const std::string& text)
{
	out += "{\"type\":\"text\",\"text\":";
	JsonOut::appendString(out, text);
	out += '}';
}


void appendMessageStart(std::string& out, const Exchange& exchange)
{
	out += "event: message_start\ndata: {\"type\":\"message_start\",\"message\":{\"id\":";
	JsonOut::appendString(out, exchange.id);
	out += ",\"type\":\"message\",\"role\":\"assistant\",\"model\":";
	JsonOut::appendString(out, exchange.model);
	out += ",\"content\":[],\"stop_reason\":null,\"stop_sequence\":null,\"usage\":{\"input_tokens\":";
	JsonOut::appendNumber(out, exchange.inputTokens);
	out += ",\"output_tokens\":1}}}\n\n";
}


void appendBlockStart(std::string& out, int index, const std::string& block)
{
	out += "event: content_block_start\ndata: {\"type\":\"content_block_start\",\"index\":";
	JsonOut::appendNumber(out, index);
	out += ",\"content_block\":";
	out += block;
	out += "}\n\n";
}


void appendDelta(std::string& out, int index, const char* type, const char* member, const std::string& value)
	/// A content_block_delta whose delta has type and member: value.
{
	out += "event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":";
	JsonOut::appendNumber(out, index);
	out += ",\"delta\":{\"type\":\"";
	out += type;
	out += "\",\"";
	out += member;
	out += "\":";
	JsonOut::appendString(out, value);
	out += "}}\n\n";
}


void appendBlockStop(std::string& out, int index)
{
	out += "event: content_block_stop\ndata: {\"type\":\"content_block_stop\",\"index\":";
	JsonOut::appendNumber(out, index);
	out += "}\n\n";
}


void appendMessageEnd(std::string& out, const Exchange& exchange, bool toolUse)
{
	out += "event: message_delta\ndata: {\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\"";
	out += toolUse ? "tool_use" : "end_turn";
	out += "\",\"stop_sequence\":null},\"usage\":{\"output_tokens\":";
	JsonOut::appendNumber(out, exchange.outputTokens);
	out += "}}\n\n";
	out += "event: message_stop\ndata: {\"type\":\"message_stop\"}\n\n";
}


const char* const ping = "event: ping\ndata: {\"type\":\"ping\"}\n\n";


} // namespace


std::string AnthropicDialect::name() const
{
	return "anthropic";
}


std::string AnthropicDialect::streamContentType() const
{
	return "text/event-stream; charset=utf-8";
}


void AnthropicDialect::prepare(Exchange& exchange, const Poco::JSON::Object&) const
{
	exchange.id = "msg_fake" + std::to_string(exchange.serial);
}


std::string AnthropicDialect::errorBody(int status, const std::string& model) const
{
	std::string out;
	switch (status)
	{
	case 400: appendError(out, "invalid_request_error", "Invalid request."); break;
	case 401: appendError(out, "authentication_error", "invalid x-api-key"); break;
	case 403: appendError(out, "permission_error", "Your API key does not have permission to use the specified resource."); break;
	case 404: appendError(out, "not_found_error", "model: " + model); break;
	case 413: appendError(out, "request_too_large", "Request exceeds the maximum allowed number of bytes."); break;
	case 429: appendError(out, "rate_limit_error", "Number of requests has exceeded your per-minute rate limit."); break;
	case 503:
	case 529: appendError(out, "overloaded_error", "Overloaded"); break;
	default:
		if (status >= 500) appendError(out, "api_error", "Internal server error");
		else appendError(out, "invalid_request_error", "Request failed with status " + std::to_string(status) + ".");
	}
	return out;
}


void AnthropicDialect::appendAnswer(std::string& out, const Exchange& exchange, Reply reply) const
{
	out += "{\"id\":";
	JsonOut::appendString(out, exchange.id);
	out += ",\"type\":\"message\",\"role\":\"assistant\",\"model\":";
	JsonOut::appendString(out, exchange.model);
	out += ",\"content\":[";
	if (reply == TOOL_CALL) appendToolUse(out, toolUseId, toolName, toolArgumentsStart + toolArgumentsEnd);
	else appendTextBlock(out, exchange.text);
	out += "],\"stop_reason\":\"";
	out += reply == TOOL_CALL ? "tool_use" : "end_turn";
	out += "\",\"stop_sequence\":null,\"usage\":{\"input_tokens\":";
	JsonOut::appendNumber(out, exchange.inputTokens);
	out += ",\"output_tokens\":";
	JsonOut::appendNumber(out, exchange.outputTokens);
	out += "}}";
}


void AnthropicDialect::appendStreamStart(std::string& out, const Exchange& exchange, Reply reply) const
{
	appendMessageStart(out, exchange);
	std::string block;
	if (reply == TOOL_CALL) appendToolUse(block, toolUseId, toolName, "{}");
	else block = "{\"type\":\"text\",\"text\":\"\"}";
	appendBlockStart(out, 0, block);
	out += ping;
}


void AnthropicDialect::appendContent(std::string& out, const Exchange&, const std::string& piece) const
{
	appendDelta(out, 0, "text_delta", "text", piece);
}


void AnthropicDialect::appendToolEvents(std::vector<std::string>& events, const Exchange&) const
{
	for (const std::string* fragment: {&toolArgumentsStart, &toolArgumentsEnd})
	{
		std::string event;
		appendDelta(event, 0, "input_json_delta", "partial_json", *fragment);
		events.push_back(event);
	}
}


void AnthropicDialect::appendStreamEnd(std::string& out, const Exchange& exchange, Reply reply) const
{
	appendBlockStop(out, 0);
	appendMessageEnd(out, exchange, reply == TOOL_CALL);
}


void AnthropicDialect::appendMalformed(std::string& out) const
{
	out += "event: content_block_delta\ndata: {\"choices\": [\n\n";
}


void AnthropicDialect::appendStreamError(std::string& out, const std::string& message) const
{
	out += "event: error\ndata: ";
	appendError(out, "overloaded_error", message);
	out += "\n\n";
}


void AnthropicDialect::appendModelList(std::string& out) const
{
	// Served at /v1/models to requests that carry anthropic-version.
	out += "{\"data\":[{\"type\":\"model\",\"id\":\"fake-claude\",\"display_name\":\"Fake Claude\",\"created_at\":\"2024-01-01T00:00:00Z\"}],\"has_more\":false,\"first_id\":\"fake-claude\",\"last_id\":\"fake-claude\"}";
}


std::string AnthropicDialect::invalidRequestBody(const std::string& message) const
{
	std::string out;
	appendError(out, "invalid_request_error", message);
	return out;
}


void AnthropicDialect::addAnswerHeaders(const Poco::Net::HTTPRequest& request, const Poco::Timestamp& now, Poco::Net::NameValueCollection& headers) const
{
	RateLimitHeaders::add(request, now, headers);
}


bool AnthropicDialect::runsScripts() const
{
	return true;
}


std::string AnthropicDialect::scriptProblem(const Poco::JSON::Object& body) const
{
	return AnthropicRequestCheck::problem(body);
}


ToolHistory AnthropicDialect::toolHistory(const Poco::JSON::Object& body) const
{
	// Tool results are tool_result blocks of user turns; their content is a
	// string or blocks whose texts are joined.
	ToolHistory history;
	history.firstUserText = firstUserText(body);
	Poco::JSON::Array::Ptr messages = body.getArray("messages");
	for (std::size_t i = 0; messages && i < messages->size(); ++i)
	{
		Poco::JSON::Object::Ptr message = messages->getObject(static_cast<unsigned>(i));
		Poco::JSON::Array::Ptr blocks = message ? message->getArray("content") : nullptr;
		bool last = i + 1 == messages->size();
		for (std::size_t j = 0; blocks && j < blocks->size(); ++j)
		{
			Poco::JSON::Object::Ptr block = blocks->getObject(static_cast<unsigned>(j));
			if (!block || block->optValue<std::string>("type", "") != "tool_result") continue;
			++history.results;
			if (last) history.lastResults.push_back(contentText(block->get("content")));
		}
	}
	return history;
}


std::string AnthropicDialect::toolIdPrefix() const
{
	return "toolu_";
}


void AnthropicDialect::appendScriptedAnswer(std::string& out, const Exchange& exchange, const ScriptedTurn& turn) const
{
	out += "{\"id\":";
	JsonOut::appendString(out, exchange.id);
	out += ",\"type\":\"message\",\"role\":\"assistant\",\"model\":";
	JsonOut::appendString(out, exchange.model);
	out += ",\"content\":[";
	bool first = true;
	if (!turn.textPieces.empty())
	{
		appendTextBlock(out, turn.text());
		first = false;
	}
	for (const auto& call: turn.calls)
	{
		if (!first) out += ',';
		first = false;
		appendToolUse(out, call.id, call.name, call.arguments);
	}
	out += "],\"stop_reason\":\"";
	out += turn.calls.empty() ? "end_turn" : "tool_use";
	out += "\",\"stop_sequence\":null,\"usage\":{\"input_tokens\":";
	JsonOut::appendNumber(out, exchange.inputTokens);
	out += ",\"output_tokens\":";
	JsonOut::appendNumber(out, exchange.outputTokens);
	out += "}}";
}


void AnthropicDialect::appendScriptedEvents(std::vector<std::string>& events, const Exchange& exchange, const ScriptedTurn& turn) const
{
	// One content block after the other, the ping after the first start,
	// as the real stream has them.
	std::string event;
	appendMessageStart(event, exchange);
	events.push_back(event);
	int index = 0;
	if (!turn.textPieces.empty())
	{
		event.clear();
		appendBlockStart(event, index, "{\"type\":\"text\",\"text\":\"\"}");
		event += ping;
		events.push_back(event);
		for (const auto& piece: turn.textPieces)
		{
			event.clear();
			appendDelta(event, index, "text_delta", "text", piece);
			events.push_back(event);
		}
		event.clear();
		appendBlockStop(event, index++);
		events.push_back(event);
	}
	for (const auto& call: turn.calls)
	{
		std::string block;
		appendToolUse(block, call.id, call.name, "{}");
		event.clear();
		appendBlockStart(event, index, block);
		if (index == 0) event += ping;
		events.push_back(event);
		for (const auto& fragment: call.fragments)
		{
			event.clear();
			appendDelta(event, index, "input_json_delta", "partial_json", fragment);
			events.push_back(event);
		}
		event.clear();
		appendBlockStop(event, index++);
		events.push_back(event);
	}
	event.clear();
	appendMessageEnd(event, exchange, !turn.calls.empty());
	events.push_back(event);
}


} // namespace FakeUpstream
