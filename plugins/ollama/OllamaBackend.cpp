//
// OllamaBackend.cpp
//


#include "OllamaBackend.h"
#include "OllamaStream.h"
#include "NashUpstream/JsonFields.h"
#include "NashUpstream/NdjsonParser.h"
#include "NashUpstream/Redaction.h"
#include "NashUpstream/UpstreamError.h"
#include "Nash/BackendException.h"
#include "Poco/Environment.h"
#include "Poco/JSON/Array.h"
#include "Poco/String.h"
#include "Poco/URI.h"
#include <algorithm>
#include <map>
#include <sstream>


using NashUpstream::JsonFields;
using Failure = NashUpstream::UpstreamObserver::Failure;


namespace Nash {


namespace {


const char* const defaultBaseUrl = "http://127.0.0.1:11434";
const unsigned short defaultPort = 11434;
const char* const fallbackModel = "llama3.2";


Poco::JSON::Object::Ptr newObject()
{
	return new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
}


Poco::JSON::Object::Ptr toolArguments(const Poco::JSON::Object::Ptr& toolCall, const Poco::JSON::Object::Ptr& function)
	/// OpenAI sends a tool call's arguments as JSON text; Ollama wants the
	/// object itself and refuses text.
{
	Poco::Dynamic::Var arguments = function->has("arguments") ? function->get("arguments") : Poco::Dynamic::Var();
	if (arguments.type() == typeid(Poco::JSON::Object::Ptr)) return arguments.extract<Poco::JSON::Object::Ptr>();
	if (arguments.isEmpty()) return newObject();
	if (arguments.isString())
	{
		std::string text = Poco::trim(arguments.extract<std::string>());
		if (text.empty()) return newObject();
		Poco::JSON::Object::Ptr object = JsonFields::parseObject(text);
		if (object) return object;
	}
	throw BackendException("the arguments of tool call '" + JsonFields::string(toolCall, "id") + "' are not a JSON object, which Ollama requires", 400);
}


Poco::JSON::Array::Ptr toolCallsJson(const Poco::JSON::Array::Ptr& toolCalls, std::map<std::string, std::string>& namesById)
	/// Only the function of each call: Ollama knows no more of it. Remembers
	/// each call's name by its id, because Ollama matches a tool's result to
	/// its call by name (tool_name) where OpenAI uses the id.
{
	Poco::JSON::Array::Ptr converted = new Poco::JSON::Array;
	for (std::size_t i = 0; i < toolCalls->size(); ++i)
	{
		Poco::JSON::Object::Ptr toolCall = toolCalls->getObject(static_cast<unsigned>(i));
		Poco::JSON::Object::Ptr function = toolCall ? toolCall->getObject("function") : nullptr;
		if (!function) continue;
		std::string name = JsonFields::string(function, "name");
		std::string id = JsonFields::string(toolCall, "id");
		if (!id.empty()) namesById[id] = name;
		Poco::JSON::Object::Ptr convertedFunction = newObject();
		convertedFunction->set("name", name);
		convertedFunction->set("arguments", toolArguments(toolCall, function));
		Poco::JSON::Object::Ptr call = newObject();
		call->set("function", convertedFunction);
		converted->add(call);
	}
	return converted;
}


Poco::JSON::Array::Ptr imagesOf(const Poco::JSON::Object::Ptr& raw)
	/// Ollama's own "images" (base64), with the image_url parts of an
	/// OpenAI message added: a data URL's base64 goes as it is; Ollama has
	/// no way to fetch a URL, which is said plainly.
{
	Poco::JSON::Array::Ptr images = raw->getArray("images");
	Poco::JSON::Array::Ptr parts = raw->getArray("content");
	for (std::size_t i = 0; parts && i < parts->size(); ++i)
	{
		Poco::JSON::Object::Ptr part = parts->getObject(static_cast<unsigned>(i));
		if (JsonFields::string(part, "type") != "image_url") continue;
		Poco::JSON::Object::Ptr image = part->getObject("image_url");
		std::string url = image ? JsonFields::string(image, "url") : JsonFields::string(part, "image_url");
		std::string::size_type marker = url.find(";base64,");
		if (url.compare(0, 5, "data:") != 0 || marker == std::string::npos)
			throw BackendException("Ollama takes images as base64 data only; send the image itself (a data: URL or a base64 source), not a link to it", 400);
		if (!images) images = new Poco::JSON::Array;
		images->add(url.substr(marker + 8));
	}
	return images;
}


Poco::JSON::Array::Ptr messagesJson(const ChatRequest& request)
	/// Each message with the fields Ollama knows (role, content, images,
	/// tool_calls, tool_name); anything else an OpenAI client sends along
	/// (name, tool_call_id, refusal ...) is left out.
{
	Poco::JSON::Array::Ptr messages = new Poco::JSON::Array;
	std::map<std::string, std::string> toolNamesById;
	for (const auto& message: request.messages)
	{
		Poco::JSON::Object::Ptr object = newObject();
		object->set("role", message.role);
		object->set("content", message.content);
		if (message.raw)
		{
			Poco::JSON::Array::Ptr images = imagesOf(message.raw);
			if (images) object->set("images", images);
			Poco::JSON::Array::Ptr toolCalls = message.raw->getArray("tool_calls");
			if (toolCalls && toolCalls->size() > 0) object->set("tool_calls", toolCallsJson(toolCalls, toolNamesById));
			std::string toolName = JsonFields::string(message.raw, "tool_name");
			if (toolName.empty() && message.role == "tool")
			{
				auto it = toolNamesById.find(JsonFields::string(message.raw, "tool_call_id"));
				if (it != toolNamesById.end()) toolName = it->second;
			}
			if (!toolName.empty()) object->set("tool_name", toolName);
		}
		messages->add(object);
	}
	return messages;
}


} // namespace


std::string OllamaBackend::baseUrlOfHost(const std::string& host)
{
	std::string text = Poco::trim(host);
	if (text.find("://") == std::string::npos) text = "http://" + text;
	Poco::URI uri;
	try
	{
		uri = Poco::URI(text);
	}
	catch (Poco::Exception&)
	{
		throw Poco::InvalidArgumentException("OLLAMA_HOST is not an address: '" + NashUpstream::Redaction::url(host) + "'");
	}
	if (uri.getScheme() != "http" && uri.getScheme() != "https")
		throw Poco::InvalidArgumentException("OLLAMA_HOST must be host[:port] or an http:// or https:// URL, not '" + NashUpstream::Redaction::url(host) + "'");
	// The address Ollama listens on when told to listen everywhere; a client
	// reaches that server on the loopback interface.
	if (uri.getHost().empty() || uri.getHost() == "0.0.0.0") uri.setHost("127.0.0.1");
	if (uri.getSpecifiedPort() == 0) uri.setPort(defaultPort);
	return uri.toString();
}


void OllamaBackend::configure(const std::string& instanceName, const Poco::Util::AbstractConfiguration& section)
{
	_name = instanceName;
	std::string host = Poco::trim(Poco::Environment::get("OLLAMA_HOST", ""));
	bool baseGiven = section.hasProperty("base_url");
	bool addressGiven = baseGiven || !host.empty();
	// OLLAMA_HOST is read only when base_url does not override it, so that
	// a value meant for another program cannot break this configuration.
	std::string defaultBase = baseGiven || host.empty() ? std::string(defaultBaseUrl) : baseUrlOfHost(host);
	NashUpstream::UpstreamSettings upstream = NashUpstream::UpstreamSettings::read(section, defaultBase);
	_apiKey = section.getString("api_key", "");
	if (!_apiKey.empty()) upstream.headers.emplace_back("Authorization", "Bearer " + _apiKey);
	Poco::Timespan discoveryTimeout(NashUpstream::UpstreamSettings::readInteger(section, "discovery_timeout_ms", 1500, 1, 600000) * 1000);

	if (!Poco::trim(section.getString("models", "")).empty())
	{
		_catalog = NashUpstream::ModelCatalog::read(section, fallbackModel);
	}
	else
	{
		std::vector<std::string> names;
		std::string problem;
		if (!discoverModels(upstream, discoveryTimeout, names, problem) && !addressGiven)
			throw Poco::Exception("no Ollama server answers at " + NashUpstream::Redaction::url(upstream.baseUri.toString()) + " (" + problem + "); start Ollama, or set base_url in [backend." + instanceName + "] or OLLAMA_HOST");
		_catalog.models = names;
		_catalog.defaultModel = Poco::trim(section.getString("default_model", ""));
		if (_catalog.defaultModel.empty()) _catalog.defaultModel = names.empty() ? std::string(fallbackModel) : names.front();
		if (std::find(names.begin(), names.end(), _catalog.defaultModel) == names.end())
			_catalog.models.insert(_catalog.models.begin(), _catalog.defaultModel);
	}
	_client.reset(new NashUpstream::UpstreamClient(upstream));
	_client->setObserver(_observer);
}


void OllamaBackend::observeUpstream(NashUpstream::UpstreamObserver* observer)
{
	_observer = observer;
	if (_client) _client->setObserver(observer);
}


bool OllamaBackend::discoverModels(const NashUpstream::UpstreamSettings& upstream, const Poco::Timespan& timeout,
	std::vector<std::string>& names, std::string& problem) const
	/// Asks the server which models it has. Returns false when it does not
	/// answer at all; an answer that lists nothing usable leaves names empty.
	/// A client of its own, because this one must not wait or retry long:
	/// it runs while the server starts. Without the observer, too: it is
	/// no call of a client's, and counting a missing Ollama at start as a
	/// failed exchange would only blur the metrics.
{
	NashUpstream::UpstreamSettings settings = upstream;
	settings.connectTimeout = timeout;
	settings.firstByteTimeout = timeout;
	settings.idleTimeout = timeout;
	settings.maxRetries = 0;
	settings.maxIdleConnections = 0;
	NashUpstream::UpstreamClient client(settings);
	CancellationToken never;
	std::unique_ptr<NashUpstream::UpstreamExchange> exchange;
	try
	{
		exchange = client.send("GET", "/api/tags", "", "", {}, never);
	}
	catch (Poco::Exception& exc)
	{
		problem = NashUpstream::UpstreamError::redact(exc.message(), {_apiKey});
		return false;
	}
	if (exchange->status() / 100 != 2) return true;
	try
	{
		NashUpstream::ProviderCall call(client, "Ollama upstream '" + _name + "'", {_apiKey});
		Poco::JSON::Object::Ptr answer = call.readJson(*exchange, 16 * 1024 * 1024);
		Poco::JSON::Array::Ptr models = answer->getArray("models");
		for (std::size_t i = 0; models && i < models->size(); ++i)
		{
			Poco::JSON::Object::Ptr model = models->getObject(static_cast<unsigned>(i));
			std::string name = JsonFields::string(model, "name");
			if (name.empty()) name = JsonFields::string(model, "model");
			if (!name.empty()) names.push_back(name);
		}
	}
	catch (Poco::Exception&)
	{
		// The server is there; its list is not usable. Requests still work
		// with any model name.
		names.clear();
	}
	return true;
}


std::vector<std::string> OllamaBackend::models() const
{
	return _catalog.models;
}


std::string OllamaBackend::defaultModel() const
{
	return _catalog.defaultModel;
}


bool OllamaBackend::acceptsAnyModel() const
{
	return true;
}


std::string OllamaBackend::baseUrl() const
{
	return _client->settings().baseUri.toString();
}


NashUpstream::ProviderCall OllamaBackend::call() const
{
	return NashUpstream::ProviderCall(*_client, "Ollama upstream '" + _name + "'", {_apiKey});
}


Poco::JSON::Object::Ptr OllamaBackend::requestBody(const ChatRequest& request, bool stream) const
{
	Poco::JSON::Object::Ptr body = newObject();
	body->set("model", request.model);
	body->set("messages", messagesJson(request));
	body->set("stream", stream);
	Poco::JSON::Object::Ptr options = newObject();
	if (!request.temperature.isNull()) options->set("temperature", request.temperature.value());
	if (!request.topP.isNull()) options->set("top_p", request.topP.value());
	if (!request.maxTokens.isNull()) options->set("num_predict", request.maxTokens.value());
	if (!request.stop.empty())
	{
		Poco::JSON::Array::Ptr stop = new Poco::JSON::Array;
		for (const auto& sequence: request.stop) stop->add(sequence);
		options->set("stop", stop);
	}
	if (options->size() > 0) body->set("options", options);
	// Ollama takes OpenAI's function tools as they are.
	Poco::JSON::Array::Ptr tools = request.extra ? request.extra->getArray("tools") : nullptr;
	if (tools) body->set("tools", tools);
	return body;
}


void OllamaBackend::streamChat(const ChatRequest& request, ChatEventSink& sink, const CancellationToken& cancellation)
{
	NashUpstream::ProviderCall call = this->call();
	std::ostringstream text;
	requestBody(request, true)->stringify(text);
	auto exchange = call.openUnlessCancelled("POST", "/api/chat", text.str(), {{"Accept", "application/x-ndjson"}}, cancellation);
	if (!exchange) return;

	OllamaStream stream(call, sink);
	NashUpstream::NdjsonParser parser([&](const std::string& line) {
		if (stream.isComplete() || cancellation.isCancelled()) return;
		stream.handle(call.parseJson(line));
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
	// The final line may lack its newline.
	parser.finish();
	if (!stream.isComplete()) call.fail(Failure::Cut, call.provider() + " ended the stream before it was complete (no line with \"done\": true)");
}


ChatResult OllamaBackend::complete(const ChatRequest& request, const CancellationToken& cancellation)
{
	NashUpstream::ProviderCall call = this->call();
	std::ostringstream text;
	requestBody(request, false)->stringify(text);
	auto exchange = call.open("POST", "/api/chat", text.str(), {}, cancellation);
	Poco::JSON::Object::Ptr answer = call.readJson(*exchange, 64 * 1024 * 1024);

	std::string error = OllamaStream::errorOf(answer);
	if (!error.empty()) call.fail(Failure::Status, call.provider() + " reported an error: " + error);
	Poco::JSON::Object::Ptr message = answer->getObject("message");
	if (!message) call.fail(Failure::Malformed, call.provider() + " answered without a message");
	ChatResult result;
	result.content = JsonFields::string(message, "content");
	Poco::JSON::Array::Ptr toolCalls = message->getArray("tool_calls");
	result.finishReason = OllamaStream::finishReason(JsonFields::string(answer, "done_reason"), toolCalls && toolCalls->size() > 0);
	result.usage = OllamaStream::usageOf(answer);
	return result;
}


} // namespace Nash
