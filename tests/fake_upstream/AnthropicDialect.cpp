//
// AnthropicDialect.cpp
//


#include "AnthropicDialect.h"
#include "JsonOut.h"


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


void appendToolUse(std::string& out, bool withInput)
{
	out += "{\"type\":\"tool_use\",\"id\":\"";
	out += toolUseId;
	out += "\",\"name\":";
	JsonOut::appendString(out, ApiDialect::toolName);
	out += ",\"input\":";
	out += withInput ? ApiDialect::toolArgumentsStart + ApiDialect::toolArgumentsEnd : std::string("{}");
	out += '}';
}


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
	if (reply == TOOL_CALL) appendToolUse(out, true);
	else
	{
		out += "{\"type\":\"text\",\"text\":";
		JsonOut::appendString(out, exchange.text);
		out += '}';
	}
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
	out += "event: message_start\ndata: {\"type\":\"message_start\",\"message\":{\"id\":";
	JsonOut::appendString(out, exchange.id);
	out += ",\"type\":\"message\",\"role\":\"assistant\",\"model\":";
	JsonOut::appendString(out, exchange.model);
	out += ",\"content\":[],\"stop_reason\":null,\"stop_sequence\":null,\"usage\":{\"input_tokens\":";
	JsonOut::appendNumber(out, exchange.inputTokens);
	out += ",\"output_tokens\":1}}}\n\n";
	out += "event: content_block_start\ndata: {\"type\":\"content_block_start\",\"index\":0,\"content_block\":";
	if (reply == TOOL_CALL) appendToolUse(out, false);
	else out += "{\"type\":\"text\",\"text\":\"\"}";
	out += "}\n\n";
	out += "event: ping\ndata: {\"type\":\"ping\"}\n\n";
}


void AnthropicDialect::appendContent(std::string& out, const Exchange&, const std::string& piece) const
{
	out += "event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"text_delta\",\"text\":";
	JsonOut::appendString(out, piece);
	out += "}}\n\n";
}


void AnthropicDialect::appendToolEvents(std::vector<std::string>& events, const Exchange&) const
{
	for (const std::string* fragment: {&toolArgumentsStart, &toolArgumentsEnd})
	{
		std::string event("event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"input_json_delta\",\"partial_json\":");
		JsonOut::appendString(event, *fragment);
		event += "}}\n\n";
		events.push_back(event);
	}
}


void AnthropicDialect::appendStreamEnd(std::string& out, const Exchange& exchange, Reply reply) const
{
	out += "event: content_block_stop\ndata: {\"type\":\"content_block_stop\",\"index\":0}\n\n";
	out += "event: message_delta\ndata: {\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\"";
	out += reply == TOOL_CALL ? "tool_use" : "end_turn";
	out += "\",\"stop_sequence\":null},\"usage\":{\"output_tokens\":";
	JsonOut::appendNumber(out, exchange.outputTokens);
	out += "}}\n\n";
	out += "event: message_stop\ndata: {\"type\":\"message_stop\"}\n\n";
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


} // namespace FakeUpstream
