//
// OllamaBackend.cpp
//


#include "OllamaBackend.h"
#include "OllamaDecoder.h"
#include "OllamaStream.h"
#include "NashUpstream/JsonFields.h"
#include "NashUpstream/Redaction.h"
#include "NashUpstream/UpstreamError.h"
#include "NashUpstream/UpstreamSettings.h"
#include "Nash/BackendException.h"
#include "Poco/Environment.h"
#include "Poco/JSON/Array.h"
#include "Poco/String.h"
#include "Poco/URI.h"
#include <algorithm>
#include <map>
#include <sstream>


using NashUpstream::JsonFields;
using Cause = Nash::BackendException::Cause;


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
	_addressGiven = baseGiven || !host.empty();
	// OLLAMA_HOST is read only when base_url does not override it, so that
	// a value meant for another program cannot break this configuration.
	if (baseGiven)
	{
		_baseUrl = Poco::trim(section.getString("base_url"));
		try
		{
			_baseUrl = Poco::URI(_baseUrl).toString();
		}
		catch (Poco::Exception&)
		{
			// The server refuses it when it reads base_url, in words that
			// cannot show a password.
		}
	}
	else
	{
		_baseUrl = host.empty() ? std::string(defaultBaseUrl) : baseUrlOfHost(host);
	}
	_apiKey = section.getString("api_key", "");
	_discoveryTimeoutMs = static_cast<int>(NashUpstream::UpstreamSettings::readInteger(section, "discovery_timeout_ms", 1500, 1, 600000));

	_discover = Poco::trim(section.getString("models", "")).empty();
	if (_discover)
	{
		_defaultModelSetting = Poco::trim(section.getString("default_model", ""));
		discovered({});
	}
	else
	{
		_catalog = NashUpstream::ModelCatalog::read(section, fallbackModel);
	}
}


UpstreamRequest OllamaBackend::setupRequest() const
{
	UpstreamRequest request;
	if (!_discover) return request;
	request.method = "GET";
	request.path = "/api/tags";
	request.timeoutMilliseconds = _discoveryTimeoutMs;
	if (!_apiKey.empty()) request.headers.emplace_back("Authorization", "Bearer " + _apiKey);
	return request;
}


void OllamaBackend::setupAnswer(const UpstreamAnswer& answer)
{
	if (!_discover) return;
	if (!answer.answered && !_addressGiven)
		throw Poco::Exception("no Ollama server answers at " + NashUpstream::Redaction::url(_baseUrl) + " (" + answer.problem + "); start Ollama, or set base_url in [backend." + _name + "] or OLLAMA_HOST");
	std::vector<std::string> names;
	// The server is there when it answers at all; a list that is not usable
	// leaves no names, and requests still work with any model name.
	Poco::JSON::Object::Ptr list = answer.answered && answer.status / 100 == 2 && answer.problem.empty() ? JsonFields::parseObject(answer.body) : nullptr;
	Poco::JSON::Array::Ptr models = list ? list->getArray("models") : nullptr;
	for (std::size_t i = 0; models && i < models->size(); ++i)
	{
		Poco::JSON::Object::Ptr model = models->getObject(static_cast<unsigned>(i));
		std::string name = JsonFields::string(model, "name");
		if (name.empty()) name = JsonFields::string(model, "model");
		if (!name.empty()) names.push_back(name);
	}
	discovered(names);
}


void OllamaBackend::discovered(const std::vector<std::string>& names)
{
	_catalog.models = names;
	_catalog.defaultModel = _defaultModelSetting;
	if (_catalog.defaultModel.empty()) _catalog.defaultModel = names.empty() ? std::string(fallbackModel) : names.front();
	if (std::find(names.begin(), names.end(), _catalog.defaultModel) == names.end())
		_catalog.models.insert(_catalog.models.begin(), _catalog.defaultModel);
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


std::string OllamaBackend::providerName() const
{
	return "Ollama upstream '" + _name + "'";
}


std::string OllamaBackend::baseUrl() const
{
	return _baseUrl;
}


std::vector<std::string> OllamaBackend::secrets() const
{
	return {_apiKey};
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


UpstreamRequest OllamaBackend::chatRequest(const ChatRequest& request, bool stream) const
{
	UpstreamRequest upstream;
	upstream.method = "POST";
	upstream.path = "/api/chat";
	std::ostringstream text;
	requestBody(request, stream)->stringify(text);
	upstream.body = text.str();
	if (!_apiKey.empty()) upstream.headers.emplace_back("Authorization", "Bearer " + _apiKey);
	if (stream) upstream.headers.emplace_back("Accept", "application/x-ndjson");
	return upstream;
}


std::unique_ptr<ChatDecoder> OllamaBackend::streamDecoder(const ChatRequest& request, std::size_t maxEventBytes) const
{
	(void) request;
	return std::unique_ptr<ChatDecoder>(new OllamaDecoder(providerName(), maxEventBytes));
}


ChatResult OllamaBackend::decodeAnswer(const std::string& body) const
{
	Poco::JSON::Object::Ptr answer = JsonFields::parseObject(body);
	if (!answer) throw BackendException(providerName() + " sent data that is not a JSON object: " + NashUpstream::UpstreamError::snippet(body), 0, Cause::Malformed);

	std::string error = OllamaStream::errorOf(answer);
	if (!error.empty()) throw BackendException(providerName() + " reported an error: " + error, 0, Cause::ErrorReported);
	Poco::JSON::Object::Ptr message = answer->getObject("message");
	if (!message) throw BackendException(providerName() + " answered without a message", 0, Cause::Malformed);
	ChatResult result;
	result.content = JsonFields::string(message, "content");
	Poco::JSON::Array::Ptr toolCalls = message->getArray("tool_calls");
	result.finishReason = OllamaStream::finishReason(JsonFields::string(answer, "done_reason"), toolCalls && toolCalls->size() > 0);
	result.usage = OllamaStream::usageOf(answer);
	return result;
}


} // namespace Nash
