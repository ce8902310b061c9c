//
// McpSession.cpp
//


#include "McpSession.h"
#include "McpError.h"
#include "McpMessageText.h"
#include "NashUpstream/Redaction.h"
#include "Poco/JSON/Array.h"
#include "Poco/JSON/Parser.h"
#include "Poco/NumberParser.h"
#include <sstream>


namespace Nash {


namespace {


std::string toJson(const Poco::JSON::Object::Ptr& object)
{
	std::ostringstream out;
	object->stringify(out);
	return out.str();
}


Poco::JSON::Object::Ptr asObject(const Poco::Dynamic::Var& value)
{
	if (value.type() == typeid(Poco::JSON::Object::Ptr)) return value.extract<Poco::JSON::Object::Ptr>();
	return nullptr;
}


} // namespace


McpSession::McpSession(const std::string& serverName, McpTransport& transport, NotificationHandler onNotification, CloseHandler onClose,
	ElicitationPolicy elicitation, McpServerEvents* events):
	_serverName(serverName),
	_transport(transport),
	_onNotification(std::move(onNotification)),
	_onClose(std::move(onClose)),
	_elicitation(elicitation),
	_events(events),
	_logger(Poco::Logger::get("Nash.Mcp." + serverName))
{
}


Poco::JSON::Object::Ptr McpSession::clientCapabilities(const std::string& protocolVersion) const
{
	Poco::JSON::Object::Ptr capabilities = new Poco::JSON::Object;
	Poco::JSON::Object::Ptr elicitation = McpElicitation::capability(_elicitation, protocolVersion);
	if (elicitation) capabilities->set("elicitation", elicitation);
	if (_events)
	{
		Poco::JSON::Object::Ptr relayed = _events->relayedCapabilities();
		if (relayed)
		{
			for (const auto& member: *relayed) capabilities->set(member.first, member.second);
		}
	}
	return capabilities;
}


McpSession::~McpSession()
{
	close("session destroyed");
}


std::string McpSession::describe(std::chrono::milliseconds duration)
{
	if (duration.count() % 1000 == 0) return std::to_string(duration.count() / 1000) + " s";
	return std::to_string(duration.count()) + " ms";
}


std::string McpSession::idKey(const Poco::Dynamic::Var& id)
	/// Our ids are integers; a server that echoes one as a string still
	/// finds its request.
{
	if (id.isEmpty()) return std::string();
	if (id.isString()) return id.extract<std::string>();
	if (id.isInteger()) return id.convert<std::string>();
	if (id.isNumeric())
	{
		double value = id.convert<double>();
		return std::to_string(static_cast<long long>(value));
	}
	return std::string();
}


Poco::Dynamic::Var McpSession::request(const std::string& method, const Poco::JSON::Object::Ptr& params, std::chrono::milliseconds timeout, const CancellationToken* cancel, bool cancellable)
{
	// Nobody waits for the answer: not even worth sending.
	if (cancel && cancel->isCancelled())
		throw McpError::cancelled("The request '" + method + "' to MCP server '" + _serverName + "' was cancelled");
	std::int64_t id = ++_nextId;
	std::string key = std::to_string(id);
	auto pending = std::make_shared<Pending>();
	pending->method = method;
	{
		std::lock_guard<std::mutex> lock(_mutex);
		if (!_open) throw McpError::unavailable("MCP server '" + _serverName + "' is not connected: " + _closeReason);
		_pending[key] = pending;
	}

	Poco::JSON::Object::Ptr message = new Poco::JSON::Object;
	message->set("jsonrpc", "2.0");
	message->set("id", id);
	message->set("method", method);
	if (params) message->set("params", params);

	CancellationToken::Registration registration = 0;
	if (cancel)
	{
		// onCancel() is not const in the SDK although the token is only
		// observed here; the caller's token is never a const object.
		registration = const_cast<CancellationToken*>(cancel)->onCancel([pending]
		{
			{
				std::lock_guard<std::mutex> lock(pending->mutex);
				pending->cancelled = true;
			}
			pending->condition.notify_all();
		});
	}
	struct Cleanup
	{
		McpSession& session;
		const CancellationToken* cancel;
		CancellationToken::Registration registration;
		const std::string& key;
		~Cleanup()
		{
			if (cancel && registration) const_cast<CancellationToken*>(cancel)->removeCallback(registration);
			std::lock_guard<std::mutex> lock(session._mutex);
			session._pending.erase(key);
		}
	} cleanup{*this, cancel, registration, key};

	send(message);

	std::unique_lock<std::mutex> lock(pending->mutex);
	pending->condition.wait_for(lock, timeout, [&pending] { return pending->done || pending->cancelled; });
	if (pending->done)
	{
		if (pending->error) pending->error->rethrow();
		return pending->result;
	}
	bool wasCancelled = pending->cancelled;
	lock.unlock();

	if (cancellable)
	{
		// Tell the server to stop the work nobody waits for any more; it
		// may have answered meanwhile, which the spec allows us to ignore.
		Poco::JSON::Object::Ptr cancelParams = new Poco::JSON::Object;
		cancelParams->set("requestId", id);
		cancelParams->set("reason", wasCancelled ? "The client cancelled the request" : "Timed out after " + describe(timeout));
		Poco::JSON::Object::Ptr notification = new Poco::JSON::Object;
		notification->set("jsonrpc", "2.0");
		notification->set("method", "notifications/cancelled");
		notification->set("params", cancelParams);
		try
		{
			sendIfOpen(notification);
		}
		catch (Poco::Exception& exc)
		{
			_logger.debug("Could not send notifications/cancelled: %s", exc.displayText());
		}
	}
	if (wasCancelled)
		throw McpError::cancelled("The request '" + method + "' to MCP server '" + _serverName + "' was cancelled");
	throw McpError::timeout("MCP server '" + _serverName + "' did not answer '" + method + "' within " + describe(timeout));
}


void McpSession::notify(const std::string& method, const Poco::JSON::Object::Ptr& params)
{
	Poco::JSON::Object::Ptr message = new Poco::JSON::Object;
	message->set("jsonrpc", "2.0");
	message->set("method", method);
	if (params) message->set("params", params);
	send(message);
}


void McpSession::send(const Poco::JSON::Object::Ptr& message)
{
	std::string text = toJson(message);
	std::shared_lock<std::shared_mutex> sendLock(_sendMutex);
	{
		std::lock_guard<std::mutex> lock(_mutex);
		if (!_open) throw McpError::unavailable("MCP server '" + _serverName + "' is not connected: " + _closeReason);
	}
	try
	{
		_transport.send(text);
	}
	catch (Poco::Exception& exc)
	{
		throw McpError::unavailable("Could not send to MCP server '" + _serverName + "': " + exc.displayText());
	}
}


void McpSession::sendIfOpen(const Poco::JSON::Object::Ptr& message)
{
	{
		std::lock_guard<std::mutex> lock(_mutex);
		if (!_open) return;
	}
	send(message);
}


void McpSession::close(const std::string& reason)
{
	{
		std::unique_lock<std::shared_mutex> sendLock(_sendMutex);
		std::lock_guard<std::mutex> lock(_mutex);
		if (!_open) return;
		_open = false;
		_closeReason = reason;
	}
	fail(reason);
}


void McpSession::fail(const std::string& reason)
{
	std::map<std::string, std::shared_ptr<Pending>> pending;
	{
		std::lock_guard<std::mutex> lock(_mutex);
		pending.swap(_pending);
	}
	for (auto& entry: pending)
	{
		{
			std::lock_guard<std::mutex> lock(entry.second->mutex);
			if (entry.second->done) continue;
			entry.second->done = true;
			entry.second->error.reset(new McpError(McpError::unavailable("MCP server '" + _serverName + "' closed the connection: " + reason)));
		}
		entry.second->condition.notify_all();
	}
}


bool McpSession::isOpen() const
{
	std::lock_guard<std::mutex> lock(_mutex);
	return _open;
}


std::size_t McpSession::pendingCount() const
{
	std::lock_guard<std::mutex> lock(_mutex);
	return _pending.size();
}


void McpSession::transportClosed(const std::string& why)
{
	// The transport's words go to the log, /health and the callers' errors:
	// without the credentials of a URL they may quote.
	const std::string reason = NashUpstream::Redaction::text(why);
	{
		std::lock_guard<std::mutex> lock(_mutex);
		if (!_open) return;
		_open = false;
		_closeReason = reason;
	}
	_logger.warning("MCP server '%s' went away: %s", _serverName, reason);
	fail(reason);
	if (_onClose) _onClose(reason);
}


void McpSession::messageReceived(const std::string& text)
{
	Poco::Dynamic::Var parsed;
	try
	{
		parsed = McpMessageText::parse(text);
	}
	catch (Poco::Exception& exc)
	{
		// The answer to a request of ours fails that request now; the
		// caller would otherwise wait out its timeout for an answer that
		// came and was dropped.
		std::string problem = McpMessageText::problemOf(text);
		std::string id = McpMessageText::responseId(text);
		if (!id.empty() && refuseAnswer(keyOfIdText(id), problem)) return;
		_logger.warning("Skipped a message from MCP server '%s' that %s (%s): %s",
			_serverName, problem, exc.displayText(), text.substr(0, 200));
		return;
	}
	if (parsed.type() == typeid(Poco::JSON::Array::Ptr))
	{
		// JSON-RPC batches (allowed by 2025-03-26) carry messages of any kind.
		Poco::JSON::Array::Ptr batch = parsed.extract<Poco::JSON::Array::Ptr>();
		for (std::size_t i = 0; i < batch->size(); ++i)
		{
			Poco::JSON::Object::Ptr item = batch->getObject(static_cast<unsigned>(i));
			if (item) handleMessage(item);
		}
		return;
	}
	Poco::JSON::Object::Ptr message = asObject(parsed);
	if (!message)
	{
		_logger.warning("Skipped a message from MCP server '%s' that is not a JSON-RPC object: %s", _serverName, text.substr(0, 200));
		return;
	}
	handleMessage(message);
}


void McpSession::handleMessage(const Poco::JSON::Object::Ptr& message)
{
	try
	{
		if (message->has("method"))
		{
			if (message->has("id") && !message->get("id").isEmpty())
			{
				handleServerRequest(message);
			}
			else
			{
				std::string method = message->optValue<std::string>("method", "");
				Poco::JSON::Object::Ptr params = message->getObject("params");
				if (!params) params = new Poco::JSON::Object;
				if (_onNotification) _onNotification(method, params);
			}
		}
		else if (message->has("id"))
		{
			handleResponse(message);
		}
		else
		{
			_logger.warning("Skipped a message from MCP server '%s' that is neither request, notification nor response", _serverName);
		}
	}
	catch (Poco::Exception& exc)
	{
		_logger.warning("Could not handle a message from MCP server '%s': %s", _serverName, exc.displayText());
	}
}


void McpSession::handleResponse(const Poco::JSON::Object::Ptr& message)
{
	std::string key = idKey(message->get("id"));
	std::shared_ptr<Pending> pending;
	{
		std::lock_guard<std::mutex> lock(_mutex);
		auto it = _pending.find(key);
		if (it != _pending.end()) pending = it->second;
	}
	if (!pending)
	{
		// An answer after its timeout or cancellation: nobody waits for it.
		_logger.debug("MCP server '%s' answered request %s, which nobody waits for any more", _serverName, key);
		return;
	}
	if (!message->has("result") && !message->has("error"))
	{
		refuseAnswer(key, "was not a valid JSON-RPC response: it has neither 'result' nor 'error'");
		return;
	}
	{
		std::lock_guard<std::mutex> lock(pending->mutex);
		if (pending->done) return;
		pending->done = true;
		Poco::JSON::Object::Ptr error = message->getObject("error");
		if (error)
		{
			int code = 0;
			try
			{
				code = error->has("code") ? error->get("code").convert<int>() : 0;
			}
			catch (Poco::Exception&)
			{
			}
			std::string text = error->has("message") ? error->get("message").convert<std::string>() : std::string("(no message)");
			Poco::Dynamic::Var data = error->has("data") ? error->get("data") : Poco::Dynamic::Var();
			pending->error.reset(new McpError(McpError::rpcFailure(pending->method, code, text, data)));
		}
		else if (message->has("error"))
		{
			pending->error.reset(new McpError(McpError::rpcFailure(pending->method, 0, "malformed error: " + message->get("error").convert<std::string>())));
		}
		else
		{
			pending->result = message->get("result");
		}
	}
	pending->condition.notify_all();
}


bool McpSession::refuseAnswer(const std::string& key, const std::string& problem)
{
	std::shared_ptr<Pending> pending;
	{
		std::lock_guard<std::mutex> lock(_mutex);
		auto it = _pending.find(key);
		if (it != _pending.end()) pending = it->second;
	}
	if (!pending) return false;
	std::string message;
	{
		std::lock_guard<std::mutex> lock(pending->mutex);
		if (pending->done) return true;
		pending->done = true;
		pending->error.reset(new McpError(McpError::invalidAnswer(_serverName, pending->method, problem)));
		message = pending->error->message();
	}
	pending->condition.notify_all();
	_logger.warning("%s; the request failed", message);
	return true;
}


std::string McpSession::keyOfIdText(const std::string& id)
{
	return idKey(McpMessageText::idValue(id));
}


void McpSession::handleServerRequest(const Poco::JSON::Object::Ptr& message)
{
	std::string method = message->optValue<std::string>("method", "");
	Poco::Dynamic::Var id = message->get("id");
	if (_events && method != "ping")
	{
		std::weak_ptr<McpSession> weak = weak_from_this();
		std::string server = _serverName;
		auto reply = [weak, id, method](const Poco::JSON::Object::Ptr& answer)
		{
			std::shared_ptr<McpSession> session = weak.lock();
			if (!session || !answer) return;
			Poco::JSON::Object::Ptr response = new Poco::JSON::Object;
			response->set("jsonrpc", "2.0");
			response->set("id", id);
			if (answer->has("error")) response->set("error", answer->get("error"));
			else response->set("result", answer->has("result") ? answer->get("result") : Poco::Dynamic::Var(Poco::JSON::Object::Ptr(new Poco::JSON::Object)));
			try
			{
				session->sendIfOpen(response);
			}
			catch (Poco::Exception& exc)
			{
				session->_logger.debug("Could not answer the server's '%s': %s", method, exc.displayText());
			}
		};
		Poco::JSON::Object::Ptr params = message->getObject("params");
		if (_events->serverRequest(server, method, params ? params : Poco::JSON::Object::Ptr(new Poco::JSON::Object), reply)) return;
	}
	Poco::JSON::Object::Ptr reply = new Poco::JSON::Object;
	reply->set("jsonrpc", "2.0");
	reply->set("id", id);
	if (method == "ping")
	{
		reply->set("result", Poco::JSON::Object::Ptr(new Poco::JSON::Object));
	}
	else if (method == "elicitation/create" && _elicitation != ElicitationPolicy::None)
	{
		reply->set("result", elicit(message->getObject("params")));
	}
	else if (method == "elicitation/create" && _events)
	{
		// Declared for a client of the gateway, but none is there to ask.
		Poco::JSON::Object::Ptr declined = new Poco::JSON::Object;
		declined->set("action", "decline");
		reply->set("result", declined);
	}
	else
	{
		// Roots are never declared, sampling only for the gateway's
		// clients, elicitation with a policy or for them: a request for
		// anything else (or with nobody to ask) gets this.
		_logger.information("MCP server '%s' asked for '%s', which this client does not offer", _serverName, method);
		Poco::JSON::Object::Ptr error = new Poco::JSON::Object;
		error->set("code", -32601);
		error->set("message", "Method not found: " + method);
		reply->set("error", error);
	}
	try
	{
		sendIfOpen(reply);
	}
	catch (Poco::Exception& exc)
	{
		_logger.debug("Could not answer the server's '%s': %s", method, exc.displayText());
	}
}


Poco::JSON::Object::Ptr McpSession::elicit(const Poco::JSON::Object::Ptr& params)
	/// The values are the server's own defaults, but they may still be
	/// personal data: the log names the server, never the content.
{
	McpElicitation::Answer answer;
	try
	{
		answer = McpElicitation::answer(_elicitation, params);
	}
	catch (Poco::Exception& exc)
	{
		// Malformed params: a refusal is the safe answer to a question we
		// cannot even read.
		_logger.warning("MCP server '%s' sent an elicitation we could not read (%s); declined", _serverName, exc.displayText());
		answer = McpElicitation::Answer();
		answer.action = "decline";
	}
	std::string mode = "form";
	if (params && params->has("mode") && params->get("mode").isString()) mode = params->get("mode").extract<std::string>();
	if (!answer.missing.empty())
	{
		std::string names;
		for (const auto& name: answer.missing) names += (names.empty() ? "" : ", ") + name;
		std::string text = params ? params->optValue<std::string>("message", "") : std::string();
		if (text.size() > 200) text = text.substr(0, 200) + "...";
		_logger.warning("MCP server '%s' asked for input without defaults for the required field(s) %s; declined. Its message: %s",
			_serverName, names, text);
	}
	_logger.information("MCP server '%s' asked for elicitation (%s mode); answered '%s' (policy %s)",
		_serverName, mode, answer.action, McpElicitation::policyName(_elicitation));
	Poco::JSON::Object::Ptr result = new Poco::JSON::Object;
	result->set("action", answer.action);
	if (answer.content) result->set("content", answer.content);
	return result;
}


} // namespace Nash
