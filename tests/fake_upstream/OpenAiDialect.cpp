//
// OpenAiDialect.cpp
//


#include "OpenAiDialect.h"
#include "JsonOut.h"
#include "OpenAiRequestCheck.h"
#include "Poco/JSON/Array.h"


namespace FakeUpstream {


namespace {


const char* const toolCallId = "call_1";


void appendError(std::string& out, const std::string& message, const char* type, const char* code)
{
	out += "{\"error\":{\"message\":";
	JsonOut::appendString(out, message);
	out += ",\"type\":\"";
	out += type;
	out += "\",\"param\":null,\"code\":";
	if (code)
	{
		out += '"';
		out += code;
		out += '"';
	}
	else out += "null";
	out += "}}";
}


void appendFunctionCall(std::string& out, long long index, const std::string& id, const std::string& name, const std::string& arguments)
	/// A whole tool_calls entry; a streamed one (index >= 0) begins with its
	/// index.
{
	out += '{';
	if (index >= 0)
	{
		out += "\"index\":";
		JsonOut::appendNumber(out, index);
		out += ',';
	}
	out += "\"id\":";
	JsonOut::appendString(out, id);
	out += ",\"type\":\"function\",\"function\":{\"name\":";
	JsonOut::appendString(out, name);
	out += ",\"arguments\":";
	JsonOut::appendString(out, arguments);
	out += "}}";
}


} // namespace


std::string OpenAiDialect::name() const
{
	return "openai";
}


std::string OpenAiDialect::streamContentType() const
{
	return "text/event-stream; charset=utf-8";
}


void OpenAiDialect::prepare(Exchange& exchange, const Poco::JSON::Object& body) const
{
	exchange.id = "chatcmpl-fake" + std::to_string(exchange.serial);
	Poco::JSON::Object::Ptr options = body.getObject("stream_options");
	exchange.includeUsage = options && options->optValue<bool>("include_usage", false);
}


std::string OpenAiDialect::errorBody(int status, const std::string& model) const
{
	std::string out;
	switch (status)
	{
	case 400: appendError(out, "Invalid request.", "invalid_request_error", nullptr); break;
	case 401: appendError(out, "Incorrect API key provided: sk-fake. You can find your API key at https://platform.openai.com/account/api-keys.", "invalid_request_error", "invalid_api_key"); break;
	case 403: appendError(out, "You are not allowed to sample from this model", "invalid_request_error", "model_not_allowed"); break;
	case 404: appendError(out, "The model `" + model + "` does not exist or you do not have access to it.", "invalid_request_error", "model_not_found"); break;
	case 429: appendError(out, "Rate limit reached for requests. Please try again in 1s.", "requests", "rate_limit_exceeded"); break;
	case 503: appendError(out, "The server is overloaded or not ready yet.", "server_error", nullptr); break;
	default:
		if (status >= 500) appendError(out, "The server had an error while processing your request. Sorry about that!", "server_error", nullptr);
		else appendError(out, "Request failed with status " + std::to_string(status) + ".", "invalid_request_error", nullptr);
	}
	return out;
}


void OpenAiDialect::appendUsage(std::string& out, const Exchange& exchange)
{
	out += "\"usage\":{\"prompt_tokens\":";
	JsonOut::appendNumber(out, exchange.inputTokens);
	out += ",\"completion_tokens\":";
	JsonOut::appendNumber(out, exchange.outputTokens);
	out += ",\"total_tokens\":";
	JsonOut::appendNumber(out, exchange.inputTokens + exchange.outputTokens);
	out += '}';
}


void OpenAiDialect::appendAnswer(std::string& out, const Exchange& exchange, Reply reply) const
{
	out += "{\"id\":";
	JsonOut::appendString(out, exchange.id);
	out += ",\"object\":\"chat.completion\",\"created\":";
	JsonOut::appendNumber(out, exchange.created);
	out += ",\"model\":";
	JsonOut::appendString(out, exchange.model);
	out += ",\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":";
	if (reply == TOOL_CALL)
	{
		out += "null,\"tool_calls\":[";
		appendFunctionCall(out, -1, toolCallId, toolName, toolArgumentsStart + toolArgumentsEnd);
		out += "]},\"logprobs\":null,\"finish_reason\":\"tool_calls\"}],";
	}
	else
	{
		JsonOut::appendString(out, exchange.text);
		out += "},\"logprobs\":null,\"finish_reason\":\"stop\"}],";
	}
	appendUsage(out, exchange);
	out += ",\"system_fingerprint\":\"fp_fake\"}";
}


void OpenAiDialect::appendChunkStart(std::string& out, const Exchange& exchange)
{
	out += "data: {\"id\":";
	JsonOut::appendString(out, exchange.id);
	out += ",\"object\":\"chat.completion.chunk\",\"created\":";
	JsonOut::appendNumber(out, exchange.created);
	out += ",\"model\":";
	JsonOut::appendString(out, exchange.model);
	out += ",\"system_fingerprint\":\"fp_fake\",";
}


void OpenAiDialect::appendStreamStart(std::string& out, const Exchange& exchange, Reply reply) const
{
	appendChunkStart(out, exchange);
	if (reply == TOOL_CALL)
	{
		out += "\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":null,\"tool_calls\":[{\"index\":0,\"id\":\"";
		out += toolCallId;
		out += "\",\"type\":\"function\",\"function\":{\"name\":";
		JsonOut::appendString(out, toolName);
		out += ",\"arguments\":\"\"}}]},\"logprobs\":null,\"finish_reason\":null}]}\n\n";
	}
	else
	{
		out += "\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"\"},\"logprobs\":null,\"finish_reason\":null}]}\n\n";
	}
}


void OpenAiDialect::appendContent(std::string& out, const Exchange& exchange, const std::string& piece) const
{
	appendChunkStart(out, exchange);
	out += "\"choices\":[{\"index\":0,\"delta\":{\"content\":";
	JsonOut::appendString(out, piece);
	out += "},\"logprobs\":null,\"finish_reason\":null}]}\n\n";
}


void OpenAiDialect::appendToolEvents(std::vector<std::string>& events, const Exchange& exchange) const
{
	for (const std::string* fragment: {&toolArgumentsStart, &toolArgumentsEnd})
	{
		std::string event;
		appendChunkStart(event, exchange);
		event += "\"choices\":[{\"index\":0,\"delta\":{\"tool_calls\":[{\"index\":0,\"function\":{\"arguments\":";
		JsonOut::appendString(event, *fragment);
		event += "}}]},\"logprobs\":null,\"finish_reason\":null}]}\n\n";
		events.push_back(event);
	}
}


void OpenAiDialect::appendStreamEnd(std::string& out, const Exchange& exchange, Reply reply) const
{
	appendChunkStart(out, exchange);
	out += "\"choices\":[{\"index\":0,\"delta\":{},\"logprobs\":null,\"finish_reason\":\"";
	out += reply == TOOL_CALL ? "tool_calls" : "stop";
	out += "\"}]}\n\n";
	if (exchange.includeUsage)
	{
		appendChunkStart(out, exchange);
		out += "\"choices\":[],";
		appendUsage(out, exchange);
		out += "}\n\n";
	}
	out += "data: [DONE]\n\n";
}


void OpenAiDialect::appendMalformed(std::string& out) const
{
	out += "data: {\"choices\": [\n\n";
}


void OpenAiDialect::appendStreamError(std::string& out, const std::string& message) const
{
	out += "data: ";
	appendError(out, message, "server_error", nullptr);
	out += "\n\n";
}


void OpenAiDialect::appendModelList(std::string& out) const
{
	out += "{\"object\":\"list\",\"data\":[";
	bool first = true;
	for (const char* id: {"fake-gpt", "tools", "bench-50x2"})
	{
		if (!first) out += ',';
		first = false;
		out += "{\"id\":\"";
		out += id;
		out += "\",\"object\":\"model\",\"created\":1700000000,\"owned_by\":\"fake-upstream\"}";
	}
	out += "]}";
}


std::string OpenAiDialect::invalidRequestBody(const std::string& message) const
{
	std::string out;
	appendError(out, message, "invalid_request_error", nullptr);
	return out;
}


bool OpenAiDialect::runsScripts() const
{
	return true;
}


std::string OpenAiDialect::scriptProblem(const Poco::JSON::Object& body) const
{
	return OpenAiRequestCheck::problem(body);
}


ToolHistory OpenAiDialect::toolHistory(const Poco::JSON::Object& body) const
{
	// Tool results are "tool" messages; those of the last round are the run
	// of them that ends the conversation.
	ToolHistory history;
	history.firstUserText = firstUserText(body);
	Poco::JSON::Array::Ptr messages = body.getArray("messages");
	for (std::size_t i = 0; messages && i < messages->size(); ++i)
	{
		Poco::JSON::Object::Ptr message = messages->getObject(static_cast<unsigned>(i));
		if (message && message->optValue<std::string>("role", "") == "tool")
		{
			++history.results;
			history.lastResults.push_back(contentText(message->get("content")));
		}
		else history.lastResults.clear();
	}
	return history;
}


std::string OpenAiDialect::toolIdPrefix() const
{
	return "call_";
}


void OpenAiDialect::appendScriptedAnswer(std::string& out, const Exchange& exchange, const ScriptedTurn& turn) const
{
	out += "{\"id\":";
	JsonOut::appendString(out, exchange.id);
	out += ",\"object\":\"chat.completion\",\"created\":";
	JsonOut::appendNumber(out, exchange.created);
	out += ",\"model\":";
	JsonOut::appendString(out, exchange.model);
	out += ",\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":";
	if (turn.textPieces.empty()) out += "null";
	else JsonOut::appendString(out, turn.text());
	if (!turn.calls.empty())
	{
		out += ",\"tool_calls\":[";
		for (std::size_t i = 0; i < turn.calls.size(); ++i)
		{
			if (i > 0) out += ',';
			appendFunctionCall(out, -1, turn.calls[i].id, turn.calls[i].name, turn.calls[i].arguments);
		}
		out += ']';
	}
	out += "},\"logprobs\":null,\"finish_reason\":\"";
	out += turn.calls.empty() ? "stop" : "tool_calls";
	out += "\"}],";
	appendUsage(out, exchange);
	out += ",\"system_fingerprint\":\"fp_fake\"}";
}


void OpenAiDialect::appendScriptedEvents(std::vector<std::string>& events, const Exchange& exchange, const ScriptedTurn& turn) const
{
	// The role first, then the text, then each call: its id and name with
	// empty arguments, then the argument fragments under the call's index.
	std::string event;
	appendChunkStart(event, exchange);
	event += "\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":";
	event += turn.textPieces.empty() ? "null" : "\"\"";
	event += "},\"logprobs\":null,\"finish_reason\":null}]}\n\n";
	events.push_back(event);
	for (const auto& piece: turn.textPieces)
	{
		event.clear();
		appendContent(event, exchange, piece);
		events.push_back(event);
	}
	for (std::size_t i = 0; i < turn.calls.size(); ++i)
	{
		const ScriptedCall& call = turn.calls[i];
		event.clear();
		appendChunkStart(event, exchange);
		event += "\"choices\":[{\"index\":0,\"delta\":{\"tool_calls\":[";
		appendFunctionCall(event, static_cast<long long>(i), call.id, call.name, "");
		event += "]},\"logprobs\":null,\"finish_reason\":null}]}\n\n";
		events.push_back(event);
		for (const auto& fragment: call.fragments)
		{
			event.clear();
			appendChunkStart(event, exchange);
			event += "\"choices\":[{\"index\":0,\"delta\":{\"tool_calls\":[{\"index\":";
			JsonOut::appendNumber(event, static_cast<long long>(i));
			event += ",\"function\":{\"arguments\":";
			JsonOut::appendString(event, fragment);
			event += "}}]},\"logprobs\":null,\"finish_reason\":null}]}\n\n";
			events.push_back(event);
		}
	}
	event.clear();
	appendStreamEnd(event, exchange, turn.calls.empty() ? TEXT : TOOL_CALL);
	events.push_back(event);
}


} // namespace FakeUpstream
