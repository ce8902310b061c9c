//
// McpToolBox.cpp
//


#include "core/chat/McpToolBox.h"
#include "McpError.h"
#include "McpManager.h"
#include "Poco/JSON/Array.h"
#include "Poco/Logger.h"
#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <sstream>
#include <thread>


namespace Nash {


namespace {


bool validName(const std::string& name)
{
	if (name.empty() || name.size() > 64) return false;
	return std::all_of(name.begin(), name.end(), [](char c) {
		return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
	});
}


std::string stringField(const Poco::JSON::Object::Ptr& object, const std::string& key)
{
	if (!object) return std::string();
	Poco::Dynamic::Var value = object->get(key);
	return value.isString() ? value.extract<std::string>() : std::string();
}


std::string cutUtf8(const std::string& text, std::size_t maxBytes)
	/// At most maxBytes of text, never ending inside a UTF-8 sequence.
{
	if (text.size() <= maxBytes) return text;
	std::size_t end = maxBytes;
	while (end > 0 && (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80) --end;
	return text.substr(0, end);
}


std::string durationText(std::chrono::milliseconds duration)
{
	if (duration.count() % 1000 == 0) return std::to_string(duration.count() / 1000) + " s";
	return std::to_string(duration.count()) + " ms";
}


class CallDeadline
	/// Cancels a call's own token when the request is cancelled or the
	/// call's time is up, whichever comes first.
{
public:
	CallDeadline(CancellationToken& request, const std::shared_ptr<CancellationToken>& call, std::chrono::milliseconds timeout):
		_request(request),
		_call(call)
	{
		// The callback holds the call's token itself: a cancellation that
		// began before removeCallback() may still run it after we are gone.
		std::shared_ptr<CancellationToken> token = call;
		_registration = _request.onCancel([token] { token->cancel(); });
		_timer = std::thread([this, timeout] {
			std::unique_lock<std::mutex> lock(_mutex);
			if (!_condition.wait_for(lock, timeout, [this] { return _finished; }))
			{
				_timedOut = true;
				lock.unlock();
				_call->cancel();
			}
		});
	}

	~CallDeadline()
	{
		{
			std::lock_guard<std::mutex> lock(_mutex);
			_finished = true;
		}
		_condition.notify_all();
		_timer.join();
		_request.removeCallback(_registration);
	}

	bool timedOut() const
	{
		return _timedOut;
	}

private:
	CancellationToken& _request;
	std::shared_ptr<CancellationToken> _call;
	CancellationToken::Registration _registration = 0;
	std::mutex _mutex;
	std::condition_variable _condition;
	bool _finished = false;
	std::atomic<bool> _timedOut{false};
	std::thread _timer;
};


} // namespace


McpToolBox::McpToolBox(McpManager& mcp, const ToolPolicy& policy, const std::vector<std::string>& servers, const Limits& limits, const CancellationToken& cancellation):
	_mcp(mcp),
	_limits(limits)
{
	if (policy.allowsNothing()) return;
	Poco::Dynamic::Var listed = _mcp.call("list_tools", nullptr, cancellation);
	Poco::JSON::Object::Ptr object = listed.type() == typeid(Poco::JSON::Object::Ptr) ? listed.extract<Poco::JSON::Object::Ptr>() : nullptr;
	Poco::JSON::Array::Ptr all = object ? object->getArray("tools") : nullptr;

	std::vector<Poco::JSON::Object::Ptr> allowed;
	std::map<std::string, int> uses;
	for (std::size_t i = 0; all && i < all->size(); ++i)
	{
		Poco::JSON::Object::Ptr tool = all->getObject(static_cast<unsigned>(i));
		std::string server = stringField(tool, "server");
		std::string name = stringField(tool, "name");
		if (name.empty()) continue;
		if (!servers.empty() && std::find(servers.begin(), servers.end(), server) == servers.end()) continue;
		if (!policy.allows(server, name))
		{
			_refused.insert(name);
			_refused.insert(providerName(server, name, true));
			continue;
		}
		allowed.push_back(tool);
		++uses[name];
	}

	for (const auto& tool: allowed)
	{
		std::string server = stringField(tool, "server");
		std::string mcpName = stringField(tool, "name");
		std::string name = providerName(server, mcpName, uses[mcpName] > 1);
		// Qualified names can still meet (servers "a_b"/"a" with tools
		// "c"/"b__c"): number the later ones.
		for (int n = 2; _targets.count(name); ++n) name = cutUtf8(providerName(server, mcpName, true), 60) + "_" + std::to_string(n);

		ToolDefinition definition;
		definition.name = name;
		definition.description = stringField(tool, "description");
		definition.inputSchema = tool->getObject("inputSchema");
		if (!definition.inputSchema)
		{
			definition.inputSchema = new Poco::JSON::Object;
			definition.inputSchema->set("type", "object");
		}
		_tools.push_back(definition);
		_targets[name] = Target{server, mcpName};
	}
}


const std::vector<ToolDefinition>& McpToolBox::tools() const
{
	return _tools;
}


ToolOutcome McpToolBox::call(const std::string& name, const Poco::JSON::Object::Ptr& arguments, CancellationToken& cancellation)
{
	ToolOutcome outcome;
	outcome.isError = true;
	auto target = _targets.find(name);
	if (target == _targets.end())
	{
		outcome.text = _refused.count(name) ? "Error executing tool: tool '" + name + "' is not allowed"
			: "Error executing tool: unknown tool '" + name + "'";
		return outcome;
	}

	Poco::JSON::Object::Ptr args = new Poco::JSON::Object;
	args->set("name", target->second.tool);
	args->set("arguments", arguments ? arguments : Poco::JSON::Object::Ptr(new Poco::JSON::Object));
	args->set("server", target->second.server);

	Poco::Logger& log = Poco::Logger::get("nash.tools");
	auto token = std::make_shared<CancellationToken>();
	bool timedOut = false;
	try
	{
		Poco::Dynamic::Var result;
		{
			CallDeadline deadline(cancellation, token, _limits.callTimeout);
			try
			{
				result = _mcp.call("call_tool", args, *token);
			}
			catch (...)
			{
				timedOut = deadline.timedOut();
				throw;
			}
		}
		Poco::JSON::Object::Ptr object = result.type() == typeid(Poco::JSON::Object::Ptr) ? result.extract<Poco::JSON::Object::Ptr>() : nullptr;
		outcome.text = resultText(object);
		Poco::Dynamic::Var isError = object ? object->get("isError") : Poco::Dynamic::Var();
		outcome.isError = isError.type() == typeid(bool) && isError.extract<bool>();
		log.information("Tool %s/%s: %s", target->second.server, target->second.tool, std::string(outcome.isError ? "error result" : "ok"));
	}
	catch (Poco::Exception& exc)
	{
		if (timedOut)
			outcome.text = "Error executing tool: '" + name + "' did not answer within " + durationText(_limits.callTimeout);
		else if (cancellation.isCancelled())
			outcome.text = "Error executing tool: the request was cancelled";
		else
			outcome.text = "Error executing tool: " + exc.message();
		log.warning("Tool %s/%s failed: %s", target->second.server, target->second.tool, outcome.text);
		return outcome;
	}

	if (outcome.text.size() > _limits.maxResultBytes)
	{
		std::size_t size = outcome.text.size();
		outcome.text = cutUtf8(outcome.text, _limits.maxResultBytes) + "\n... (cut: the result had " + std::to_string(size)
			+ " bytes; at most " + std::to_string(_limits.maxResultBytes) + " are kept)";
	}
	return outcome;
}


std::string McpToolBox::resultText(const Poco::JSON::Object::Ptr& result)
{
	Poco::JSON::Array::Ptr content = result ? result->getArray("content") : nullptr;
	std::string text;
	for (std::size_t i = 0; content && i < content->size(); ++i)
	{
		Poco::JSON::Object::Ptr item = content->getObject(static_cast<unsigned>(i));
		std::string type = stringField(item, "type");
		std::string piece;
		if (type == "text") piece = stringField(item, "text");
		else if (type == "image" || type == "audio") piece = "[" + type + " " + stringField(item, "mimeType") + "]";
		else if (type == "resource")
		{
			Poco::JSON::Object::Ptr resource = item->getObject("resource");
			piece = resource && resource->has("text") ? stringField(resource, "text") : "[resource " + stringField(resource, "uri") + "]";
		}
		else if (type == "resource_link") piece = "[resource link " + stringField(item, "uri") + "]";
		else piece = "[" + (type.empty() ? std::string("unknown") : type) + "]";
		if (!text.empty()) text += "\n";
		text += piece;
	}
	if (text.empty() && result && result->has("structuredContent"))
	{
		std::ostringstream structured;
		Poco::JSON::Stringifier::condense(result->get("structuredContent"), structured);
		text = structured.str();
	}
	return text.empty() ? std::string("No result content") : text;
}


std::string McpToolBox::providerName(const std::string& server, const std::string& tool, bool qualify)
{
	if (!qualify && validName(tool)) return tool;
	std::string name = server + "__" + tool;
	for (char& c: name)
	{
		bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
		if (!ok) c = '_';
	}
	return name.substr(0, 64);
}


} // namespace Nash
