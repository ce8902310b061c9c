//
// McpClient.cpp
//


#include "McpClient.h"
#include "McpError.h"
#include "NashUpstream/Redaction.h"
#include "Poco/JSON/Stringifier.h"
#include <algorithm>
#include <set>
#include <sstream>


#ifndef NASH_MCP_CLIENT_VERSION
#define NASH_MCP_CLIENT_VERSION "0.0.0"
#endif


namespace Nash {


namespace {


class CancelWakeup
	/// Wakes a condition wait when the caller's token is cancelled, for as
	/// long as the object lives.
{
public:
	CancelWakeup(const CancellationToken* token, std::function<void()> wake):
		_token(const_cast<CancellationToken*>(token))
	{
		// Registered before any lock is taken: onCancel() runs the callback
		// at once when the token is already cancelled.
		if (_token) _registration = _token->onCancel(std::move(wake));
	}

	~CancelWakeup()
	{
		if (_token && _registration) _token->removeCallback(_registration);
	}

private:
	CancellationToken* _token;
	CancellationToken::Registration _registration = 0;
};


Poco::JSON::Object::Ptr asObject(const Poco::Dynamic::Var& value)
{
	if (value.type() == typeid(Poco::JSON::Object::Ptr)) return value.extract<Poco::JSON::Object::Ptr>();
	return nullptr;
}


std::string joined(const std::vector<std::string>& items)
{
	std::string result;
	for (const auto& item: items)
	{
		if (!result.empty()) result += ", ";
		result += item;
	}
	return result;
}


} // namespace


McpClient::McpClient(const McpServerSettings& settings, std::unique_ptr<McpTransport> transport, const std::string& setupError):
	_settings(settings),
	_transport(std::move(transport)),
	_setupError(NashUpstream::Redaction::text(setupError)),
	_logger(Poco::Logger::get("Nash.Mcp." + settings.name))
{
	if (!_transport && _setupError.empty()) _setupError = "no transport";
	if (!_setupError.empty()) _lastError = _setupError;
}


McpClient::~McpClient()
{
	shutdown();
}


const McpServerSettings& McpClient::settings() const
{
	return _settings;
}


const std::string& McpClient::name() const
{
	return _settings.name;
}


void McpClient::setObserver(McpObserver* observer)
{
	_observer.store(observer);
}


const std::vector<std::string>& McpClient::supportedProtocolVersions()
{
	static const std::vector<std::string> versions = {"2025-11-25", "2025-06-18", "2025-03-26", "2024-11-05"};
	return versions;
}


std::chrono::milliseconds McpClient::backoff(int failures) const
	/// The first restart after a death or failure is immediate; then the
	/// configured back-off, doubled each time, up to the maximum.
{
	if (failures <= 1) return std::chrono::milliseconds(0);
	std::chrono::milliseconds delay = _settings.restartBackoff;
	for (int i = 2; i < failures && delay < _settings.restartBackoffMax; ++i) delay *= 2;
	return std::min(delay, _settings.restartBackoffMax);
}


void McpClient::wake()
{
	{
		std::lock_guard<std::mutex> lock(_mutex);
	}
	_condition.notify_all();
}


void McpClient::connect(const CancellationToken* cancel)
{
	session(cancel);
}


std::shared_ptr<McpSession> McpClient::session(const CancellationToken* cancel)
{
	if (!_setupError.empty())
		throw McpError::unavailable("MCP server '" + name() + "' is not available: " + _setupError);

	CancelWakeup wakeup(cancel, [this] { wake(); });
	std::unique_lock<std::mutex> lock(_mutex);
	std::uint64_t attemptsSeen = _attempts;
	bool waited = false;
	for (;;)
	{
		if (_state == State::Stopped)
			throw McpError::unavailable("MCP server '" + name() + "' is shut down");
		if (_state == State::Connected) return _session;
		if (cancel && cancel->isCancelled())
			throw McpError::cancelled("The request to MCP server '" + name() + "' was cancelled");
		if (_state == State::Connecting)
		{
			waited = true;
			_condition.wait(lock);
			continue;
		}
		if (waited && _attempts != attemptsSeen)
		{
			// The attempt we waited for failed: that is our answer too.
			throw McpError::unavailable("MCP server '" + name() + "' is not connected: " + _lastError);
		}
		auto now = std::chrono::steady_clock::now();
		if (now < _nextAttempt)
		{
			auto wait = std::chrono::duration_cast<std::chrono::milliseconds>(_nextAttempt - now);
			throw McpError::unavailable("MCP server '" + name() + "' is not connected (" + _lastError +
				"); the next restart attempt is in " + McpSession::describe(std::max(wait, std::chrono::milliseconds(1))));
		}
		break;
	}
	_state = State::Connecting;
	++_attempts;
	bool restart = _startedBefore;
	_startedBefore = true;
	lock.unlock();
	McpObserver* observer = _observer.load();
	if (restart && observer) observer->mcpRestart(name());

	std::shared_ptr<McpSession> connected;
	try
	{
		connected = connectOnce(cancel);
	}
	catch (McpError& exc)
	{
		lock.lock();
		if (exc.httpStatus() != 499)
		{
			++_failures;
			_nextAttempt = std::chrono::steady_clock::now() + backoff(_failures);
			_lastError = exc.message();
		}
		if (_state == State::Connecting) _state = State::Idle;
		lock.unlock();
		_condition.notify_all();
		if (exc.httpStatus() != 499) _logger.error(exc.message());
		throw;
	}

	lock.lock();
	if (_state == State::Stopped)
	{
		lock.unlock();
		throw McpError::unavailable("MCP server '" + name() + "' is shut down");
	}
	_state = State::Connected;
	_session = connected;
	_connectedAt = std::chrono::steady_clock::now();
	_lastError.clear();
	_cache.clear();
	lock.unlock();
	_condition.notify_all();
	_logger.information("Connected to MCP server '%s' (protocol %s)", name(), protocolVersion());
	return connected;
}


std::shared_ptr<McpSession> McpClient::connectOnce(const CancellationToken* cancel)
{
	auto self = std::make_shared<const McpSession*>(nullptr);
	std::shared_ptr<McpSession> session;
	{
		std::lock_guard<std::mutex> connectLock(_connectMutex);
		{
			std::lock_guard<std::mutex> lock(_mutex);
			if (_state == State::Stopped) throw McpError::unavailable("MCP server '" + name() + "' is shut down");
		}
		// Reaps what is left of the previous run (a dead child, its
		// threads) before the transport starts again.
		_transport->stop();
		session = std::make_shared<McpSession>(name(), *_transport,
			[this](const std::string& method, const Poco::JSON::Object::Ptr& params) { notificationReceived(method, params); },
			[this, self](const std::string& reason) { sessionClosed(*self, reason); },
			_settings.elicitation, _events.load());
		*self = session.get();
		{
			std::lock_guard<std::mutex> lock(_mutex);
			_listener = session;
		}
		try
		{
			_transport->start(*session);
		}
		catch (Poco::Exception& exc)
		{
			session->close(exc.displayText());
			throw McpError::unavailable("MCP server '" + name() + "' could not be started: " + exc.displayText());
		}
		catch (std::exception& exc)
		{
			session->close(exc.what());
			throw McpError::unavailable("MCP server '" + name() + "' could not be started: " + exc.what());
		}
	}

	auto abandon = [this, &session](const std::string& reason)
	{
		{
			std::lock_guard<std::mutex> connectLock(_connectMutex);
			_transport->stop();
		}
		session->close(reason);
	};

	Poco::JSON::Object::Ptr clientInfo = new Poco::JSON::Object;
	clientInfo->set("name", "nash-llm-server");
	clientInfo->set("version", NASH_MCP_CLIENT_VERSION);
	Poco::JSON::Object::Ptr params = new Poco::JSON::Object;
	params->set("protocolVersion", supportedProtocolVersions().front());
	params->set("capabilities", session->clientCapabilities(supportedProtocolVersions().front()));
	params->set("clientInfo", clientInfo);

	Poco::JSON::Object::Ptr result;
	try
	{
		// The spec forbids cancelling initialize: no notifications/cancelled.
		result = asObject(session->request("initialize", params, _settings.requestTimeout, cancel, false));
	}
	catch (McpError& exc)
	{
		abandon(exc.message());
		if (exc.httpStatus() == 499) throw;
		if (exc.isRpcError())
			throw McpError::unavailable("MCP server '" + name() + "' refused initialize: " + std::to_string(exc.rpcCode()) + " " + exc.rpcMessage());
		throw McpError::unavailable("MCP server '" + name() + "' did not complete initialize: " + exc.message());
	}
	if (!result)
	{
		abandon("malformed initialize result");
		throw McpError::unavailable("MCP server '" + name() + "' answered initialize without a result object");
	}

	std::string version = result->has("protocolVersion") ? result->get("protocolVersion").convert<std::string>() : std::string();
	const auto& supported = supportedProtocolVersions();
	if (std::find(supported.begin(), supported.end(), version) == supported.end())
	{
		abandon("unsupported protocol version");
		throw McpError::unavailable("MCP server '" + name() + "' answered protocol version '" + version +
			"', which this client does not support (it supports " + joined(supported) + "); disconnected");
	}

	Poco::JSON::Object::Ptr capabilities = result->getObject("capabilities");
	if (!capabilities) capabilities = new Poco::JSON::Object;
	Poco::JSON::Object::Ptr serverInfo = result->getObject("serverInfo");
	{
		std::lock_guard<std::mutex> lock(_mutex);
		_protocolVersion = version;
		_capabilities = capabilities;
		_serverInfo = serverInfo;
	}

	_transport->setProtocolVersion(version);
	try
	{
		session->notify("notifications/initialized", nullptr);
	}
	catch (McpError& exc)
	{
		abandon(exc.message());
		throw McpError::unavailable("MCP server '" + name() + "' went away after initialize: " + exc.message());
	}
	return session;
}


void McpClient::sessionClosed(const McpSession* session, const std::string& reason)
{
	{
		std::lock_guard<std::mutex> lock(_mutex);
		if (_session.get() != session || _state != State::Connected) return;
		_session.reset();
		_state = State::Idle;
		auto now = std::chrono::steady_clock::now();
		// A server that stayed up long is restarted at once; one that keeps
		// dying soon after its start backs off like a failing start.
		_failures = (now - _connectedAt >= _settings.restartBackoffMax) ? 1 : _failures + 1;
		_nextAttempt = now + backoff(_failures);
		_lastError = "connection lost: " + reason;
		_protocolVersion.clear();
		_cache.clear();
	}
	_condition.notify_all();
}


void McpClient::shutdown()
{
	std::shared_ptr<McpSession> listener;
	{
		std::lock_guard<std::mutex> lock(_mutex);
		_state = State::Stopped;
		listener = _listener;
		_session.reset();
		_protocolVersion.clear();
		_cache.clear();
	}
	_condition.notify_all();
	if (_transport)
	{
		// The transport first: it unblocks a send stuck on a server that
		// stopped reading, which close() below would wait for.
		std::lock_guard<std::mutex> connectLock(_connectMutex);
		_transport->stop();
	}
	if (listener) listener->close("the MCP client shut down");
}


void McpClient::reopen()
{
	{
		std::lock_guard<std::mutex> lock(_mutex);
		if (_state != State::Stopped) return;
		_state = State::Idle;
		_failures = 0;
		_nextAttempt = std::chrono::steady_clock::time_point();
		// A start after shutdown() is the operator's, not a restart after
		// the server ended or failed.
		_startedBefore = false;
	}
	_condition.notify_all();
}


bool McpClient::isConnected() const
{
	std::lock_guard<std::mutex> lock(_mutex);
	return _state == State::Connected;
}


std::string McpClient::protocolVersion() const
{
	std::lock_guard<std::mutex> lock(_mutex);
	return _protocolVersion;
}


bool McpClient::supports(const std::string& capability, const CancellationToken* cancel)
{
	session(cancel);
	std::lock_guard<std::mutex> lock(_mutex);
	return _capabilities && _capabilities->has(capability);
}


void McpClient::invalidate(const std::string& listMethod)
{
	std::lock_guard<std::mutex> lock(_mutex);
	_cache.erase(listMethod);
	++_generation[listMethod];
}


Poco::JSON::Array::Ptr McpClient::list(const std::string& method, const std::string& key, const std::string& capability, bool required, const CancellationToken* cancel)
{
	std::shared_ptr<McpSession> current = sessionFor(method, cancel);
	std::uint64_t generation = 0;
	{
		std::lock_guard<std::mutex> lock(_mutex);
		if (!_capabilities || !_capabilities->has(capability))
		{
			if (required) throw McpError::notSupported("MCP server '" + name() + "' does not offer " + capability);
			return new Poco::JSON::Array;
		}
		auto it = _cache.find(method);
		if (it != _cache.end()) return it->second;
		generation = _generation[method];
	}

	Poco::JSON::Array::Ptr all = new Poco::JSON::Array;
	std::set<std::string> cursorsSeen;
	std::string cursor;
	for (;;)
	{
		Poco::JSON::Object::Ptr params = new Poco::JSON::Object;
		if (!cursor.empty()) params->set("cursor", cursor);
		Poco::JSON::Object::Ptr page = resultObject(method, exchange(*current, method, params, _settings.requestTimeout, cancel));
		Poco::JSON::Array::Ptr items = page->getArray(key);
		if (!items && page->has(key))
			throw McpError(502, "error", "MCP server '" + name() + "' answered " + method + " with '" + key + "' that is not an array");
		if (items)
		{
			for (std::size_t i = 0; i < items->size(); ++i) all->add(items->get(static_cast<unsigned>(i)));
		}
		Poco::Dynamic::Var next = page->has("nextCursor") ? page->get("nextCursor") : Poco::Dynamic::Var();
		if (next.isEmpty() || !next.isString() || next.extract<std::string>().empty()) break;
		cursor = next.extract<std::string>();
		if (!cursorsSeen.insert(cursor).second)
			throw McpError(502, "error", "MCP server '" + name() + "' repeated the cursor '" + cursor + "' while paging " + method);
	}

	std::set<std::string> toolNames;
	if (method == "tools/list")
	{
		for (std::size_t i = 0; i < all->size(); ++i)
		{
			Poco::JSON::Object::Ptr tool = all->getObject(static_cast<unsigned>(i));
			if (tool && tool->has("name") && tool->get("name").isString()) toolNames.insert(tool->get("name").extract<std::string>());
		}
	}
	std::lock_guard<std::mutex> lock(_mutex);
	// Even a stale list names tools the server did offer.
	if (method == "tools/list") _listedTools.swap(toolNames);
	// A list_changed that came while we were paging makes this list stale
	// already: return it to this caller, but do not keep it.
	if (_session == current && _generation[method] == generation) _cache[method] = all;
	return all;
}


Poco::Dynamic::Var McpClient::request(const std::string& method, const Poco::JSON::Object::Ptr& params, const std::string& capability, std::chrono::milliseconds timeout, const CancellationToken* cancel)
{
	std::shared_ptr<McpSession> current = sessionFor(method, cancel);
	if (!capability.empty())
	{
		std::lock_guard<std::mutex> lock(_mutex);
		if (!_capabilities || !_capabilities->has(capability))
			throw McpError::notSupported("MCP server '" + name() + "' does not offer " + capability);
	}
	return exchange(*current, method, params, timeout, cancel);
}


std::shared_ptr<McpSession> McpClient::sessionFor(const std::string& method, const CancellationToken* cancel)
{
	auto started = std::chrono::steady_clock::now();
	try
	{
		return session(cancel);
	}
	catch (McpError& exc)
	{
		// The caller's request failed for want of a connection (down, in
		// its back-off, shut down, handshake failed) or was cancelled while
		// waiting for one: counted like one the server failed.
		reportCall(method, outcomeOf(exc), started);
		throw;
	}
}


Poco::Dynamic::Var McpClient::exchange(McpSession& session, const std::string& method, const Poco::JSON::Object::Ptr& params,
	std::chrono::milliseconds timeout, const CancellationToken* cancel)
{
	auto started = std::chrono::steady_clock::now();
	Poco::Dynamic::Var result;
	try
	{
		result = session.request(method, params, timeout, cancel);
	}
	catch (McpError& exc)
	{
		reportCall(method, outcomeOf(exc), started);
		throw;
	}
	reportCall(method, "ok", started);
	return result;
}


void McpClient::reportCall(const std::string& method, const std::string& outcome, std::chrono::steady_clock::time_point started) const
{
	McpObserver* observer = _observer.load();
	if (!observer) return;
	std::chrono::duration<double> seconds = std::chrono::steady_clock::now() - started;
	observer->mcpCall(name(), method, outcome, seconds.count());
}


std::string McpClient::outcomeOf(const McpError& error)
{
	switch (error.httpStatus())
	{
	case 499: return "cancelled";
	case 503: return "unavailable";
	case 504: return "timeout";
	// 502: a JSON-RPC error, or an answer that cannot be used.
	default: return "error";
	}
}


Poco::JSON::Object::Ptr McpClient::resultObject(const std::string& method, const Poco::Dynamic::Var& result) const
{
	Poco::JSON::Object::Ptr object = asObject(result);
	if (!object) throw McpError::invalidAnswer(name(), method, "was not a valid JSON-RPC response: its result is not an object");
	return object;
}


Poco::JSON::Array::Ptr McpClient::listTools(const CancellationToken* cancel)
{
	return list("tools/list", "tools", "tools", false, cancel);
}


Poco::JSON::Array::Ptr McpClient::listPrompts(const CancellationToken* cancel)
{
	return list("prompts/list", "prompts", "prompts", true, cancel);
}


Poco::JSON::Array::Ptr McpClient::listResources(const CancellationToken* cancel)
{
	return list("resources/list", "resources", "resources", true, cancel);
}


Poco::JSON::Array::Ptr McpClient::listResourceTemplates(const CancellationToken* cancel)
{
	return list("resources/templates/list", "resourceTemplates", "resources", true, cancel);
}


Poco::JSON::Object::Ptr McpClient::callTool(const std::string& toolName, const Poco::JSON::Object::Ptr& arguments, const CancellationToken* cancel)
{
	Poco::JSON::Object::Ptr params = new Poco::JSON::Object;
	params->set("name", toolName);
	params->set("arguments", arguments ? arguments : Poco::JSON::Object::Ptr(new Poco::JSON::Object));
	return callTool(params, cancel);
}


Poco::JSON::Object::Ptr McpClient::callTool(const Poco::JSON::Object::Ptr& params, const CancellationToken* cancel)
{
	std::string toolName = params->optValue<std::string>("name", "");
	McpObserver* observer = _observer.load();
	std::string label = "other";
	if (observer)
	{
		// Named only when the server listed it: the name comes from our
		// caller, who must not be able to grow the observer's label sets.
		// Decided before the call, which may end the connection.
		std::lock_guard<std::mutex> lock(_mutex);
		if (_listedTools.count(toolName)) label = toolName;
	}
	Poco::JSON::Object::Ptr result;
	try
	{
		result = resultObject("tools/call", request("tools/call", params, "tools", _settings.toolTimeout, cancel));
	}
	catch (McpError& exc)
	{
		// 501: a server without tools, which was never asked.
		if (observer && exc.httpStatus() != 501) observer->mcpToolCall(name(), label, outcomeOf(exc));
		throw;
	}
	if (!result->has("isError")) result->set("isError", false);
	if (observer)
	{
		Poco::Dynamic::Var isError = result->get("isError");
		bool failed = isError.isBoolean() && isError.extract<bool>();
		observer->mcpToolCall(name(), label, failed ? "tool_error" : "ok");
	}
	return result;
}


Poco::JSON::Object::Ptr McpClient::forward(const std::string& method, const Poco::JSON::Object::Ptr& params, const std::string& capability, const CancellationToken* cancel)
{
	if (method == "tools/call") return callTool(params, cancel);
	return resultObject(method, request(method, params, capability, _settings.requestTimeout, cancel));
}


Poco::Dynamic::Var McpClient::getPrompt(const std::string& promptName, const Poco::JSON::Object::Ptr& arguments, const CancellationToken* cancel)
{
	Poco::JSON::Object::Ptr params = new Poco::JSON::Object;
	params->set("name", promptName);
	if (arguments) params->set("arguments", arguments);
	return resultObject("prompts/get", request("prompts/get", params, "prompts", _settings.requestTimeout, cancel));
}


Poco::Dynamic::Var McpClient::readResource(const std::string& uri, const CancellationToken* cancel)
{
	Poco::JSON::Object::Ptr params = new Poco::JSON::Object;
	params->set("uri", uri);
	return resultObject("resources/read", request("resources/read", params, "resources", _settings.requestTimeout, cancel));
}


void McpClient::ping(const CancellationToken* cancel)
{
	request("ping", nullptr, std::string(), _settings.requestTimeout, cancel);
}


void McpClient::setServerEvents(McpServerEvents* events)
{
	_events.store(events);
}


void McpClient::notificationReceived(const std::string& method, const Poco::JSON::Object::Ptr& params)
{
	handleNotification(method, params);
	if (McpServerEvents* events = _events.load()) events->serverNotification(name(), method, params);
}


void McpClient::handleNotification(const std::string& method, const Poco::JSON::Object::Ptr& params)
{
	if (method == "notifications/tools/list_changed")
	{
		invalidate("tools/list");
	}
	else if (method == "notifications/prompts/list_changed")
	{
		invalidate("prompts/list");
	}
	else if (method == "notifications/resources/list_changed")
	{
		invalidate("resources/list");
		invalidate("resources/templates/list");
	}
	else if (method == "notifications/message")
	{
		std::string level = params->optValue<std::string>("level", "info");
		std::string text;
		if (params->has("logger")) text = "[" + params->get("logger").convert<std::string>() + "] ";
		Poco::Dynamic::Var data = params->has("data") ? params->get("data") : Poco::Dynamic::Var();
		if (data.isString()) text += data.extract<std::string>();
		else if (!data.isEmpty())
		{
			std::ostringstream out;
			Poco::JSON::Stringifier::condense(data, out);
			text += out.str();
		}
		text = "MCP server '" + name() + "': " + text;
		if (level == "debug") _logger.debug(text);
		else if (level == "notice") _logger.notice(text);
		else if (level == "warning") _logger.warning(text);
		else if (level == "error") _logger.error(text);
		else if (level == "critical") _logger.critical(text);
		else if (level == "alert" || level == "emergency") _logger.fatal(text);
		else _logger.information(text);
	}
	else
	{
		_logger.debug("MCP server '%s' sent %s", name(), method);
	}
}


Poco::JSON::Object::Ptr McpClient::status() const
{
	std::lock_guard<std::mutex> lock(_mutex);
	Poco::JSON::Object::Ptr result = new Poco::JSON::Object;
	result->set("name", _settings.name);
	result->set("transport", _settings.transport);
	result->set("plugin", _settings.plugin);
	result->set("enabled", _settings.enabled);
	result->set("connected", _state == State::Connected);
	const char* state = "idle";
	if (_state == State::Connecting) state = "connecting";
	else if (_state == State::Connected) state = "connected";
	else if (_state == State::Stopped) state = "stopped";
	result->set("state", std::string(state));
	result->set("protocolVersion", _protocolVersion.empty() ? Poco::Dynamic::Var() : Poco::Dynamic::Var(_protocolVersion));
	if (_serverInfo && _state == State::Connected)
	{
		Poco::JSON::Object::Ptr info = new Poco::JSON::Object;
		if (_serverInfo->has("name")) info->set("name", _serverInfo->get("name"));
		if (_serverInfo->has("version")) info->set("version", _serverInfo->get("version"));
		result->set("serverInfo", info);
	}
	else
	{
		result->set("serverInfo", Poco::Dynamic::Var());
	}
	auto tools = _cache.find("tools/list");
	if (tools != _cache.end()) result->set("tools", static_cast<int>(tools->second->size()));
	else result->set("tools", Poco::Dynamic::Var());
	// /health needs no token: whatever the error quotes, no credentials of a URL.
	result->set("lastError", _lastError.empty() ? Poco::Dynamic::Var() : Poco::Dynamic::Var(NashUpstream::Redaction::text(_lastError)));
	return result;
}


} // namespace Nash
