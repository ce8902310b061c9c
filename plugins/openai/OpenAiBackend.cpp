//
// OpenAiBackend.cpp
//


#include "OpenAiBackend.h"
#include "OpenAiDecoder.h"
#include "NashUpstream/JsonFields.h"
#include "NashUpstream/Redaction.h"
#include "NashUpstream/UpstreamError.h"
#include "Nash/BackendException.h"
#include "Poco/Environment.h"
#include "Poco/JSON/Array.h"
#include "Poco/String.h"
#include "Poco/StringTokenizer.h"
#include "Poco/URI.h"
#include <sstream>


using NashUpstream::JsonFields;
using Cause = Nash::BackendException::Cause;


namespace Nash {


namespace {


const char* const officialBaseUrl = "https://api.openai.com/v1";


// Request fields of the Chat Completions API a client may set beyond the
// ones the server validates itself; anything else a client sends stays here.
const char* const standardFields[] = {
	"tools", "tool_choice", "parallel_tool_calls", "response_format", "seed", "user",
	"frequency_penalty", "presence_penalty", "logit_bias", "logprobs", "top_logprobs",
	"max_completion_tokens", "reasoning_effort", "metadata", "service_tier", "store", "modalities", "prediction"};


bool hasNullFunctionCall(const Poco::JSON::Object& message)
{
	return message.has("function_call") && message.get("function_call").isEmpty();
}


bool hasIndexedToolCall(const Poco::JSON::Object& message)
{
	Poco::JSON::Array::Ptr toolCalls = message.getArray("tool_calls");
	for (std::size_t i = 0; toolCalls && i < toolCalls->size(); ++i)
	{
		Poco::JSON::Object::Ptr toolCall = toolCalls->getObject(static_cast<unsigned>(i));
		if (toolCall && toolCall->has("index")) return true;
	}
	return false;
}


Poco::JSON::Object::Ptr upstreamMessage(const Poco::JSON::Object::Ptr& raw)
	/// A message as the client sent it, less what OpenAI's API may refuse:
	/// the server's tool loop appends messages in LiteLLM's shape (and
	/// clients send them back as they got them), with "is_error" on tool
	/// results, "function_call": null and an "index" in each tool call, none
	/// of which is a field of a request message. A copy, so that the
	/// client's message stays as it was; the message itself when nothing
	/// must go, which is nearly always.
{
	bool isError = JsonFields::string(raw, "role") == "tool" && raw->has("is_error");
	bool functionCall = hasNullFunctionCall(*raw);
	bool index = hasIndexedToolCall(*raw);
	if (!isError && !functionCall && !index) return raw;

	Poco::JSON::Object::Ptr copy = new Poco::JSON::Object(*raw);
	if (isError) copy->remove("is_error");
	if (functionCall) copy->remove("function_call");
	if (index)
	{
		Poco::JSON::Array::Ptr toolCalls = raw->getArray("tool_calls");
		Poco::JSON::Array::Ptr stripped = new Poco::JSON::Array;
		for (std::size_t i = 0; i < toolCalls->size(); ++i)
		{
			Poco::JSON::Object::Ptr toolCall = toolCalls->getObject(static_cast<unsigned>(i));
			if (toolCall && toolCall->has("index"))
			{
				toolCall = new Poco::JSON::Object(*toolCall);
				toolCall->remove("index");
				stripped->add(toolCall);
			}
			else
			{
				stripped->add(toolCalls->get(static_cast<unsigned>(i)));
			}
		}
		copy->set("tool_calls", stripped);
	}
	return copy;
}


Poco::JSON::Array::Ptr messagesJson(const ChatRequest& request)
{
	Poco::JSON::Array::Ptr messages = new Poco::JSON::Array;
	for (const auto& message: request.messages)
	{
		if (message.raw)
		{
			messages->add(upstreamMessage(message.raw));
		}
		else
		{
			Poco::JSON::Object::Ptr object = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
			object->set("role", message.role);
			object->set("content", message.content);
			messages->add(object);
		}
	}
	return messages;
}


} // namespace


void OpenAiBackend::configure(const std::string& instanceName, const Poco::Util::AbstractConfiguration& section)
{
	_name = instanceName;
	std::string defaultBase = Poco::Environment::get("OPENAI_BASE_URL", officialBaseUrl);
	if (defaultBase.empty()) defaultBase = officialBaseUrl;
	_baseUrl = Poco::trim(section.getString("base_url", defaultBase));
	_apiKey = section.getString("api_key", Poco::Environment::get("OPENAI_API_KEY", ""));
	if (_apiKey.empty())
	{
		// A base URL that is no URL is the server's to refuse (it reads
		// base_url itself), with a message that cannot show a password.
		Poco::URI base;
		bool parsed = true;
		try
		{
			base = Poco::URI(_baseUrl);
		}
		catch (Poco::Exception&)
		{
			parsed = false;
		}
		if (parsed && base.getHost() == "api.openai.com")
			throw Poco::InvalidArgumentException("no API key for " + NashUpstream::Redaction::url(base.toString()) + ": set api_key in [backend." + instanceName + "] or OPENAI_API_KEY");
	}
	_organization = section.getString("organization", "");
	_catalog = NashUpstream::ModelCatalog::read(section, "gpt-4o-mini");
	_streamUsage = section.getBool("stream_usage", true);
	_passFields.clear();
	for (const char* field: standardFields) _passFields.insert(field);
	Poco::StringTokenizer extra(section.getString("pass_fields", ""), ",", Poco::StringTokenizer::TOK_TRIM | Poco::StringTokenizer::TOK_IGNORE_EMPTY);
	_passFields.insert(extra.begin(), extra.end());
}


std::vector<std::string> OpenAiBackend::models() const
{
	return _catalog.models;
}


std::string OpenAiBackend::defaultModel() const
{
	return _catalog.defaultModel;
}


bool OpenAiBackend::acceptsAnyModel() const
{
	return true;
}


std::string OpenAiBackend::providerName() const
{
	return "OpenAI-compatible upstream '" + _name + "'";
}


std::string OpenAiBackend::baseUrl() const
{
	return _baseUrl;
}


std::vector<std::string> OpenAiBackend::secrets() const
{
	return {_apiKey};
}


Poco::JSON::Object::Ptr OpenAiBackend::requestBody(const ChatRequest& request, bool stream) const
{
	Poco::JSON::Object::Ptr body = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
	body->set("model", request.model);
	body->set("messages", messagesJson(request));
	body->set("stream", stream);
	if (stream && _streamUsage)
	{
		Poco::JSON::Object::Ptr options = new Poco::JSON::Object;
		options->set("include_usage", true);
		body->set("stream_options", options);
	}
	if (!request.temperature.isNull()) body->set("temperature", request.temperature.value());
	// OpenAI's reasoning models refuse max_tokens: a client that named the
	// limit max_completion_tokens has it passed on by that name alone.
	bool completionLimit = request.extra && !request.extra->get("max_completion_tokens").isEmpty() && _passFields.count("max_completion_tokens");
	if (!request.maxTokens.isNull() && !completionLimit) body->set("max_tokens", request.maxTokens.value());
	if (!request.topP.isNull()) body->set("top_p", request.topP.value());
	if (!request.stop.empty())
	{
		Poco::JSON::Array::Ptr stop = new Poco::JSON::Array;
		for (const auto& sequence: request.stop) stop->add(sequence);
		body->set("stop", stop);
	}
	if (request.extra)
	{
		for (const auto& name: request.extra->getNames())
		{
			if (_passFields.count(name)) body->set(name, request.extra->get(name));
		}
	}
	return body;
}


UpstreamRequest OpenAiBackend::chatRequest(const ChatRequest& request, bool stream) const
{
	UpstreamRequest upstream;
	upstream.method = "POST";
	upstream.path = "/chat/completions";
	std::ostringstream text;
	requestBody(request, stream)->stringify(text);
	upstream.body = text.str();
	if (!_apiKey.empty()) upstream.headers.emplace_back("Authorization", "Bearer " + _apiKey);
	if (!_organization.empty()) upstream.headers.emplace_back("OpenAI-Organization", _organization);
	if (stream) upstream.headers.emplace_back("Accept", "text/event-stream");
	return upstream;
}


std::unique_ptr<ChatDecoder> OpenAiBackend::streamDecoder(const ChatRequest& request, std::size_t maxEventBytes) const
{
	(void) request;
	return std::unique_ptr<ChatDecoder>(new OpenAiDecoder(providerName(), maxEventBytes));
}


ChatResult OpenAiBackend::decodeAnswer(const std::string& body) const
{
	Poco::JSON::Object::Ptr answer = JsonFields::parseObject(body);
	if (!answer) throw BackendException(providerName() + " sent data that is not a JSON object: " + NashUpstream::UpstreamError::snippet(body), 0, Cause::Malformed);

	ChatResult result;
	Poco::JSON::Array::Ptr choices = answer->getArray("choices");
	Poco::JSON::Object::Ptr choice = choices && choices->size() > 0 ? choices->getObject(0) : nullptr;
	Poco::JSON::Object::Ptr message = choice ? choice->getObject("message") : nullptr;
	if (!message) throw BackendException(providerName() + " answered without choices[0].message", 0, Cause::Malformed);
	result.content = JsonFields::string(message, "content");
	result.finishReason = JsonFields::string(choice, "finish_reason");
	if (answer->isObject("usage")) result.usage = OpenAiDecoder::usageOf(answer->getObject("usage"));
	return result;
}


} // namespace Nash
