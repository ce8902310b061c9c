//
// AnthropicBackend.cpp
//


#include "AnthropicBackend.h"
#include "AnthropicDecoder.h"
#include "NashUpstream/JsonFields.h"
#include "NashUpstream/Redaction.h"
#include "NashUpstream/UpstreamError.h"
#include "NashUpstream/UpstreamSettings.h"
#include "Nash/BackendException.h"
#include "Poco/Environment.h"
#include "Poco/JSON/Array.h"
#include "Poco/String.h"
#include <climits>
#include <sstream>


using NashUpstream::JsonFields;
using Cause = Nash::BackendException::Cause;


namespace Nash {


namespace {


const char* const officialBaseUrl = "https://api.anthropic.com";
const char* const defaultVersion = "2023-06-01";


Poco::JSON::Object::Ptr newObject()
{
	return new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
}


Poco::JSON::Object::Ptr textBlock(const std::string& text)
{
	Poco::JSON::Object::Ptr block = newObject();
	block->set("type", "text");
	block->set("text", text);
	return block;
}


std::string systemText(const ChatRequest& request)
	/// Anthropic takes one system text beside the messages, not system turns.
{
	std::string text;
	for (const auto& message: request.messages)
	{
		if (message.role != "system" || message.content.empty()) continue;
		if (!text.empty()) text += "\n\n";
		text += message.content;
	}
	return text;
}


Poco::JSON::Object::Ptr toolInput(const Poco::JSON::Object::Ptr& toolCall)
	/// OpenAI sends a tool call's arguments as JSON text; Anthropic's
	/// tool_use block wants the object itself.
{
	Poco::JSON::Object::Ptr function = toolCall->getObject("function");
	Poco::Dynamic::Var arguments = function ? function->get("arguments") : Poco::Dynamic::Var();
	if (arguments.type() == typeid(Poco::JSON::Object::Ptr)) return arguments.extract<Poco::JSON::Object::Ptr>();
	if (arguments.isEmpty()) return newObject();
	if (arguments.isString())
	{
		std::string text = Poco::trim(arguments.extract<std::string>());
		if (text.empty()) return newObject();
		Poco::JSON::Object::Ptr input = JsonFields::parseObject(text);
		if (input) return input;
	}
	throw BackendException("the arguments of tool call '" + JsonFields::string(toolCall, "id") + "' are not a JSON object, which Anthropic requires", 400);
}


bool isBlank(const std::string& text)
	/// Anthropic refuses text blocks without non-whitespace text (and so
	/// turns of such text): they say nothing, so they are left out.
{
	return text.find_first_not_of(" \t\r\n") == std::string::npos;
}


Poco::JSON::Array::Ptr toolUseBlocks(const ChatMessage& message, const Poco::JSON::Array::Ptr& toolCalls)
	/// An assistant's text (if any) and its tool calls as tool_use blocks.
{
	Poco::JSON::Array::Ptr content = new Poco::JSON::Array;
	if (!isBlank(message.content)) content->add(textBlock(message.content));
	for (std::size_t i = 0; i < toolCalls->size(); ++i)
	{
		Poco::JSON::Object::Ptr toolCall = toolCalls->getObject(static_cast<unsigned>(i));
		if (!toolCall) continue;
		Poco::JSON::Object::Ptr block = newObject();
		block->set("type", "tool_use");
		block->set("id", JsonFields::string(toolCall, "id"));
		block->set("name", JsonFields::string(toolCall->getObject("function"), "name"));
		block->set("input", toolInput(toolCall));
		content->add(block);
	}
	return content;
}


Poco::JSON::Array::Ptr toolResultBlocks(const ChatMessage& message)
	/// A tool message as a tool_result block; a result the server's tool loop
	/// marked as failed ("is_error": true, LiteLLM's field) tells the model
	/// so in Anthropic's own terms.
{
	Poco::JSON::Object::Ptr block = newObject();
	block->set("type", "tool_result");
	block->set("tool_use_id", JsonFields::string(message.raw, "tool_call_id"));
	block->set("content", message.content);
	Poco::Dynamic::Var isError = message.raw ? message.raw->get("is_error") : Poco::Dynamic::Var();
	if (isError.type() == typeid(bool) && isError.extract<bool>()) block->set("is_error", true);
	Poco::JSON::Array::Ptr content = new Poco::JSON::Array;
	content->add(block);
	return content;
}


Poco::JSON::Object::Ptr imageBlock(const Poco::JSON::Object::Ptr& part)
	/// OpenAI's image_url part as Anthropic's image block: a data URL as a
	/// base64 source, any other URL as a url source.
{
	Poco::JSON::Object::Ptr image = part->getObject("image_url");
	std::string url = image ? JsonFields::string(image, "url") : JsonFields::string(part, "image_url");
	Poco::JSON::Object::Ptr source = newObject();
	const std::string dataPrefix = "data:";
	std::string::size_type marker = url.find(";base64,");
	if (url.compare(0, dataPrefix.size(), dataPrefix) == 0 && marker != std::string::npos)
	{
		source->set("type", "base64");
		source->set("media_type", url.substr(dataPrefix.size(), marker - dataPrefix.size()));
		source->set("data", url.substr(marker + 8));
	}
	else
	{
		source->set("type", "url");
		source->set("url", url);
	}
	Poco::JSON::Object::Ptr block = newObject();
	block->set("type", "image");
	block->set("source", source);
	return block;
}


Poco::Dynamic::Var contentJson(const ChatMessage& message)
	/// The message's text, or its text and image parts as blocks when the
	/// client sent images.
{
	Poco::JSON::Array::Ptr parts = message.raw ? message.raw->getArray("content") : nullptr;
	bool images = false;
	for (std::size_t i = 0; parts && i < parts->size(); ++i)
		images = images || JsonFields::string(parts->getObject(static_cast<unsigned>(i)), "type") == "image_url";
	if (!images) return message.content;
	Poco::JSON::Array::Ptr blocks = new Poco::JSON::Array;
	for (std::size_t i = 0; i < parts->size(); ++i)
	{
		Poco::JSON::Object::Ptr part = parts->getObject(static_cast<unsigned>(i));
		std::string type = JsonFields::string(part, "type");
		if (type == "text") blocks->add(textBlock(JsonFields::string(part, "text")));
		else if (type == "image_url") blocks->add(imageBlock(part));
	}
	return blocks;
}


Poco::JSON::Array::Ptr blocksOf(const Poco::Dynamic::Var& content)
	/// content (a text or an array of blocks) as blocks, without blank text
	/// blocks; empty when nothing is left.
{
	Poco::JSON::Array::Ptr blocks = new Poco::JSON::Array;
	if (content.isString())
	{
		std::string text = content.extract<std::string>();
		if (!isBlank(text)) blocks->add(textBlock(text));
		return blocks;
	}
	if (content.type() != typeid(Poco::JSON::Array::Ptr)) return blocks;
	Poco::JSON::Array::Ptr given = content.extract<Poco::JSON::Array::Ptr>();
	for (std::size_t i = 0; i < given->size(); ++i)
	{
		Poco::JSON::Object::Ptr block = given->getObject(static_cast<unsigned>(i));
		if (block && JsonFields::string(block, "type") == "text" && isBlank(JsonFields::string(block, "text"))) continue;
		blocks->add(given->get(static_cast<unsigned>(i)));
	}
	return blocks;
}


bool isToolResult(const Poco::Dynamic::Var& block)
{
	return block.type() == typeid(Poco::JSON::Object::Ptr) && JsonFields::string(block.extract<Poco::JSON::Object::Ptr>(), "type") == "tool_result";
}


void appendTurn(Poco::JSON::Array& messages, const std::string& role, const Poco::Dynamic::Var& content)
	/// Adds content as a turn of role. Anthropic wants user and assistant
	/// turns to alternate, so content of the same role as the last turn is
	/// merged into it, as blocks: this is what puts the results of a round
	/// of tool calls and the user's next words into one user turn. Its
	/// tool_result blocks come first, as Anthropic expects them at the
	/// start of the turn after the tool_use turn. Content that is left
	/// without a block (an empty text) makes no turn at all.
{
	Poco::JSON::Array::Ptr blocks = blocksOf(content);
	if (blocks->size() == 0) return;

	Poco::JSON::Object::Ptr last = messages.size() > 0 ? messages.getObject(static_cast<unsigned>(messages.size() - 1)) : nullptr;
	if (!last || JsonFields::string(last, "role") != role)
	{
		Poco::JSON::Object::Ptr turn = newObject();
		turn->set("role", role);
		// A single text stays a plain string, as it is shortest.
		if (content.isString()) turn->set("content", content);
		else turn->set("content", blocks);
		messages.add(turn);
		return;
	}

	Poco::JSON::Array::Ptr earlier = blocksOf(last->get("content"));
	Poco::JSON::Array::Ptr merged = new Poco::JSON::Array;
	for (bool results: {true, false})
	{
		for (const auto& part: {earlier, blocks})
		{
			for (std::size_t i = 0; i < part->size(); ++i)
			{
				Poco::Dynamic::Var block = part->get(static_cast<unsigned>(i));
				if (isToolResult(block) == results) merged->add(block);
			}
		}
	}
	last->set("content", merged);
}


Poco::JSON::Array::Ptr messagesJson(const ChatRequest& request)
	/// The conversation as Anthropic's turns: always alternating roles, no
	/// empty turn and no empty text block, whatever the history holds (the
	/// server's own tool loop appends assistant messages with an empty
	/// content, and tool results followed by the user's next words).
{
	Poco::JSON::Array::Ptr messages = new Poco::JSON::Array;
	for (const auto& message: request.messages)
	{
		if (message.role == "system") continue;
		if (message.role == "tool")
		{
			appendTurn(*messages, "user", toolResultBlocks(message));
			continue;
		}
		Poco::JSON::Array::Ptr toolCalls = message.raw && message.role == "assistant" ? message.raw->getArray("tool_calls") : nullptr;
		if (toolCalls && toolCalls->size() > 0)
			appendTurn(*messages, message.role, toolUseBlocks(message, toolCalls));
		else
			appendTurn(*messages, message.role, contentJson(message));
	}
	return messages;
}


Poco::Dynamic::Var toolJson(const Poco::Dynamic::Var& tool)
	/// An OpenAI function tool as an Anthropic tool; anything else (a tool
	/// already in Anthropic's shape, a server tool) as it is.
{
	if (tool.type() != typeid(Poco::JSON::Object::Ptr)) return tool;
	Poco::JSON::Object::Ptr object = tool.extract<Poco::JSON::Object::Ptr>();
	Poco::JSON::Object::Ptr function = object->getObject("function");
	if (JsonFields::string(object, "type") != "function" || !function) return tool;
	Poco::JSON::Object::Ptr converted = newObject();
	converted->set("name", JsonFields::string(function, "name"));
	// Always sent ("" for an OpenAI tool without one), so that every
	// converted tool has the same three fields, whoever described it.
	converted->set("description", JsonFields::string(function, "description"));
	Poco::JSON::Object::Ptr schema = function->getObject("parameters");
	if (!schema)
	{
		// Anthropic requires a schema; OpenAI lets a tool without parameters omit it.
		schema = newObject();
		schema->set("type", "object");
		schema->set("properties", newObject());
	}
	converted->set("input_schema", schema);
	return converted;
}


Poco::Dynamic::Var toolChoiceJson(const Poco::Dynamic::Var& choice)
	/// OpenAI's tool_choice in Anthropic's words: "required" is "any", a named
	/// function is {"type": "tool", "name": ...}.
{
	if (choice.isString())
	{
		std::string mode = choice.extract<std::string>();
		Poco::JSON::Object::Ptr converted = newObject();
		converted->set("type", mode == "required" ? std::string("any") : mode);
		return converted;
	}
	if (choice.type() != typeid(Poco::JSON::Object::Ptr)) return choice;
	Poco::JSON::Object::Ptr object = choice.extract<Poco::JSON::Object::Ptr>();
	Poco::JSON::Object::Ptr function = object->getObject("function");
	if (JsonFields::string(object, "type") != "function" || !function) return choice;
	Poco::JSON::Object::Ptr converted = newObject();
	converted->set("type", "tool");
	converted->set("name", JsonFields::string(function, "name"));
	return converted;
}


void passAnthropicFields(const Poco::JSON::Object& extra, Poco::JSON::Object& body)
	/// What a client may ask for that Anthropic takes and OpenAI's shape
	/// has no field for: top_k and thinking as they are, the end user as
	/// metadata.user_id, parallel_tool_calls false as
	/// tool_choice.disable_parallel_tool_use.
{
	for (const char* name: {"top_k", "thinking"})
	{
		if (extra.has(name) && !extra.get(name).isEmpty()) body.set(name, extra.get(name));
	}
	Poco::Dynamic::Var user = extra.get("user");
	if (user.isString())
	{
		Poco::JSON::Object::Ptr metadata = newObject();
		metadata->set("user_id", user);
		body.set("metadata", metadata);
	}
	Poco::Dynamic::Var parallel = extra.get("parallel_tool_calls");
	Poco::JSON::Object::Ptr chosen = body.getObject("tool_choice");
	bool noTools = chosen && JsonFields::string(chosen, "type") == "none";
	if (parallel.type() == typeid(bool) && !parallel.extract<bool>() && body.has("tools") && !noTools)
	{
		Poco::JSON::Object::Ptr choice = chosen;
		if (!choice)
		{
			choice = newObject();
			choice->set("type", "auto");
			body.set("tool_choice", choice);
		}
		choice->set("disable_parallel_tool_use", true);
	}
}


std::string messagesPathFor(const Poco::URI& base)
	/// Anthropic's base URL has no /v1, unlike OpenAI's; accept both, since
	/// "https://api.anthropic.com/v1" is an easy mistake to make.
{
	std::string path = base.getPath();
	while (!path.empty() && path.back() == '/') path.pop_back();
	return Poco::endsWith(path, std::string("/v1")) ? "/messages" : "/v1/messages";
}


} // namespace


void AnthropicBackend::configure(const std::string& instanceName, const Poco::Util::AbstractConfiguration& section)
{
	_name = instanceName;
	std::string defaultBase = Poco::Environment::get("ANTHROPIC_BASE_URL", officialBaseUrl);
	if (defaultBase.empty()) defaultBase = officialBaseUrl;
	// Read here too, though the server reads them again for its client: a
	// malformed upstream key is then reported ahead of this backend's own
	// keys, and the base URL is parsed as the server will parse it.
	NashUpstream::UpstreamSettings upstream = NashUpstream::UpstreamSettings::read(section, defaultBase);
	_apiKey = section.getString("api_key", Poco::Environment::get("ANTHROPIC_API_KEY", ""));
	if (_apiKey.empty() && upstream.baseUri.getHost() == "api.anthropic.com")
		throw Poco::InvalidArgumentException("no API key for " + NashUpstream::Redaction::url(upstream.baseUri.toString()) + ": set api_key in [backend." + instanceName + "] or ANTHROPIC_API_KEY");
	_version = Poco::trim(section.getString("anthropic_version", defaultVersion));
	if (_version.empty()) throw Poco::InvalidArgumentException("'anthropic_version' must not be empty (default " + std::string(defaultVersion) + ")");
	_maxTokens = static_cast<int>(NashUpstream::UpstreamSettings::readInteger(section, "max_tokens", 4096, 1, INT_MAX));
	_catalog = NashUpstream::ModelCatalog::read(section, "claude-sonnet-4-5");
	_baseUrl = Poco::trim(section.getString("base_url", defaultBase));
	_path = messagesPathFor(upstream.baseUri);
}


std::vector<std::string> AnthropicBackend::models() const
{
	return _catalog.models;
}


std::string AnthropicBackend::defaultModel() const
{
	return _catalog.defaultModel;
}


bool AnthropicBackend::acceptsAnyModel() const
{
	return true;
}


std::string AnthropicBackend::providerName() const
{
	return "Anthropic upstream '" + _name + "'";
}


std::string AnthropicBackend::baseUrl() const
{
	return _baseUrl;
}


std::vector<std::string> AnthropicBackend::secrets() const
{
	if (_apiKey.empty()) return {};
	return {_apiKey};
}


const std::string& AnthropicBackend::messagesPath() const
{
	return _path;
}


Poco::JSON::Object::Ptr AnthropicBackend::requestBody(const ChatRequest& request, bool stream) const
{
	Poco::JSON::Object::Ptr body = newObject();
	body->set("model", request.model);
	body->set("max_tokens", request.maxTokens.isNull() ? _maxTokens : request.maxTokens.value());
	std::string system = systemText(request);
	if (!system.empty()) body->set("system", system);
	body->set("messages", messagesJson(request));
	if (!request.temperature.isNull()) body->set("temperature", request.temperature.value());
	if (!request.topP.isNull()) body->set("top_p", request.topP.value());
	if (!request.stop.empty())
	{
		Poco::JSON::Array::Ptr stop = new Poco::JSON::Array;
		for (const auto& sequence: request.stop) stop->add(sequence);
		body->set("stop_sequences", stop);
	}
	body->set("stream", stream);
	Poco::JSON::Array::Ptr tools = request.extra ? request.extra->getArray("tools") : nullptr;
	if (tools)
	{
		Poco::JSON::Array::Ptr converted = new Poco::JSON::Array;
		for (std::size_t i = 0; i < tools->size(); ++i) converted->add(toolJson(tools->get(static_cast<unsigned>(i))));
		body->set("tools", converted);
	}
	if (request.extra && request.extra->has("tool_choice") && !request.extra->get("tool_choice").isEmpty())
		body->set("tool_choice", toolChoiceJson(request.extra->get("tool_choice")));
	if (request.extra) passAnthropicFields(*request.extra, *body);
	return body;
}


UpstreamRequest AnthropicBackend::chatRequest(const ChatRequest& request, bool stream) const
{
	UpstreamRequest upstream;
	upstream.path = _path;
	std::ostringstream text;
	requestBody(request, stream)->stringify(text);
	upstream.body = text.str();
	// The server sends these after the header.* keys of the configuration,
	// so that these win.
	if (!_apiKey.empty()) upstream.headers.emplace_back("x-api-key", _apiKey);
	upstream.headers.emplace_back("anthropic-version", _version);
	if (stream) upstream.headers.emplace_back("Accept", "text/event-stream");
	return upstream;
}


std::unique_ptr<ChatDecoder> AnthropicBackend::streamDecoder(const ChatRequest& request, std::size_t maxEventBytes) const
{
	(void) request;
	return std::unique_ptr<ChatDecoder>(new AnthropicDecoder(providerName(), maxEventBytes));
}


ChatResult AnthropicBackend::decodeAnswer(const std::string& body) const
{
	Poco::JSON::Object::Ptr answer = JsonFields::parseObject(body);
	if (!answer)
		throw BackendException(providerName() + " sent data that is not a JSON object: " + NashUpstream::UpstreamError::snippet(body), 0, Cause::Malformed);
	Poco::JSON::Array::Ptr content = answer->getArray("content");
	if (!content) throw BackendException(providerName() + " answered without content", 0, Cause::Malformed);
	ChatResult result;
	for (std::size_t i = 0; i < content->size(); ++i)
	{
		Poco::JSON::Object::Ptr block = content->getObject(static_cast<unsigned>(i));
		if (JsonFields::string(block, "type") == "text") result.content += JsonFields::string(block, "text");
	}
	result.finishReason = AnthropicDecoder::finishReason(JsonFields::string(answer, "stop_reason"));
	Poco::JSON::Object::Ptr usage = answer->getObject("usage");
	result.usage.promptTokens = JsonFields::integer(usage, "input_tokens");
	result.usage.completionTokens = JsonFields::integer(usage, "output_tokens");
	return result;
}


} // namespace Nash
