//
// MessagesRequest.cpp
//


#include "core/api/anthropic/MessagesRequest.h"
#include "core/http/HttpError.h"
#include "core/json/JsonText.h"
#include "Poco/JSON/Array.h"


namespace Nash {


namespace {


using Poco::JSON::Array;
using Poco::JSON::Object;


[[noreturn]] void refuse(const std::string& field, const std::string& what)
{
	throw HttpError::badRequest("Field '" + field + "' " + what);
}


Object::Ptr objectAt(const Array::Ptr& array, std::size_t index, const std::string& field)
{
	Object::Ptr object = array->getObject(static_cast<unsigned>(index));
	if (object.isNull()) refuse(field, "must be an object");
	return object;
}


std::string stringField(const Object::Ptr& object, const std::string& name, const std::string& field, bool required = true)
{
	Poco::Dynamic::Var value = object->get(name);
	if (value.isEmpty())
	{
		if (required) refuse(field + "." + name, "is required");
		return std::string();
	}
	if (!value.isString()) refuse(field + "." + name, "must be a string");
	return value.extract<std::string>();
}


Object::Ptr part(const std::string& type)
{
	Object::Ptr object = JsonText::object();
	object->set("type", type);
	return object;
}


Object::Ptr textPart(const std::string& text)
{
	Object::Ptr object = part("text");
	object->set("text", text);
	return object;
}


Object::Ptr imagePart(const Object::Ptr& block, const std::string& field)
	/// An image block as OpenAI's image_url part: a base64 source becomes
	/// a data URL.
{
	Object::Ptr source = block->getObject("source");
	if (source.isNull()) refuse(field + ".source", "is required and must be an object");
	std::string type = stringField(source, "type", field + ".source");
	std::string url;
	if (type == "base64")
	{
		std::string mediaType = stringField(source, "media_type", field + ".source");
		url = "data:" + mediaType + ";base64," + stringField(source, "data", field + ".source");
	}
	else if (type == "url")
	{
		url = stringField(source, "url", field + ".source");
	}
	else
	{
		refuse(field + ".source.type", "must be base64 or url; got '" + type + "'");
	}
	Object::Ptr image = JsonText::object();
	image->set("url", url);
	Object::Ptr converted = part("image_url");
	converted->set("image_url", image);
	return converted;
}


std::string blockType(const Object::Ptr& block, const std::string& field)
{
	return stringField(block, "type", field);
}


[[noreturn]] void unsupported(const std::string& field, const std::string& type)
{
	refuse(field + ".type", "is '" + type + "', which this gateway cannot pass to its backends; send text, image, tool_use and tool_result blocks");
}


Array::Ptr blocksOf(const Poco::Dynamic::Var& content, const std::string& field)
	/// content as blocks: a string is one text block.
{
	if (content.isString())
	{
		Array::Ptr blocks = new Array;
		blocks->add(textPart(content.extract<std::string>()));
		return blocks;
	}
	if (content.type() != typeid(Array::Ptr)) refuse(field, "must be a string or an array of content blocks");
	return content.extract<Array::Ptr>();
}


Object::Ptr message(const std::string& role, const Poco::Dynamic::Var& content)
{
	Object::Ptr object = JsonText::object();
	object->set("role", role);
	object->set("content", content);
	return object;
}


Poco::Dynamic::Var contentOf(const Array::Ptr& parts)
	/// Parts as message content: text alone as a string, which every
	/// backend reads; with images, the parts.
{
	bool textOnly = true;
	std::string text;
	for (std::size_t i = 0; i < parts->size(); ++i)
	{
		Object::Ptr p = parts->getObject(static_cast<unsigned>(i));
		if (p->getValue<std::string>("type") != "text")
		{
			textOnly = false;
			break;
		}
		text += p->getValue<std::string>("text");
	}
	if (textOnly) return text;
	return parts;
}


std::string toolResultText(const Object::Ptr& block, const std::string& field, Array& images)
{
	Poco::Dynamic::Var content = block->get("content");
	std::string text;
	if (!content.isEmpty())
	{
		Array::Ptr blocks = blocksOf(content, field + ".content");
		for (std::size_t i = 0; i < blocks->size(); ++i)
		{
			std::string inner = field + ".content[" + std::to_string(i) + "]";
			Object::Ptr b = objectAt(blocks, i, inner);
			std::string type = blockType(b, inner);
			if (type == "text") text += stringField(b, "text", inner);
			else if (type == "image") images.add(imagePart(b, inner));
			else unsupported(inner, type);
		}
	}
	Poco::Dynamic::Var isError = block->get("is_error");
	if (!isError.isEmpty() && isError.type() != typeid(bool)) refuse(field + ".is_error", "must be true or false");
	if (!isError.isEmpty() && isError.extract<bool>()) text = "[error] " + text;
	return text;
}


void appendUserTurn(Array& out, const Poco::Dynamic::Var& content, const std::string& field)
	/// Tool results first, as one "tool" message each (OpenAI wants them
	/// right after the assistant's calls), then the rest of the turn.
{
	Array::Ptr blocks = blocksOf(content, field);
	Array::Ptr parts = new Array;
	for (std::size_t i = 0; i < blocks->size(); ++i)
	{
		std::string blockField = field + "[" + std::to_string(i) + "]";
		Object::Ptr block = objectAt(blocks, i, blockField);
		std::string type = blockType(block, blockField);
		if (type == "text")
		{
			parts->add(textPart(stringField(block, "text", blockField)));
		}
		else if (type == "image")
		{
			parts->add(imagePart(block, blockField));
		}
		else if (type == "tool_result")
		{
			Object::Ptr result = message("tool", toolResultText(block, blockField, *parts));
			result->set("tool_call_id", stringField(block, "tool_use_id", blockField));
			out.add(result);
		}
		else
		{
			unsupported(blockField, type);
		}
	}
	if (parts->size() > 0 || blocks->size() == 0) out.add(message("user", contentOf(parts)));
}


void appendAssistantTurn(Array& out, const Poco::Dynamic::Var& content, const std::string& field)
{
	Array::Ptr blocks = blocksOf(content, field);
	std::string text;
	Array::Ptr toolCalls = new Array;
	for (std::size_t i = 0; i < blocks->size(); ++i)
	{
		std::string blockField = field + "[" + std::to_string(i) + "]";
		Object::Ptr block = objectAt(blocks, i, blockField);
		std::string type = blockType(block, blockField);
		if (type == "text")
		{
			text += stringField(block, "text", blockField);
		}
		else if (type == "tool_use")
		{
			Object::Ptr input = block->getObject("input");
			if (input.isNull()) refuse(blockField + ".input", "is required and must be an object");
			Object::Ptr function = JsonText::object();
			function->set("name", stringField(block, "name", blockField));
			function->set("arguments", JsonText::write(input));
			Object::Ptr call = JsonText::object();
			call->set("id", stringField(block, "id", blockField));
			call->set("type", std::string("function"));
			call->set("function", function);
			toolCalls->add(call);
		}
		else if (type != "thinking" && type != "redacted_thinking")
		{
			unsupported(blockField, type);
		}
	}
	Object::Ptr turn = message("assistant", text.empty() && toolCalls->size() > 0 ? Poco::Dynamic::Var() : Poco::Dynamic::Var(text));
	if (toolCalls->size() > 0) turn->set("tool_calls", toolCalls);
	out.add(turn);
}


std::string systemText(const Poco::Dynamic::Var& system, const std::string& name)
	/// A system prompt: a string, or text blocks joined by blank lines.
{
	if (system.isString()) return system.extract<std::string>();
	if (system.type() != typeid(Array::Ptr)) refuse(name, "must be a string or an array of text blocks");
	Array::Ptr blocks = system.extract<Array::Ptr>();
	std::string text;
	for (std::size_t i = 0; i < blocks->size(); ++i)
	{
		std::string field = name + "[" + std::to_string(i) + "]";
		Object::Ptr block = objectAt(blocks, i, field);
		if (blockType(block, field) != "text") refuse(field + ".type", "must be text");
		if (!text.empty()) text += "\n\n";
		text += stringField(block, "text", field);
	}
	return text;
}


Array::Ptr toolsOf(const Poco::Dynamic::Var& tools)
{
	if (tools.type() != typeid(Array::Ptr)) refuse("tools", "must be an array of tools");
	Array::Ptr given = tools.extract<Array::Ptr>();
	Array::Ptr converted = new Array;
	for (std::size_t i = 0; i < given->size(); ++i)
	{
		std::string field = "tools[" + std::to_string(i) + "]";
		Object::Ptr tool = objectAt(given, i, field);
		std::string type = stringField(tool, "type", field, false);
		if (!type.empty() && type != "custom")
			refuse(field + ".type", "is '" + type + "', a tool run by Anthropic's servers, which this gateway cannot offer; describe it as a tool with an input_schema");
		Object::Ptr function = JsonText::object();
		function->set("name", stringField(tool, "name", field));
		std::string description = stringField(tool, "description", field, false);
		if (!description.empty()) function->set("description", description);
		Object::Ptr schema = tool->getObject("input_schema");
		if (schema.isNull()) refuse(field + ".input_schema", "is required and must be an object");
		function->set("parameters", schema);
		Object::Ptr openAiTool = JsonText::object();
		openAiTool->set("type", std::string("function"));
		openAiTool->set("function", function);
		converted->add(openAiTool);
	}
	return converted;
}


void setToolChoice(Object& body, const Poco::Dynamic::Var& choice)
{
	if (choice.type() != typeid(Object::Ptr)) refuse("tool_choice", "must be an object with a type");
	Object::Ptr object = choice.extract<Object::Ptr>();
	std::string type = stringField(object, "type", "tool_choice");
	if (type == "auto" || type == "none")
	{
		body.set("tool_choice", type);
	}
	else if (type == "any")
	{
		body.set("tool_choice", std::string("required"));
	}
	else if (type == "tool")
	{
		Object::Ptr function = JsonText::object();
		function->set("name", stringField(object, "name", "tool_choice"));
		Object::Ptr named = JsonText::object();
		named->set("type", std::string("function"));
		named->set("function", function);
		body.set("tool_choice", named);
	}
	else
	{
		refuse("tool_choice.type", "must be auto, any, tool or none; got '" + type + "'");
	}
	Poco::Dynamic::Var serial = object->get("disable_parallel_tool_use");
	if (!serial.isEmpty())
	{
		if (serial.type() != typeid(bool)) refuse("tool_choice.disable_parallel_tool_use", "must be true or false");
		if (serial.extract<bool>()) body.set("parallel_tool_calls", false);
	}
}


} // namespace


MessagesRequest MessagesRequest::parse(const Object::Ptr& body, bool requireMaxTokens)
{
	MessagesRequest request;
	if (!body->has("model") || body->get("model").isEmpty()) refuse("model", "is required");
	if (requireMaxTokens && (!body->has("max_tokens") || body->get("max_tokens").isEmpty())) refuse("max_tokens", "is required");
	Poco::Dynamic::Var stream = body->get("stream");
	if (!stream.isEmpty())
	{
		if (stream.type() != typeid(bool)) refuse("stream", "must be true or false");
		request.stream = stream.extract<bool>();
	}

	// The shared parser reads the translation; the client's own objects
	// are not changed.
	Object::Ptr shared = JsonText::object();
	Array::Ptr messages = new Array;
	Poco::Dynamic::Var system = body->get("system");
	if (!system.isEmpty())
	{
		std::string text = systemText(system, "system");
		if (!text.empty()) messages->add(message("system", text));
	}
	Poco::Dynamic::Var given = body->get("messages");
	if (given.isEmpty()) refuse("messages", "is required");
	if (given.type() != typeid(Array::Ptr)) refuse("messages", "must be an array of messages");
	Array::Ptr turns = given.extract<Array::Ptr>();
	if (turns->size() == 0) refuse("messages", "must not be empty");
	for (std::size_t i = 0; i < turns->size(); ++i)
	{
		std::string field = "messages[" + std::to_string(i) + "]";
		Object::Ptr turn = objectAt(turns, i, field);
		std::string role = stringField(turn, "role", field);
		if (!turn->has("content") || turn->get("content").isEmpty()) refuse(field + ".content", "is required");
		if (role == "user") appendUserTurn(*messages, turn->get("content"), field + ".content");
		else if (role == "assistant") appendAssistantTurn(*messages, turn->get("content"), field + ".content");
		else if (role == "system") messages->add(message("system", systemText(turn->get("content"), field + ".content")));
		else refuse(field + ".role", "must be user, assistant or system; got '" + role + "'");
	}
	shared->set("messages", messages);

	for (const auto& name: body->getNames())
	{
		const Poco::Dynamic::Var value = body->get(name);
		if (name == "system" || name == "messages" || name == "stream" || name == "metadata") continue;
		if (name == "stop_sequences") shared->set("stop", value);
		else if (name == "tools") shared->set("tools", toolsOf(value));
		else if (name == "tool_choice") setToolChoice(*shared, value);
		else shared->set(name, value);
	}
	Object::Ptr metadata = body->getObject("metadata");
	if (metadata && metadata->has("user_id") && !metadata->get("user_id").isEmpty()) shared->set("user", metadata->get("user_id"));
	Poco::Dynamic::Var temperature = body->get("temperature");
	if (!temperature.isEmpty() && temperature.isNumeric() && temperature.convert<double>() > 1)
		refuse("temperature", "must be a number from 0 to 1");
	Poco::Dynamic::Var stop = shared->get("stop");
	if (!stop.isEmpty() && stop.type() != typeid(Array::Ptr)) refuse("stop_sequences", "must be an array of strings");

	request.input = ChatRequestParser::parse(shared);
	return request;
}


} // namespace Nash
