//
// OpenAiRequestCheck.cpp
//


#include "OpenAiRequestCheck.h"
#include "ToolScript.h"
#include "Poco/JSON/Array.h"
#include <algorithm>
#include <set>
#include <vector>


namespace FakeUpstream {


namespace {


std::string at(const std::string& path, std::size_t index)
{
	return path + "[" + std::to_string(index) + "]";
}


std::string toolsProblem(const Poco::Dynamic::Var& tools)
{
	if (tools.isEmpty()) return std::string();
	if (tools.type() != typeid(Poco::JSON::Array::Ptr)) return "Invalid type for 'tools': expected an array.";
	Poco::JSON::Array::Ptr entries = tools.extract<Poco::JSON::Array::Ptr>();
	std::set<std::string> names;
	for (std::size_t i = 0; i < entries->size(); ++i)
	{
		std::string path = at("tools", i);
		Poco::JSON::Object::Ptr tool = entries->getObject(static_cast<unsigned>(i));
		if (!tool) return "Invalid type for '" + path + "': expected an object.";
		if (tool->optValue<std::string>("type", "") != "function") return "Invalid value for '" + path + ".type': expected 'function'.";
		Poco::JSON::Object::Ptr function = tool->getObject("function");
		if (!function) return "Missing required parameter: '" + path + ".function'.";
		Poco::Dynamic::Var name = function->get("name");
		if (!name.isString()) return "Missing required parameter: '" + path + ".function.name'.";
		if (!ToolScript::validToolName(name.extract<std::string>()))
			return "Invalid '" + path + ".function.name': string does not match pattern. Expected a string that matches the pattern '^[a-zA-Z0-9_-]{1,64}$'.";
		if (!names.insert(name.extract<std::string>()).second) return "Invalid 'tools': duplicate function name '" + name.extract<std::string>() + "'.";
	}
	return std::string();
}


std::string toolCallsProblem(const Poco::JSON::Array& calls, const std::string& path, std::vector<std::string>& ids)
{
	if (calls.size() == 0) return "Invalid '" + path + "': empty array. Expected an array with minimum length 1, but got an empty array instead.";
	for (std::size_t i = 0; i < calls.size(); ++i)
	{
		std::string callPath = at(path, i);
		Poco::JSON::Object::Ptr call = calls.getObject(static_cast<unsigned>(i));
		if (!call) return "Invalid type for '" + callPath + "': expected an object.";
		Poco::Dynamic::Var id = call->get("id");
		if (!id.isString() || id.extract<std::string>().empty()) return "Missing required parameter: '" + callPath + ".id'.";
		if (call->optValue<std::string>("type", "") != "function") return "Invalid value for '" + callPath + ".type': expected 'function'.";
		Poco::JSON::Object::Ptr function = call->getObject("function");
		if (!function || !function->get("name").isString()) return "Missing required parameter: '" + callPath + ".function.name'.";
		if (!function->get("arguments").isString()) return "Invalid type for '" + callPath + ".function.arguments': expected a string.";
		ids.push_back(id.extract<std::string>());
	}
	return std::string();
}


std::string unansweredProblem(const std::vector<std::string>& ids)
{
	std::string joined;
	for (const auto& id: ids)
	{
		if (!joined.empty()) joined += ", ";
		joined += id;
	}
	return "An assistant message with 'tool_calls' must be followed by tool messages responding to each 'tool_call_id'. "
		"The following tool_call_ids did not have response messages: " + joined;
}


std::string messagesProblem(const Poco::JSON::Array& messages)
{
	static const std::set<std::string> roles{"system", "developer", "user", "assistant", "tool", "function"};
	if (messages.size() == 0) return "Invalid 'messages': empty array. Expected an array with minimum length 1, but got an empty array instead.";
	// The tool_call ids of the assistant message that the current run of
	// tool messages follows; unanswered are those no tool message took yet.
	std::vector<std::string> calls;
	std::vector<std::string> unanswered;
	bool inToolRun = false;
	for (std::size_t i = 0; i < messages.size(); ++i)
	{
		std::string path = at("messages", i);
		Poco::JSON::Object::Ptr message = messages.getObject(static_cast<unsigned>(i));
		if (!message) return "Invalid type for '" + path + "': expected an object.";
		std::string role = message->optValue<std::string>("role", "");
		if (!roles.count(role)) return "Invalid value: '" + role + "'. Supported values are: 'system', 'assistant', 'user', 'tool', 'function', and 'developer'.";
		if (role == "tool")
		{
			if (!inToolRun) return "Invalid parameter: messages with role 'tool' must be a response to a preceeding message with 'tool_calls'.";
			Poco::Dynamic::Var id = message->get("tool_call_id");
			if (!id.isString()) return "Missing required parameter: '" + path + ".tool_call_id'.";
			if (std::find(calls.begin(), calls.end(), id.extract<std::string>()) == calls.end())
				return "Invalid parameter: '" + path + ".tool_call_id' " + id.extract<std::string>() + " answers none of the 'tool_calls' of the preceding assistant message.";
			unanswered.erase(std::remove(unanswered.begin(), unanswered.end(), id.extract<std::string>()), unanswered.end());
			continue;
		}
		if (!unanswered.empty()) return unansweredProblem(unanswered);
		inToolRun = false;
		calls.clear();
		Poco::Dynamic::Var toolCalls = message->get("tool_calls");
		if (role != "assistant" || toolCalls.isEmpty()) continue;
		if (toolCalls.type() != typeid(Poco::JSON::Array::Ptr)) return "Invalid type for '" + path + ".tool_calls': expected an array.";
		std::string problem = toolCallsProblem(*toolCalls.extract<Poco::JSON::Array::Ptr>(), path + ".tool_calls", calls);
		if (!problem.empty()) return problem;
		unanswered = calls;
		inToolRun = true;
	}
	if (!unanswered.empty()) return unansweredProblem(unanswered);
	return std::string();
}


} // namespace


std::string OpenAiRequestCheck::problem(const Poco::JSON::Object& body)
{
	Poco::Dynamic::Var messages = body.get("messages");
	if (messages.type() != typeid(Poco::JSON::Array::Ptr)) return "Missing required parameter: 'messages'.";
	std::string problem = toolsProblem(body.get("tools"));
	if (problem.empty()) problem = messagesProblem(*messages.extract<Poco::JSON::Array::Ptr>());
	return problem;
}


} // namespace FakeUpstream
