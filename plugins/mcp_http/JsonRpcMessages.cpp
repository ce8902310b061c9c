//
// JsonRpcMessages.cpp
//


#include "JsonRpcMessages.h"
#include "McpMessageText.h"
#include "Poco/Exception.h"
#include "Poco/JSON/Array.h"
#include "Poco/JSON/Object.h"
#include <sstream>


namespace Nash {


void JsonRpcMessages::identify(const std::string& message, Poco::Dynamic::Var& id, std::string& method)
{
	id.empty();
	method.clear();
	try
	{
		Poco::Dynamic::Var parsed = McpMessageText::parse(message);
		if (parsed.type() != typeid(Poco::JSON::Object::Ptr)) return;
		Poco::JSON::Object::Ptr object = parsed.extract<Poco::JSON::Object::Ptr>();
		if (object->has("method")) method = object->get("method").toString();
		if (!method.empty() && object->has("id")) id = object->get("id");
	}
	catch (Poco::Exception& exc)
	{
		throw Poco::DataFormatException("Not a JSON-RPC message: " + exc.message());
	}
}


bool JsonRpcMessages::answers(const std::string& message, const std::string& requestId)
{
	if (requestId.empty()) return false;
	try
	{
		Poco::Dynamic::Var parsed = McpMessageText::parse(message);
		auto matches = [&requestId](const Poco::JSON::Object::Ptr& object)
		{
			return object && object->has("id") && !object->has("method") && object->get("id").toString() == requestId;
		};
		if (parsed.type() == typeid(Poco::JSON::Object::Ptr)) return matches(parsed.extract<Poco::JSON::Object::Ptr>());
		if (parsed.type() == typeid(Poco::JSON::Array::Ptr))
		{
			Poco::JSON::Array::Ptr batch = parsed.extract<Poco::JSON::Array::Ptr>();
			for (std::size_t i = 0; i < batch->size(); ++i)
			{
				if (matches(batch->getObject(static_cast<unsigned>(i)))) return true;
			}
		}
		return false;
	}
	catch (Poco::Exception&)
	{
	}
	// Unreadable, but with the request's id at one of its ends: the
	// listener fails the request with it, so it is the answer.
	Poco::Dynamic::Var id = McpMessageText::idValue(McpMessageText::responseId(message));
	return !id.isEmpty() && id.toString() == requestId;
}


bool JsonRpcMessages::isInitialize(const std::string& message)
{
	try
	{
		Poco::Dynamic::Var parsed = McpMessageText::parse(message);
		return parsed.type() == typeid(Poco::JSON::Object::Ptr) &&
			parsed.extract<Poco::JSON::Object::Ptr>()->optValue<std::string>("method", "") == "initialize";
	}
	catch (Poco::Exception&)
	{
		return false;
	}
}


std::string JsonRpcMessages::cancelledRequest(const std::string& message)
{
	try
	{
		Poco::JSON::Object::Ptr object = McpMessageText::parse(message).extract<Poco::JSON::Object::Ptr>();
		if (object->optValue<std::string>("method", "") != "notifications/cancelled") return std::string();
		Poco::JSON::Object::Ptr params = object->getObject("params");
		if (params && params->has("requestId")) return params->get("requestId").toString();
	}
	catch (Poco::Exception&)
	{
	}
	return std::string();
}


std::string JsonRpcMessages::errorAnswer(const Poco::Dynamic::Var& id, const std::string& text)
{
	Poco::JSON::Object::Ptr error = new Poco::JSON::Object;
	error->set("code", -32000);
	error->set("message", text);
	Poco::JSON::Object::Ptr message = new Poco::JSON::Object;
	message->set("jsonrpc", "2.0");
	message->set("id", id);
	message->set("error", error);
	return toJson(message);
}


std::string JsonRpcMessages::tooLarge(std::size_t limit)
{
	return "The MCP server's answer was larger than max_message_size (" + std::to_string(limit) + " bytes); it was dropped";
}


std::string JsonRpcMessages::oversizedAnswer(const std::string& head, const std::string& tail, std::size_t limit)
{
	Poco::Dynamic::Var id = McpMessageText::idValue(McpMessageText::responseId(head, tail));
	if (id.isEmpty()) return std::string();
	return errorAnswer(id, tooLarge(limit));
}


std::string JsonRpcMessages::toJson(const Poco::JSON::Object::Ptr& object)
{
	std::ostringstream out;
	object->stringify(out);
	return out.str();
}


} // namespace Nash
