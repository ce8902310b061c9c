//
// OpenAiBackend.cpp
//


#include "OpenAiBackend.h"
#include "OpenAiChunkScanner.h"
#include "NashUpstream/JsonFields.h"
#include "NashUpstream/Redaction.h"
#include "NashUpstream/SseParser.h"
#include "NashUpstream/UpstreamHeadObserver.h"
#include "Poco/Environment.h"
#include "Poco/JSON/Array.h"
#include "Poco/StringTokenizer.h"
#include <sstream>


using NashUpstream::JsonFields;
using Failure = NashUpstream::UpstreamObserver::Failure;


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


Usage usageOf(const Poco::JSON::Object::Ptr& usage)
{
	Usage result;
	if (usage->has("prompt_tokens") && usage->get("prompt_tokens").isInteger()) result.promptTokens = usage->getValue<long long>("prompt_tokens");
	if (usage->has("completion_tokens") && usage->get("completion_tokens").isInteger()) result.completionTokens = usage->getValue<long long>("completion_tokens");
	return result;
}


std::string stringField(const Poco::JSON::Object::Ptr& object, const std::string& key)
{
	if (object.isNull() || !object->has(key)) return std::string();
	Poco::Dynamic::Var value = object->get(key);
	return value.isString() ? value.extract<std::string>() : std::string();
}


} // namespace


void OpenAiBackend::configure(const std::string& instanceName, const Poco::Util::AbstractConfiguration& section)
{
	_name = instanceName;
	std::string defaultBase = Poco::Environment::get("OPENAI_BASE_URL", officialBaseUrl);
	if (defaultBase.empty()) defaultBase = officialBaseUrl;
	NashUpstream::UpstreamSettings upstream = NashUpstream::UpstreamSettings::read(section, defaultBase);
	_apiKey = section.getString("api_key", Poco::Environment::get("OPENAI_API_KEY", ""));
	if (_apiKey.empty() && upstream.baseUri.getHost() == "api.openai.com")
		throw Poco::InvalidArgumentException("no API key for " + NashUpstream::Redaction::url(upstream.baseUri.toString()) + ": set api_key in [backend." + instanceName + "] or OPENAI_API_KEY");
	if (!_apiKey.empty()) upstream.headers.emplace_back("Authorization", "Bearer " + _apiKey);
	std::string organization = section.getString("organization", "");
	if (!organization.empty()) upstream.headers.emplace_back("OpenAI-Organization", organization);
	_catalog = NashUpstream::ModelCatalog::read(section, "gpt-4o-mini");
	_streamUsage = section.getBool("stream_usage", true);
	_passFields.clear();
	for (const char* field: standardFields) _passFields.insert(field);
	Poco::StringTokenizer extra(section.getString("pass_fields", ""), ",", Poco::StringTokenizer::TOK_TRIM | Poco::StringTokenizer::TOK_IGNORE_EMPTY);
	_passFields.insert(extra.begin(), extra.end());
	_client.reset(new NashUpstream::UpstreamClient(upstream));
	_client->setObserver(_observer);
}


void OpenAiBackend::observeUpstream(NashUpstream::UpstreamObserver* observer)
{
	_observer = observer;
	if (_client) _client->setObserver(observer);
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


NashUpstream::ProviderCall OpenAiBackend::call() const
{
	return NashUpstream::ProviderCall(*_client, "OpenAI-compatible upstream '" + _name + "'", {_apiKey});
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


void OpenAiBackend::handleChunk(NashUpstream::ProviderCall& call, const Poco::JSON::Object::Ptr& chunk, ChatEventSink& sink) const
{
	if (chunk->has("error"))
	{
		std::string message = chunk->isObject("error") ? stringField(chunk->getObject("error"), "message") : stringField(chunk, "error");
		call.fail(Failure::Status, call.provider() + " reported an error mid-stream: " + (message.empty() ? std::string("(no message)") : message));
	}
	if (chunk->isObject("usage")) sink.usage(usageOf(chunk->getObject("usage")));
	Poco::JSON::Array::Ptr choices = chunk->getArray("choices");
	if (!choices || choices->size() == 0) return;
	Poco::JSON::Object::Ptr choice = choices->getObject(0);
	if (!choice) return;
	Poco::JSON::Object::Ptr delta = choice->getObject("delta");
	if (delta)
	{
		std::string content = stringField(delta, "content");
		if (!content.empty()) sink.content(content);
		Poco::JSON::Array::Ptr toolCalls = delta->getArray("tool_calls");
		for (std::size_t i = 0; toolCalls && i < toolCalls->size(); ++i)
		{
			Poco::JSON::Object::Ptr toolCall = toolCalls->getObject(static_cast<unsigned>(i));
			if (!toolCall) continue;
			ToolCallDelta fragment;
			fragment.index = toolCall->has("index") && toolCall->get("index").isInteger() ? toolCall->getValue<int>("index") : static_cast<int>(i);
			fragment.id = stringField(toolCall, "id");
			Poco::JSON::Object::Ptr function = toolCall->getObject("function");
			fragment.name = stringField(function, "name");
			fragment.argumentsFragment = stringField(function, "arguments");
			sink.toolCallDelta(fragment);
		}
	}
	std::string finishReason = stringField(choice, "finish_reason");
	if (!finishReason.empty()) sink.finish(finishReason);
}


void OpenAiBackend::streamChat(const ChatRequest& request, ChatEventSink& sink, const CancellationToken& cancellation)
{
	NashUpstream::ProviderCall call = this->call();
	std::ostringstream text;
	requestBody(request, true)->stringify(text);
	auto exchange = call.open("POST", "/chat/completions", text.str(), {{"Accept", "text/event-stream"}}, cancellation);
	NashUpstream::UpstreamHeadObserver::notify(sink, *exchange);

	bool done = false;
	OpenAiChunkScanner scanner;
	NashUpstream::SseParser parser([&](const NashUpstream::SseEvent& event) {
		if (done || cancellation.isCancelled()) return;
		if (event.data == "[DONE]")
		{
			done = true;
			return;
		}
		bool simple = false;
		try
		{
			simple = scanner.scan(event.data);
		}
		catch (Poco::Exception&)
		{
			// The full parse below reports what is wrong with it.
		}
		if (simple)
		{
			if (!scanner.content().empty()) sink.content(scanner.content());
			if (!scanner.finishReason().empty()) sink.finish(scanner.finishReason());
		}
		else
		{
			handleChunk(call, call.parseJson(event.data), sink);
		}
	}, _client->settings().maxLineBytes);

	bool complete = false;
	try
	{
		complete = call.pump(*exchange, [&](const char* data, std::size_t length) { parser.feed(data, length); });
	}
	catch (Poco::DataFormatException& exc)
	{
		call.fail(Failure::Malformed, call.provider() + " sent an unusable stream: " + exc.message());
	}
	if (!complete) return;
	if (!done) call.fail(Failure::Cut, call.provider() + " ended the stream before it was complete (no [DONE])");
}


ChatResult OpenAiBackend::complete(const ChatRequest& request, const CancellationToken& cancellation)
{
	NashUpstream::ProviderCall call = this->call();
	std::ostringstream text;
	requestBody(request, false)->stringify(text);
	auto exchange = call.open("POST", "/chat/completions", text.str(), {}, cancellation);
	Poco::JSON::Object::Ptr answer = call.readJson(*exchange, 64 * 1024 * 1024);

	ChatResult result;
	Poco::JSON::Array::Ptr choices = answer->getArray("choices");
	Poco::JSON::Object::Ptr choice = choices && choices->size() > 0 ? choices->getObject(0) : nullptr;
	Poco::JSON::Object::Ptr message = choice ? choice->getObject("message") : nullptr;
	if (!message) call.fail(Failure::Malformed, call.provider() + " answered without choices[0].message");
	result.content = stringField(message, "content");
	result.finishReason = stringField(choice, "finish_reason");
	if (answer->isObject("usage")) result.usage = usageOf(answer->getObject("usage"));
	return result;
}


} // namespace Nash
