//
// ScriptedTransport.cpp
//


#include "ScriptedTransport.h"
#include "Poco/Exception.h"
#include "Poco/JSON/Parser.h"
#include <sstream>


namespace NashTest {


ScriptedTransport::ScriptedTransport(Script script, std::shared_ptr<State> state):
	_script(std::move(script)),
	_state(std::move(state))
{
}


void ScriptedTransport::configure(const std::string&, const Poco::Util::AbstractConfiguration& section)
{
	std::function<void(const std::string&, const std::string&)> copy = [&](const std::string& key, const std::string& prefix)
	{
		Poco::Util::AbstractConfiguration::Keys keys;
		section.keys(key, keys);
		for (const auto& child: keys)
		{
			std::string full = key.empty() ? child : key + "." + child;
			if (section.has(full)) _state->section[full] = section.getRawString(full);
			copy(full, prefix);
		}
	};
	std::lock_guard<std::mutex> lock(_state->mutex);
	copy("", "");
}


void ScriptedTransport::start(Nash::McpTransportListener& listener)
{
	std::lock_guard<std::mutex> lock(_state->mutex);
	++_state->starts;
	if (!_state->startError.empty()) throw Poco::IOException(_state->startError);
	_listener = &listener;
	_state->open = true;
	_state->condition.notify_all();
}


void ScriptedTransport::send(const std::string& message)
{
	Poco::JSON::Object::Ptr parsed = parse(message);
	{
		std::lock_guard<std::mutex> lock(_state->mutex);
		if (!_state->open) throw Poco::IOException("scripted transport is not open");
		_state->sent.push_back(parsed);
	}
	_state->condition.notify_all();
	if (_script) _script(*this, parsed);
}


void ScriptedTransport::stop()
{
	std::lock_guard<std::mutex> lock(_state->mutex);
	if (_state->open) ++_state->stops;
	_state->open = false;
	_listener = nullptr;
}


bool ScriptedTransport::isOpen() const
{
	std::lock_guard<std::mutex> lock(_state->mutex);
	return _state->open;
}


void ScriptedTransport::setProtocolVersion(const std::string& version)
{
	std::lock_guard<std::mutex> lock(_state->mutex);
	_state->protocolVersion = version;
}


std::shared_ptr<ScriptedTransport::State> ScriptedTransport::state() const
{
	return _state;
}


void ScriptedTransport::deliver(const std::string& json)
{
	Nash::McpTransportListener* listener;
	{
		std::lock_guard<std::mutex> lock(_state->mutex);
		listener = _state->open ? _listener : nullptr;
	}
	if (listener) listener->messageReceived(json);
}


void ScriptedTransport::reply(const Poco::JSON::Object::Ptr& request, const Poco::Dynamic::Var& result)
{
	Poco::JSON::Object::Ptr message = new Poco::JSON::Object;
	message->set("jsonrpc", "2.0");
	message->set("id", request->get("id"));
	message->set("result", result);
	std::ostringstream out;
	message->stringify(out);
	deliver(out.str());
}


void ScriptedTransport::replyError(const Poco::JSON::Object::Ptr& request, int code, const std::string& text)
{
	Poco::JSON::Object::Ptr error = new Poco::JSON::Object;
	error->set("code", code);
	error->set("message", text);
	Poco::JSON::Object::Ptr message = new Poco::JSON::Object;
	message->set("jsonrpc", "2.0");
	message->set("id", request->get("id"));
	message->set("error", error);
	std::ostringstream out;
	message->stringify(out);
	deliver(out.str());
}


void ScriptedTransport::closeFromPeer(const std::string& reason)
{
	Nash::McpTransportListener* listener;
	{
		std::lock_guard<std::mutex> lock(_state->mutex);
		listener = _state->open ? _listener : nullptr;
		_state->open = false;
	}
	if (listener) listener->transportClosed(reason);
}


Poco::JSON::Object::Ptr ScriptedTransport::waitForSent(const std::function<bool(const Poco::JSON::Object::Ptr&)>& match, std::chrono::milliseconds timeout)
{
	std::unique_lock<std::mutex> lock(_state->mutex);
	Poco::JSON::Object::Ptr found;
	_state->condition.wait_for(lock, timeout, [&]
	{
		for (const auto& message: _state->sent)
		{
			if (match(message))
			{
				found = message;
				return true;
			}
		}
		return false;
	});
	return found;
}


Poco::JSON::Object::Ptr ScriptedTransport::waitForMethod(const std::string& method, std::chrono::milliseconds timeout)
{
	return waitForSent([&method](const Poco::JSON::Object::Ptr& message)
	{
		return message->optValue<std::string>("method", "") == method;
	}, timeout);
}


std::vector<Poco::JSON::Object::Ptr> ScriptedTransport::sentWithMethod(const std::string& method) const
{
	std::lock_guard<std::mutex> lock(_state->mutex);
	std::vector<Poco::JSON::Object::Ptr> result;
	for (const auto& message: _state->sent)
	{
		if (message->optValue<std::string>("method", "") == method) result.push_back(message);
	}
	return result;
}


ScriptedTransport::Script ScriptedTransport::server(const std::string& version, const std::string& capabilitiesJson,
	std::function<bool(ScriptedTransport&, const Poco::JSON::Object::Ptr&)> more)
{
	return [version, capabilitiesJson, more](ScriptedTransport& transport, const Poco::JSON::Object::Ptr& message)
	{
		std::string method = message->optValue<std::string>("method", "");
		bool isRequest = message->has("id");
		if (method == "initialize")
		{
			Poco::JSON::Object::Ptr info = new Poco::JSON::Object;
			info->set("name", "scripted");
			info->set("version", "1.0");
			Poco::JSON::Object::Ptr result = new Poco::JSON::Object;
			result->set("protocolVersion", version);
			result->set("capabilities", parse(capabilitiesJson));
			result->set("serverInfo", info);
			transport.reply(message, result);
			return;
		}
		if (method == "ping" && isRequest)
		{
			transport.reply(message, Poco::JSON::Object::Ptr(new Poco::JSON::Object));
			return;
		}
		if (more) more(transport, message);
	};
}


Poco::JSON::Object::Ptr ScriptedTransport::parse(const std::string& json)
{
	Poco::JSON::Parser parser;
	return parser.parse(json).extract<Poco::JSON::Object::Ptr>();
}


} // namespace NashTest
