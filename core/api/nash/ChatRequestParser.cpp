//
// ChatRequestParser.cpp
//


#include "core/api/nash/ChatRequestParser.h"
#include "core/http/HttpError.h"
#include "core/json/JsonText.h"
#include "core/chat/SessionId.h"
#include "Poco/JSON/Array.h"
#include <cmath>
#include <set>


namespace Nash {


namespace {


const std::set<std::string> knownRoles = {"system", "user", "assistant", "tool"};
const std::set<std::string> knownFields = {"messages", "session_id", "model", "temperature", "max_tokens", "top_p", "stop"};


bool isNumber(const Poco::Dynamic::Var& value)
{
	return !value.isEmpty() && value.isNumeric() && value.type() != typeid(bool);
}


std::string textOfParts(const Poco::JSON::Array::Ptr& parts, const std::string& field)
	/// The text of an OpenAI-style content array: the "text" of its text parts.
{
	std::string text;
	for (std::size_t i = 0; i < parts->size(); ++i)
	{
		std::string partField = field + "[" + std::to_string(i) + "]";
		Poco::JSON::Object::Ptr part = parts->getObject(static_cast<unsigned>(i));
		if (part.isNull())
			throw HttpError::badRequest("Field '" + partField + "' must be an object");
		Poco::Dynamic::Var type = part->get("type");
		if (!type.isString())
			throw HttpError::badRequest("Field '" + partField + ".type' must be a string");
		if (type.extract<std::string>() != "text") continue;
		Poco::Dynamic::Var partText = part->get("text");
		if (!partText.isString())
			throw HttpError::badRequest("Field '" + partField + ".text' must be a string");
		text += partText.extract<std::string>();
	}
	return text;
}


ChatMessage parseMessage(const Poco::JSON::Array::Ptr& messages, std::size_t index)
{
	std::string field = "messages[" + std::to_string(index) + "]";
	Poco::JSON::Object::Ptr object = messages->getObject(static_cast<unsigned>(index));
	if (object.isNull())
		throw HttpError::badRequest("Field '" + field + "' must be an object with 'role' and 'content'");

	ChatMessage message;
	message.raw = object;
	Poco::Dynamic::Var role = object->get("role");
	if (role.isEmpty())
		throw HttpError::badRequest("Field '" + field + ".role' is required");
	if (!role.isString())
		throw HttpError::badRequest("Field '" + field + ".role' must be a string");
	message.role = role.extract<std::string>();
	if (knownRoles.count(message.role) == 0)
		throw HttpError::badRequest("Field '" + field + ".role' must be one of system, user, assistant, tool; got '" + message.role + "'");

	if (!object->has("content"))
		throw HttpError::badRequest("Field '" + field + ".content' is required");
	Poco::Dynamic::Var content = object->get("content");
	if (content.isEmpty())
	{
		message.content.clear();
	}
	else if (content.isString())
	{
		message.content = content.extract<std::string>();
	}
	else if (content.type() == typeid(Poco::JSON::Array::Ptr))
	{
		message.content = textOfParts(content.extract<Poco::JSON::Array::Ptr>(), field + ".content");
	}
	else
	{
		throw HttpError::badRequest("Field '" + field + ".content' must be a string");
	}
	return message;
}


} // namespace


std::vector<ChatMessage> ChatRequestParser::parseMessages(const Poco::JSON::Object::Ptr& body)
{
	if (!body->has("messages") || body->get("messages").isEmpty())
		throw HttpError::badRequest("Field 'messages' is required");
	Poco::JSON::Array::Ptr messages = body->getArray("messages");
	if (messages.isNull())
		throw HttpError::badRequest("Field 'messages' must be an array of message objects");

	std::vector<ChatMessage> result;
	result.reserve(messages->size() + 1);
	for (std::size_t i = 0; i < messages->size(); ++i)
	{
		result.push_back(parseMessage(messages, i));
	}
	return result;
}


std::string ChatRequestParser::parseModel(const Poco::JSON::Object::Ptr& body)
{
	Poco::Dynamic::Var model = body->get("model");
	if (model.isEmpty()) return std::string();
	if (!model.isString())
		throw HttpError::badRequest("Field 'model' must be a string");
	return model.extract<std::string>();
}


ChatInput ChatRequestParser::parse(const Poco::JSON::Object::Ptr& body)
{
	ChatInput input;
	input.request.messages = parseMessages(body);
	if (input.request.messages.empty())
		throw HttpError::badRequest("Field 'messages' must not be empty");
	input.sessionId = SessionId::fromRequest(body->get("session_id"));
	input.request.sessionId = input.sessionId;
	input.modelSpec = parseModel(body);

	Poco::Dynamic::Var temperature = body->get("temperature");
	if (!temperature.isEmpty())
	{
		if (!isNumber(temperature) || !std::isfinite(temperature.convert<double>()) || temperature.convert<double>() < 0)
			throw HttpError::badRequest("Field 'temperature' must be a non-negative number");
		input.request.temperature = temperature.convert<double>();
	}
	Poco::Dynamic::Var topP = body->get("top_p");
	if (!topP.isEmpty())
	{
		if (!isNumber(topP) || !(topP.convert<double>() >= 0 && topP.convert<double>() <= 1))
			throw HttpError::badRequest("Field 'top_p' must be a number from 0 to 1");
		input.request.topP = topP.convert<double>();
	}
	Poco::Dynamic::Var maxTokens = body->get("max_tokens");
	if (!maxTokens.isEmpty())
	{
		if (!isNumber(maxTokens) || !maxTokens.isInteger() || maxTokens.convert<Poco::Int64>() < 1 || maxTokens.convert<Poco::Int64>() > 0x7FFFFFFF)
			throw HttpError::badRequest("Field 'max_tokens' must be a positive integer");
		input.request.maxTokens = static_cast<int>(maxTokens.convert<Poco::Int64>());
	}
	Poco::Dynamic::Var stop = body->get("stop");
	if (!stop.isEmpty())
	{
		if (stop.isString())
		{
			input.request.stop.push_back(stop.extract<std::string>());
		}
		else if (stop.type() == typeid(Poco::JSON::Array::Ptr))
		{
			Poco::JSON::Array::Ptr sequences = stop.extract<Poco::JSON::Array::Ptr>();
			for (std::size_t i = 0; i < sequences->size(); ++i)
			{
				Poco::Dynamic::Var sequence = sequences->get(static_cast<unsigned>(i));
				if (!sequence.isString())
					throw HttpError::badRequest("Field 'stop' must be a string or an array of strings");
				input.request.stop.push_back(sequence.extract<std::string>());
			}
		}
		else
		{
			throw HttpError::badRequest("Field 'stop' must be a string or an array of strings");
		}
	}

	input.request.extra = JsonText::object();
	for (const auto& name: body->getNames())
	{
		if (knownFields.count(name) == 0) input.request.extra->set(name, body->get(name));
	}
	return input;
}


} // namespace Nash
