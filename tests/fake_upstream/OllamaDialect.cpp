//
// OllamaDialect.cpp
//


#include "OllamaDialect.h"
#include "JsonOut.h"


namespace FakeUpstream {


namespace {


void appendError(std::string& out, const std::string& message)
{
	out += "{\"error\":";
	JsonOut::appendString(out, message);
	out += '}';
}


void appendToolCalls(std::string& out)
{
	out += ",\"tool_calls\":[{\"function\":{\"name\":";
	JsonOut::appendString(out, ApiDialect::toolName);
	out += ",\"arguments\":";
	out += ApiDialect::toolArgumentsStart + ApiDialect::toolArgumentsEnd;
	out += "}}]";
}


} // namespace


std::string OllamaDialect::name() const
{
	return "ollama";
}


bool OllamaDialect::streamRequested(const Poco::JSON::Object& body) const
{
	return body.optValue<bool>("stream", true);
}


std::string OllamaDialect::streamContentType() const
{
	return "application/x-ndjson";
}


void OllamaDialect::prepare(Exchange&, const Poco::JSON::Object&) const
{
}


std::string OllamaDialect::errorBody(int status, const std::string& model) const
{
	std::string out;
	switch (status)
	{
	case 400: appendError(out, "invalid request"); break;
	case 401: appendError(out, "unauthorized"); break;
	case 403: appendError(out, "forbidden"); break;
	case 404: appendError(out, "model \"" + model + "\" not found, try pulling it first"); break;
	case 429: appendError(out, "too many requests"); break;
	case 500: appendError(out, "llama runner process has terminated: exit status 2"); break;
	case 503: appendError(out, "server busy, please try again.  maximum pending requests exceeded"); break;
	default: appendError(out, "request failed with status " + std::to_string(status));
	}
	return out;
}


void OllamaDialect::appendLineStart(std::string& out, const Exchange& exchange)
{
	out += "{\"model\":";
	JsonOut::appendString(out, exchange.model);
	out += ",\"created_at\":";
	JsonOut::appendString(out, exchange.createdAt);
	out += ',';
}


void OllamaDialect::appendDone(std::string& out, const Exchange& exchange)
{
	// Durations are nanoseconds; these are small made-up ones.
	out += ",\"done\":true,\"done_reason\":\"stop\",\"total_duration\":1000000,\"load_duration\":100000,\"prompt_eval_count\":";
	JsonOut::appendNumber(out, exchange.inputTokens);
	out += ",\"prompt_eval_duration\":200000,\"eval_count\":";
	JsonOut::appendNumber(out, exchange.outputTokens);
	out += ",\"eval_duration\":700000}";
}


void OllamaDialect::appendAnswer(std::string& out, const Exchange& exchange, Reply reply) const
{
	appendLineStart(out, exchange);
	out += "\"message\":{\"role\":\"assistant\",\"content\":";
	if (reply == TOOL_CALL)
	{
		out += "\"\"";
		appendToolCalls(out);
	}
	else JsonOut::appendString(out, exchange.text);
	out += '}';
	appendDone(out, exchange);
}


void OllamaDialect::appendStreamStart(std::string&, const Exchange&, Reply) const
{
	// Ollama's first line already carries content.
}


void OllamaDialect::appendContent(std::string& out, const Exchange& exchange, const std::string& piece) const
{
	appendLineStart(out, exchange);
	out += "\"message\":{\"role\":\"assistant\",\"content\":";
	JsonOut::appendString(out, piece);
	out += "},\"done\":false}\n";
}


void OllamaDialect::appendToolEvents(std::vector<std::string>& events, const Exchange& exchange) const
{
	// Ollama sends a tool call whole, in the line before the final one.
	std::string line;
	appendLineStart(line, exchange);
	line += "\"message\":{\"role\":\"assistant\",\"content\":\"\"";
	appendToolCalls(line);
	line += "},\"done\":false}\n";
	events.push_back(line);
}


void OllamaDialect::appendStreamEnd(std::string& out, const Exchange& exchange, Reply) const
{
	appendLineStart(out, exchange);
	out += "\"message\":{\"role\":\"assistant\",\"content\":\"\"}";
	appendDone(out, exchange);
	out += '\n';
}


void OllamaDialect::appendMalformed(std::string& out) const
{
	out += "{\"message\": \n";
}


void OllamaDialect::appendStreamError(std::string& out, const std::string& message) const
{
	appendError(out, message);
	out += '\n';
}


void OllamaDialect::appendModelList(std::string& out) const
{
	out += "{\"models\":[";
	bool first = true;
	for (const char* name: {"fake-llama:latest", "tools:latest"})
	{
		if (!first) out += ',';
		first = false;
		out += "{\"name\":\"";
		out += name;
		out += "\",\"model\":\"";
		out += name;
		out += "\",\"modified_at\":\"2024-01-01T00:00:00Z\",\"size\":4661224676,"
			"\"digest\":\"sha256:0000000000000000000000000000000000000000000000000000000000000000\","
			"\"details\":{\"parent_model\":\"\",\"format\":\"gguf\",\"family\":\"llama\",\"families\":[\"llama\"],"
			"\"parameter_size\":\"8.0B\",\"quantization_level\":\"Q4_0\"}}";
	}
	out += "]}";
}


std::string OllamaDialect::invalidRequestBody(const std::string& message) const
{
	std::string out;
	appendError(out, message);
	return out;
}


} // namespace FakeUpstream
