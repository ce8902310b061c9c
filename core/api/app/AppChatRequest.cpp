//
// AppChatRequest.cpp
//


#include "core/api/app/AppChatRequest.h"
#include "core/http/RequestBody.h"
#include "core/json/JsonText.h"
#include "Poco/JSON/Parser.h"
#include <algorithm>


namespace Nash {


namespace {


Poco::JSON::Object::Ptr newObject()
{
	return new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
}


Poco::JSON::Object::Ptr withoutSecrets(const Poco::JSON::Object::Ptr& body)
	/// FastAPI echoes the whole body of a request missing a field: ours
	/// leaves out what may hold credentials.
{
	Poco::JSON::Object::Ptr copy = newObject();
	std::vector<std::string> names;
	body->getNames(names);
	for (const auto& name: names)
	{
		if (name == "api_key" || name == "headers") continue;
		copy->set(name, body->get(name));
	}
	return copy;
}


void add(Poco::JSON::Array& problems, const std::string& type, const std::vector<Poco::Dynamic::Var>& location, const std::string& message,
	const Poco::Dynamic::Var& input, bool withInput = true)
{
	Poco::JSON::Object::Ptr problem = newObject();
	problem->set("type", type);
	Poco::JSON::Array::Ptr loc = new Poco::JSON::Array;
	loc->add(std::string("body"));
	for (const auto& part: location) loc->add(part);
	problem->set("loc", loc);
	problem->set("msg", message);
	if (withInput) problem->set("input", input);
	problems.add(problem);
}


void checkString(Poco::JSON::Array& problems, const Poco::JSON::Object::Ptr& body, const std::string& name, bool required)
{
	bool secret = name == "api_key";
	if (!body->has(name) || (!required && body->get(name).isEmpty()))
	{
		if (required) add(problems, "missing", {name}, "Field required", withoutSecrets(body));
		return;
	}
	Poco::Dynamic::Var value = body->get(name);
	if (!value.isString()) add(problems, "string_type", {name}, "Input should be a valid string", value, !secret);
}


const std::vector<std::string>& roles()
{
	static const std::vector<std::string> known = {"system", "user", "assistant", "tool"};
	return known;
}


} // namespace


bool AppChatRequest::isAppBody(const Poco::JSON::Object::Ptr& body)
{
	return body && (body->has("api_key") || body->has("api_base_url"));
}


Poco::JSON::Array::Ptr AppChatRequest::problems(const Poco::JSON::Object::Ptr& body)
{
	Poco::JSON::Array::Ptr problems = new Poco::JSON::Array;
	if (!body->has("messages"))
	{
		add(*problems, "missing", {std::string("messages")}, "Field required", withoutSecrets(body));
	}
	else
	{
		Poco::JSON::Array::Ptr messages = body->getArray("messages");
		if (!messages)
		{
			add(*problems, "list_type", {std::string("messages")}, "Input should be a valid list", body->get("messages"));
		}
		else if (messages->size() == 0)
		{
			add(*problems, "too_short", {std::string("messages")}, "List should have at least 1 item after validation, not 0", messages);
		}
		for (std::size_t i = 0; messages && i < messages->size(); ++i)
		{
			Poco::JSON::Object::Ptr message = messages->getObject(static_cast<unsigned>(i));
			int index = static_cast<int>(i);
			if (!message)
			{
				add(*problems, "dict_type", {std::string("messages"), index}, "Input should be a valid dictionary", messages->get(static_cast<unsigned>(i)));
				continue;
			}
			Poco::Dynamic::Var role = message->get("role");
			if (!role.isString() || std::find(roles().begin(), roles().end(), role.extract<std::string>()) == roles().end())
				add(*problems, "literal_error", {std::string("messages"), index, std::string("role")}, "Input should be 'system', 'user', 'assistant' or 'tool'", role);
		}
	}
	checkString(*problems, body, "model", true);
	checkString(*problems, body, "api_key", true);
	checkString(*problems, body, "api_base_url", true);
	checkString(*problems, body, "provider", false);
	if (body->has("headers") && !body->get("headers").isEmpty() && !body->getObject("headers"))
		add(*problems, "dict_type", {std::string("headers")}, "Input should be a valid dictionary", Poco::Dynamic::Var(), false);
	return problems;
}


Poco::JSON::Object::Ptr AppChatRequest::parseBody(const std::string& body, Poco::JSON::Array::Ptr& problems)
{
	RequestBody::checkTreeCost(body);
	Poco::Dynamic::Var parsed;
	try
	{
		Poco::JSON::Parser parser;
		parsed = parser.parse(body);
	}
	catch (Poco::Exception& exc)
	{
		problems = notJson(exc.message());
		return nullptr;
	}
	if (parsed.type() != typeid(Poco::JSON::Object::Ptr))
	{
		problems = notAnObject(parsed);
		return nullptr;
	}
	return parsed.extract<Poco::JSON::Object::Ptr>();
}


std::string AppChatRequest::detailBody(const Poco::JSON::Array::Ptr& problems)
{
	Poco::JSON::Object::Ptr body = newObject();
	body->set("detail", problems);
	return JsonText::write(body);
}


Poco::JSON::Array::Ptr AppChatRequest::notJson(const std::string& reason)
{
	Poco::JSON::Array::Ptr problems = new Poco::JSON::Array;
	Poco::JSON::Object::Ptr context = newObject();
	context->set("error", reason);
	add(*problems, "json_invalid", {0}, "JSON decode error", Poco::JSON::Object::Ptr(newObject()));
	problems->getObject(0)->set("ctx", context);
	return problems;
}


Poco::JSON::Array::Ptr AppChatRequest::notAnObject(const Poco::Dynamic::Var& body)
{
	Poco::JSON::Array::Ptr problems = new Poco::JSON::Array;
	add(*problems, "model_attributes_type", {}, "Input should be a valid dictionary or object to extract fields from", body);
	return problems;
}


AppChatRequest AppChatRequest::from(const Poco::JSON::Object::Ptr& body)
{
	AppChatRequest request;
	request.messages = messagesOf(body->getArray("messages"));
	request.model = body->getValue<std::string>("model");
	request.apiKey = body->getValue<std::string>("api_key");
	request.apiBaseUrl = body->getValue<std::string>("api_base_url");
	Poco::Dynamic::Var provider = body->get("provider");
	if (provider.isString()) request.provider = provider.extract<std::string>();
	Poco::JSON::Object::Ptr headers = body->getObject("headers");
	std::vector<std::string> names;
	if (headers) headers->getNames(names);
	for (const auto& name: names)
	{
		Poco::Dynamic::Var value = headers->get(name);
		if (value.isString()) request.headers.emplace_back(name, value.extract<std::string>());
	}
	return request;
}


std::vector<ChatMessage> AppChatRequest::messagesOf(const Poco::JSON::Array::Ptr& messages)
{
	std::vector<ChatMessage> result;
	for (std::size_t i = 0; messages && i < messages->size(); ++i)
	{
		Poco::JSON::Object::Ptr object = messages->getObject(static_cast<unsigned>(i));
		if (!object) continue;
		ChatMessage message;
		message.role = object->getValue<std::string>("role");
		message.raw = object;
		Poco::Dynamic::Var content = object->get("content");
		if (content.isString())
		{
			message.content = content.extract<std::string>();
		}
		else if (Poco::JSON::Array::Ptr parts = object->getArray("content"))
		{
			// OpenAI's text parts and Anthropic's text blocks alike.
			for (std::size_t j = 0; j < parts->size(); ++j)
			{
				Poco::JSON::Object::Ptr part = parts->getObject(static_cast<unsigned>(j));
				if (!part || !part->get("text").isString()) continue;
				if (!message.content.empty()) message.content += "\n";
				message.content += part->getValue<std::string>("text");
			}
		}
		result.push_back(message);
	}
	return result;
}


} // namespace Nash
