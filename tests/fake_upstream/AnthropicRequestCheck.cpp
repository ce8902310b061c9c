//
// AnthropicRequestCheck.cpp
//


#include "AnthropicRequestCheck.h"
#include "ToolScript.h"
#include "Poco/JSON/Array.h"
#include <set>
#include <vector>


namespace FakeUpstream {


namespace {


bool isObject(const Poco::Dynamic::Var& value)
{
	return value.type() == typeid(Poco::JSON::Object::Ptr);
}


bool isArray(const Poco::Dynamic::Var& value)
{
	return value.type() == typeid(Poco::JSON::Array::Ptr);
}


std::string at(const std::string& path, std::size_t index)
{
	return path + "." + std::to_string(index);
}


std::string joinIds(const std::vector<std::string>& ids)
{
	std::string joined;
	for (const auto& id: ids)
	{
		if (!joined.empty()) joined += ", ";
		joined += id;
	}
	return joined;
}


std::string textBlockProblem(const Poco::JSON::Object& block, const std::string& path)
	/// A text block: its text must be a non-empty string.
{
	Poco::Dynamic::Var text = block.get("text");
	if (!text.isString()) return path + ".text: Input should be a valid string";
	if (text.extract<std::string>().empty()) return path + ".text: text content blocks must be non-empty";
	return std::string();
}


std::string systemProblem(const Poco::Dynamic::Var& system)
{
	if (system.isEmpty() || system.isString()) return std::string();
	if (!isArray(system)) return "system: Input should be a valid string or a list of text blocks";
	Poco::JSON::Array::Ptr blocks = system.extract<Poco::JSON::Array::Ptr>();
	for (std::size_t i = 0; i < blocks->size(); ++i)
	{
		Poco::JSON::Object::Ptr block = blocks->getObject(static_cast<unsigned>(i));
		if (!block || block->optValue<std::string>("type", "") != "text") return at("system", i) + ": Input should be a text block";
		std::string problem = textBlockProblem(*block, at("system", i));
		if (!problem.empty()) return problem;
	}
	return std::string();
}


std::string toolsProblem(const Poco::Dynamic::Var& tools)
{
	if (tools.isEmpty()) return std::string();
	if (!isArray(tools)) return "tools: Input should be a valid list";
	static const std::set<std::string> allowed{"name", "description", "input_schema", "cache_control", "type"};
	Poco::JSON::Array::Ptr entries = tools.extract<Poco::JSON::Array::Ptr>();
	std::set<std::string> names;
	for (std::size_t i = 0; i < entries->size(); ++i)
	{
		std::string path = at("tools", i);
		Poco::JSON::Object::Ptr tool = entries->getObject(static_cast<unsigned>(i));
		if (!tool) return path + ": Input should be a valid dictionary";
		for (const auto& member: *tool)
		{
			if (!allowed.count(member.first)) return path + "." + member.first + ": Extra inputs are not permitted";
		}
		Poco::Dynamic::Var name = tool->get("name");
		if (!name.isString()) return path + ".name: Field required";
		if (!ToolScript::validToolName(name.extract<std::string>())) return path + ".name: String should match pattern '^[a-zA-Z0-9_-]{1,64}$'";
		if (!names.insert(name.extract<std::string>()).second) return "tools: Tool names must be unique.";
		if (!isObject(tool->get("input_schema"))) return path + ".input_schema: Field required";
	}
	return std::string();
}


class MessagesCheck
	/// Walks the messages once, carrying the tool_use ids of the assistant
	/// turn before the current one.
{
public:
	std::string problem(const Poco::JSON::Array& messages)
	{
		if (messages.size() == 0) return "messages: at least one message is required";
		std::string previousRole;
		for (std::size_t i = 0; i < messages.size(); ++i)
		{
			std::string path = at("messages", i);
			Poco::JSON::Object::Ptr message = messages.getObject(static_cast<unsigned>(i));
			if (!message) return path + ": Input should be a valid dictionary";
			std::string role = message->optValue<std::string>("role", "");
			if (role != "user" && role != "assistant") return path + ".role: Input should be 'user' or 'assistant'";
			if (i == 0 && role != "user") return "messages: first message must use the \"user\" role";
			if (role == previousRole) return "messages: roles must alternate between \"user\" and \"assistant\", but found multiple \"" + role + "\" roles in a row";
			previousRole = role;

			std::vector<std::string> uses;
			std::set<std::string> answered;
			std::string problem = contentProblem(message->get("content"), role, path, uses, answered);
			if (!problem.empty()) return problem;

			// The turn before this one is answered now or never.
			std::vector<std::string> unanswered;
			for (const auto& id: _pending)
			{
				if (!answered.count(id)) unanswered.push_back(id);
			}
			if (!unanswered.empty()) return unansweredProblem(_pendingPath, unanswered);
			_pending = uses;
			_pendingPath = path;
		}
		if (!_pending.empty()) return unansweredProblem(_pendingPath, _pending);
		return std::string();
	}

private:
	static std::string unansweredProblem(const std::string& path, const std::vector<std::string>& ids)
	{
		return path + ": tool_use ids were found without tool_result blocks immediately after: " + joinIds(ids) +
			". Each tool_use block must have a corresponding tool_result block in the next message.";
	}

	std::string contentProblem(const Poco::Dynamic::Var& content, const std::string& role, const std::string& path, std::vector<std::string>& uses, std::set<std::string>& answered)
	{
		static const std::string nonEmpty(": all messages must have non-empty content");
		if (content.isString()) return content.extract<std::string>().empty() ? path + nonEmpty : std::string();
		if (!isArray(content)) return path + ".content: Input should be a valid string or a list of content blocks";
		Poco::JSON::Array::Ptr blocks = content.extract<Poco::JSON::Array::Ptr>();
		if (blocks->size() == 0) return path + nonEmpty;
		for (std::size_t j = 0; j < blocks->size(); ++j)
		{
			std::string blockPath = at(path + ".content", j);
			Poco::JSON::Object::Ptr block = blocks->getObject(static_cast<unsigned>(j));
			if (!block) return blockPath + ": Input should be a valid dictionary";
			std::string type = block->optValue<std::string>("type", "");
			std::string problem;
			if (type == "text") problem = textBlockProblem(*block, blockPath);
			else if (type == "tool_use") problem = toolUseProblem(*block, role, blockPath, uses);
			else if (type == "tool_result") problem = toolResultProblem(*block, role, blockPath, answered);
			else if (type.empty()) problem = blockPath + ".type: Field required";
			if (!problem.empty()) return problem;
		}
		return std::string();
	}

	std::string toolUseProblem(const Poco::JSON::Object& block, const std::string& role, const std::string& path, std::vector<std::string>& uses)
	{
		if (role != "assistant") return path + ": tool_use blocks may only appear in assistant messages";
		Poco::Dynamic::Var id = block.get("id");
		if (!id.isString() || id.extract<std::string>().empty()) return path + ".id: Field required";
		if (!block.get("name").isString()) return path + ".name: Field required";
		if (!isObject(block.get("input"))) return path + ".input: Input should be a valid dictionary";
		if (!_ids.insert(id.extract<std::string>()).second) return path + ": tool_use ids must be unique: " + id.extract<std::string>();
		uses.push_back(id.extract<std::string>());
		return std::string();
	}

	std::string toolResultProblem(const Poco::JSON::Object& block, const std::string& role, const std::string& path, std::set<std::string>& answered)
	{
		if (role != "user") return path + ": tool_result blocks may only appear in user messages";
		Poco::Dynamic::Var id = block.get("tool_use_id");
		if (!id.isString()) return path + ".tool_use_id: Field required";
		bool known = false;
		for (const auto& pending: _pending) known = known || pending == id.extract<std::string>();
		if (!known)
		{
			return path + ": unexpected tool_use_id found in tool_result blocks: " + id.extract<std::string>() +
				". Each tool_result block must have a corresponding tool_use block in the previous message.";
		}
		answered.insert(id.extract<std::string>());
		Poco::Dynamic::Var content = block.get("content");
		if (!content.isEmpty() && !content.isString() && !isArray(content)) return path + ".content: Input should be a valid string or a list of content blocks";
		return std::string();
	}

	std::vector<std::string> _pending;
		/// The tool_use ids of the turn before, in order.
	std::string _pendingPath;
	std::set<std::string> _ids;
		/// Every tool_use id so far.
};


} // namespace


std::string AnthropicRequestCheck::problem(const Poco::JSON::Object& body)
{
	if (!body.has("max_tokens")) return "max_tokens: Field required";
	if (!body.get("max_tokens").isInteger()) return "max_tokens: Input should be a valid integer";
	Poco::JSON::Array::Ptr messages = body.getArray("messages");
	if (!messages) return "messages: Field required";
	std::string problem = systemProblem(body.get("system"));
	if (problem.empty()) problem = toolsProblem(body.get("tools"));
	if (problem.empty()) problem = MessagesCheck().problem(*messages);
	return problem;
}


} // namespace FakeUpstream
