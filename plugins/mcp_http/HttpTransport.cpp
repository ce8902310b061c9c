//
// HttpTransport.cpp
//


#include "HttpTransport.h"
#include "JsonRpcMessages.h"
#include "LoopbackAuthorizationAgent.h"
#include "McpMessageText.h"
#include "Poco/Exception.h"
#include "Poco/JSON/Object.h"
#include "Poco/Net/HTTPRequest.h"
#include "Poco/Net/HTTPResponse.h"
#include <vector>


namespace Nash {


HttpTransport::HttpTransport()
{
}


HttpTransport::~HttpTransport()
{
	stop();
}


void HttpTransport::configure(const std::string& serverName, const Poco::Util::AbstractConfiguration& section)
{
	_logger = &Poco::Logger::get("Nash.Mcp." + serverName);
	_settings = HttpTransportSettings::read(serverName, section);
	_connector = HttpConnector(_settings.connectTimeout, _settings.tlsVerify);
	_oauth.reset();
	if (_settings.oauth.enabled)
	{
		if (!_agent) _agent = std::make_shared<LoopbackAuthorizationAgent>();
		_oauth = std::make_shared<OAuthClient>(serverName, _settings.uri, _settings.oauth,
			[this](const Poco::URI& uri, std::chrono::milliseconds readTimeout) { return _connector.open(uri, readTimeout); }, _agent);
	}
	_state.configure(_settings.headers, _oauth);
}


void HttpTransport::setAuthorizationAgent(std::shared_ptr<AuthorizationAgent> agent)
{
	_agent = std::move(agent);
	if (_oauth) _oauth->setAgent(_agent);
}


void HttpTransport::start(McpTransportListener& listener)
{
	if (_settings.uri.empty()) throw Poco::IllegalStateException("The http transport is not configured");
	stop();
	std::unique_ptr<LegacySseTransport> legacy;
	if (_settings.legacyOnly)
	{
		legacy = makeLegacy();
		legacy->start(listener);
	}
	// Streamable HTTP has nothing to connect yet: the client's initialize is
	// the first POST, and a server that cannot be reached fails it.
	_state.reset();
	_exchanges.open();
	std::lock_guard<std::mutex> lock(_mutex);
	_legacy = std::move(legacy);
	_listener = &listener;
	_started = true;
	_stopping = false;
	_closed = false;
}


bool HttpTransport::isOpen() const
{
	std::lock_guard<std::mutex> lock(_mutex);
	if (_legacy) return _started && !_stopping && _legacy->isOpen();
	return _started && !_stopping && !_closed;
}


void HttpTransport::setProtocolVersion(const std::string& version)
{
	_state.setProtocolVersion(version);
}


std::string HttpTransport::sessionId() const
{
	return _state.sessionId();
}


bool HttpTransport::stopping() const
{
	return _exchanges.closing();
}


std::unique_ptr<LegacySseTransport> HttpTransport::makeLegacy() const
{
	return std::unique_ptr<LegacySseTransport>(new LegacySseTransport(_settings.serverName, _settings.uri, _settings.headers,
		_settings.connectTimeout, _settings.maxMessageSize,
		[this](const Poco::URI& uri, std::chrono::milliseconds readTimeout) { return _connector.open(uri, readTimeout); }));
}


bool HttpTransport::fallBackToLegacy(const std::string& initialize)
	/// A server that refused our POST of initialize may be one of 2024-11-05
	/// that speaks HTTP+SSE: try that before giving up.
{
	McpTransportListener* listener;
	{
		std::lock_guard<std::mutex> lock(_mutex);
		if (_stopping || _legacy || !_listener) return false;
		listener = _listener;
	}
	std::unique_ptr<LegacySseTransport> legacy = makeLegacy();
	LegacySseTransport* raw = legacy.get();
	try
	{
		legacy->start(*listener);
		{
			// In place before initialize is sent: its answer makes the client
			// send notifications/initialized at once, which must go there too.
			std::lock_guard<std::mutex> lock(_mutex);
			if (_stopping) return false; // legacy is stopped by its destructor
			_legacy = std::move(legacy);
		}
		raw->send(initialize);
	}
	catch (Poco::Exception& exc)
	{
		_logger->information("MCP server '%s' speaks neither Streamable HTTP nor HTTP+SSE: %s", _settings.serverName, exc.displayText());
		std::unique_ptr<LegacySseTransport> failed;
		{
			std::lock_guard<std::mutex> lock(_mutex);
			if (_legacy.get() == raw && !_stopping) failed = std::move(_legacy);
		}
		// Stopped outside the lock: its reader may be delivering a message
		// whose listener sends through us.
		if (failed) failed->stop();
		return false;
	}
	return true;
}


void HttpTransport::send(const std::string& message)
{
	LegacySseTransport* legacy;
	{
		std::lock_guard<std::mutex> lock(_mutex);
		if (!_started || _stopping || _closed) throw Poco::IOException("MCP server '" + _settings.serverName + "' is not connected");
		legacy = _legacy.get();
	}
	if (legacy)
	{
		// Only stop() replaces it, and stop() is not called while we send.
		legacy->send(message);
		return;
	}
	Poco::Dynamic::Var id;
	std::string method;
	JsonRpcMessages::identify(message, id, method);
	// Kept to start a new session by ourselves when the server forgets this
	// one (see renewSession()).
	_state.remember(method, message);
	if (method == "notifications/cancelled") _exchanges.cancel(JsonRpcMessages::cancelledRequest(message));
	_exchanges.reap();

	if (id.isEmpty())
	{
		// Notifications and responses are answered 202 at once; sending them
		// on the caller's thread keeps their order (initialized before the
		// requests that follow it).
		Exchange slot;
		exchange(slot, message, id);
		if (method == "notifications/initialized")
			_exchanges.runStream([this](Exchange& stream) { _events.run(stream, [this](const std::string& m) { deliver(m); }); });
		return;
	}
	if (!_exchanges.run(id.toString(), [this, message, id](Exchange& slot) { exchange(slot, message, id); }))
		throw Poco::IOException("MCP server '" + _settings.serverName + "' is not connected");
}


void HttpTransport::exchange(Exchange& slot, const std::string& message, const Poco::Dynamic::Var& id)
	/// Sends one message and decides what its answer leads to: a new
	/// session, authorization, the fallback to HTTP+SSE, or the error the
	/// request gets.
{
	std::string requestId = id.isEmpty() ? std::string() : id.toString();
	std::string sessionId = _state.sessionId();
	auto readTimeout = requestId.empty() ? _settings.connectTimeout : _settings.readTimeout;
	bool renewed = false;
	int authorizations = 0;
	for (;;)
	{
		HttpAnswer answer;
		try
		{
			answer = _poster.post(slot, message, sessionId, requestId, [this](const std::string& m) { deliver(m); }, true, readTimeout);
		}
		catch (Poco::Exception& exc)
		{
			if (stopping() || _exchanges.wasCancelled(slot)) return;
			std::string reason = "cannot reach " + _settings.endpoint() + ": " + exc.displayText();
			if (!requestId.empty()) closeOnce(reason);
			else _logger->warning("MCP server '%s': %s", _settings.serverName, reason);
			return;
		}
		if (answer.sessionExpired(sessionId) && !renewed)
		{
			renewed = true;
			_logger->information("MCP server '%s' ended session %s; starting a new one", _settings.serverName, sessionId);
			if (!renewSession(slot, sessionId))
			{
				if (!stopping()) closeOnce("the server ended the session and a new one could not be started");
				return;
			}
			sessionId = _state.sessionId();
			continue;
		}
		if (answer.tooLarge && !answer.answered)
		{
			if (!requestId.empty()) deliverError(id, JsonRpcMessages::tooLarge(_settings.maxMessageSize));
			return;
		}
		std::string authFailure;
		if (_oauth && answer.asksAuthorization() && !stopping())
		{
			// Notifications and responses are sent on the caller's thread,
			// which must not wait for a user at a browser.
			if (authorize(slot, answer, !requestId.empty(), authorizations, authFailure)) continue;
			if (stopping() || _exchanges.wasCancelled(slot)) return;
		}
		if (answer.succeeded())
		{
			if (!requestId.empty() && !answer.answered && !stopping() && !_exchanges.wasCancelled(slot))
				deliverError(id, answer.incompleteText());
			return;
		}
		if (sessionId.empty() && answer.refusesStreamableHttp() && JsonRpcMessages::isInitialize(message) && fallBackToLegacy(message))
		{
			return; // the answer comes on the legacy event stream
		}
		std::string text = answer.errorText(authFailure);
		if (!requestId.empty()) deliverError(id, text);
		else _logger->warning("MCP server '%s' refused a message: %s", _settings.serverName, text);
		return;
	}
}


bool HttpTransport::authorize(Exchange& slot, const HttpAnswer& answer, bool interactive, int& attempts, std::string& failure)
	/// Obtains a token for a 401 or 403 (OAuthClient::challenge()); true
	/// when the POST is to be sent again.
{
	auto givenUp = [this, &slot] { return stopping() || _exchanges.wasCancelled(slot); };
	return _oauth->challenge(answer.status, answer.wwwAuthenticate, answer.bearer, attempts, interactive, givenUp, failure);
}


bool HttpTransport::renewSession(Exchange& slot, const std::string& expiredId)
{
	std::lock_guard<std::mutex> renewLock(_renewMutex);
	HttpSessionState::Replay replay = _state.replay(expiredId);
	if (!replay.needed) return true; // another thread renewed it meanwhile
	if (replay.initialize.empty()) return false;
	try
	{
		// The client's own initialize, under an id of ours so that its answer
		// is not taken for one of the client's requests.
		Poco::JSON::Object::Ptr request = McpMessageText::parse(replay.initialize).extract<Poco::JSON::Object::Ptr>();
		std::string renewId = "nash-renew-" + std::to_string(replay.number);
		request->set("id", renewId);
		std::vector<std::string> messages;
		HttpAnswer answer = _poster.post(slot, JsonRpcMessages::toJson(request), std::string(), renewId,
			[&messages](const std::string& message) { messages.push_back(message); }, false, _settings.connectTimeout);
		if (answer.status != Poco::Net::HTTPResponse::HTTP_OK || !answer.answered)
		{
			_logger->warning("MCP server '%s' refused a new session: HTTP %d %s", _settings.serverName, answer.status, answer.body);
			return false;
		}
		std::string newVersion;
		for (const auto& message: messages)
		{
			Poco::Dynamic::Var parsed = McpMessageText::parse(message);
			if (parsed.type() != typeid(Poco::JSON::Object::Ptr)) continue;
			Poco::JSON::Object::Ptr object = parsed.extract<Poco::JSON::Object::Ptr>();
			if (object->has("id") && object->get("id").toString() == renewId && object->getObject("result"))
				newVersion = object->getObject("result")->optValue<std::string>("protocolVersion", "");
		}
		if (!replay.protocolVersion.empty() && newVersion != replay.protocolVersion)
		{
			_logger->warning("MCP server '%s' answered the new session with protocol version '%s' instead of '%s'",
				_settings.serverName, newVersion, replay.protocolVersion);
			return false;
		}
		_state.setSessionId(answer.sessionId);
		if (!replay.initialized.empty())
		{
			_poster.post(slot, replay.initialized, answer.sessionId, std::string(), [](const std::string&) {}, false, _settings.connectTimeout);
		}
	}
	catch (Poco::Exception& exc)
	{
		_logger->warning("MCP server '%s': a new session could not be started: %s", _settings.serverName, exc.displayText());
		return false;
	}
	// The new session's lists may differ from those the client cached.
	deliver(R"({"jsonrpc":"2.0","method":"notifications/tools/list_changed"})");
	deliver(R"({"jsonrpc":"2.0","method":"notifications/prompts/list_changed"})");
	deliver(R"({"jsonrpc":"2.0","method":"notifications/resources/list_changed"})");
	return true;
}


void HttpTransport::deliver(const std::string& message)
{
	std::lock_guard<std::recursive_mutex> deliverLock(_deliverMutex);
	McpTransportListener* listener;
	{
		std::lock_guard<std::mutex> lock(_mutex);
		if (_closed || _stopping) return;
		listener = _listener;
	}
	if (!listener) return;
	try
	{
		listener->messageReceived(message);
	}
	catch (std::exception& exc)
	{
		_logger->error("The listener of MCP server '%s' failed on a message: %s", _settings.serverName, std::string(exc.what()));
	}
}


void HttpTransport::deliverError(const Poco::Dynamic::Var& id, const std::string& text)
{
	deliver(JsonRpcMessages::errorAnswer(id, text));
}


void HttpTransport::closeOnce(const std::string& reason)
{
	std::lock_guard<std::recursive_mutex> deliverLock(_deliverMutex);
	McpTransportListener* listener;
	{
		std::lock_guard<std::mutex> lock(_mutex);
		if (_closed || _stopping) return;
		_closed = true;
		listener = _listener;
	}
	_logger->warning("MCP server '%s' is gone: %s", _settings.serverName, reason);
	if (listener) listener->transportClosed(reason);
}


void HttpTransport::stop()
{
	{
		std::lock_guard<std::mutex> lock(_mutex);
		if (!_started) return;
		_stopping = true;
	}
	std::string sessionId = _state.sessionId();
	_exchanges.close();
	if (_legacy) _legacy->stop();
	if (!sessionId.empty())
	{
		// Tells the server the session is over; one that does not allow it
		// answers 405, which is fine too.
		try
		{
			auto session = _connector.open(_settings.uri, std::chrono::milliseconds(2000));
			session->setTimeout(Poco::Timespan(2, 0), Poco::Timespan(2, 0), Poco::Timespan(2, 0));
			Poco::Net::HTTPRequest request(Poco::Net::HTTPRequest::HTTP_DELETE, _settings.path(), Poco::Net::HTTPMessage::HTTP_1_1);
			_state.prepare(request, sessionId);
			session->sendRequest(request);
			Poco::Net::HTTPResponse response;
			session->receiveResponse(response).ignore(1 << 20);
		}
		catch (Poco::Exception& exc)
		{
			_logger->debug("MCP server '%s': DELETE of the session failed: %s", _settings.serverName, exc.displayText());
		}
	}
	_state.reset();
	std::lock_guard<std::mutex> lock(_mutex);
	_started = false;
	_closed = true;
	_listener = nullptr;
	_legacy.reset();
}


} // namespace Nash
