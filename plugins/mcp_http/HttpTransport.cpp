//
// HttpTransport.cpp
//


#include "HttpTransport.h"
#include "LoopbackAuthorizationAgent.h"
#include "McpMessageText.h"
#include "OAuthSettings.h"
#include "Poco/Exception.h"
#include "Poco/JSON/Array.h"
#include "Poco/JSON/Object.h"
#include "Poco/Net/HTTPRequest.h"
#include "Poco/Net/HTTPResponse.h"
#include "Poco/Net/NetException.h"
#include "Poco/NumberParser.h"
#include "Poco/String.h"
#include <cmath>
#include <sstream>
#ifdef NASH_MCP_HTTP_TLS
#include "Poco/Net/Context.h"
#include "Poco/Net/HTTPSClientSession.h"
#endif


namespace Nash {


namespace {


const int MAX_RESUMES = 3;
const std::size_t ERROR_BODY_LIMIT = 2000;


std::chrono::milliseconds secondsKey(const Poco::Util::AbstractConfiguration& section, const std::string& serverName,
	const std::string& key, std::chrono::milliseconds defaultValue)
{
	if (!section.has(key)) return defaultValue;
	double seconds = 0;
	try
	{
		seconds = section.getDouble(key);
	}
	catch (Poco::Exception&)
	{
	}
	if (!(seconds > 0) || seconds > 86400)
		throw Poco::InvalidArgumentException("MCP server '" + serverName + "': key '" + key + "' must be a positive number of seconds");
	return std::chrono::milliseconds(static_cast<long long>(std::llround(seconds * 1000)));
}


bool readBounded(std::istream& in, std::string& text, std::size_t limit)
	/// Reads to the end of in, or stops after limit + 1 bytes; false then.
{
	char buffer[16384];
	while (in)
	{
		in.read(buffer, sizeof(buffer));
		std::size_t n = static_cast<std::size_t>(in.gcount());
		if (n == 0) break;
		text.append(buffer, n);
		if (text.size() > limit) return false;
	}
	return true;
}


bool getBoundedLine(std::istream& in, std::string& line, std::size_t limit, bool& tooLong)
	/// std::getline that stops at limit bytes (tooLong) instead of taking a
	/// line of any length into memory. Read failures end the stream, as for
	/// std::getline.
{
	line.clear();
	tooLong = false;
	std::streambuf* buffer = in.rdbuf();
	try
	{
		for (;;)
		{
			int c = buffer->sbumpc();
			if (c == std::char_traits<char>::eof())
			{
				in.setstate(std::ios::eofbit);
				return !line.empty();
			}
			if (c == '\n') return true;
			if (line.size() >= limit)
			{
				tooLong = true;
				return false;
			}
			line.push_back(static_cast<char>(c));
		}
	}
	catch (Poco::Exception&)
	{
		in.setstate(std::ios::badbit);
		return false;
	}
}


Poco::Dynamic::Var parseJson(const std::string& text)
{
	return McpMessageText::parse(text);
}


std::string toJson(const Poco::JSON::Object::Ptr& object)
{
	std::ostringstream out;
	object->stringify(out);
	return out.str();
}


} // namespace


HttpTransport::HttpTransport()
{
}


HttpTransport::~HttpTransport()
{
	stop();
}


void HttpTransport::configure(const std::string& serverName, const Poco::Util::AbstractConfiguration& section)
{
	_serverName = serverName;
	_logger = &Poco::Logger::get("Nash.Mcp." + serverName);
	try
	{
		_legacyOnly = section.getBool("legacy_sse", false);
	}
	catch (Poco::Exception&)
	{
		throw Poco::InvalidArgumentException("MCP server '" + serverName + "': key 'legacy_sse' must be true or false");
	}
	std::string url = Poco::trim(section.getRawString("url", ""));
	if (url.empty()) throw Poco::InvalidArgumentException("MCP server '" + serverName + "': key 'url' is required for the http transport");
	try
	{
		_uri = Poco::URI(url);
	}
	catch (Poco::Exception&)
	{
		// Not Poco's reason: it quotes the part it could not parse, which
		// may be the password.
		throw Poco::InvalidArgumentException("MCP server '" + serverName + "': key 'url' is not a URL");
	}
	std::string scheme = Poco::toLower(_uri.getScheme());
	if (scheme != "http" && scheme != "https")
		throw Poco::InvalidArgumentException("MCP server '" + serverName + "': key 'url' must be http:// or https://");
#ifndef NASH_MCP_HTTP_TLS
	if (scheme == "https")
		throw Poco::NotImplementedException("MCP server '" + serverName + "': key 'url' is https://, but this build has no TLS (Poco NetSSL)");
#endif
	if (_uri.getHost().empty()) throw Poco::InvalidArgumentException("MCP server '" + serverName + "': key 'url' names no host");

	_headers.clear();
	Poco::Util::AbstractConfiguration::Keys names;
	section.keys("headers", names);
	for (const auto& name: names) _headers[name] = section.getRawString("headers." + name);
	_connectTimeout = secondsKey(section, serverName, "connect_timeout", _connectTimeout);
	_readTimeout = secondsKey(section, serverName, "read_timeout", _readTimeout);
	try
	{
		_tlsVerify = section.getBool("tls_verify", true);
	}
	catch (Poco::Exception&)
	{
		throw Poco::InvalidArgumentException("MCP server '" + serverName + "': key 'tls_verify' must be true or false");
	}
	if (section.has("max_message_size"))
	{
		Poco::UInt64 size = 0;
		if (!Poco::NumberParser::tryParseUnsigned64(Poco::trim(section.getRawString("max_message_size")), size) || size < 1024)
			throw Poco::InvalidArgumentException("MCP server '" + serverName + "': key 'max_message_size' must be a number of bytes of at least 1024");
		_maxMessageSize = static_cast<std::size_t>(size);
	}
	OAuthSettings oauth = OAuthSettings::read(serverName, section);
	_oauth.reset();
	if (oauth.enabled)
	{
		if (!_agent) _agent = std::make_shared<LoopbackAuthorizationAgent>();
		_oauth = std::make_shared<OAuthClient>(serverName, _uri, oauth,
			[this](const Poco::URI& uri, std::chrono::milliseconds readTimeout) { return newSession(uri, readTimeout); }, _agent);
	}
}


void HttpTransport::setAuthorizationAgent(std::shared_ptr<AuthorizationAgent> agent)
{
	_agent = std::move(agent);
	if (_oauth) _oauth->setAgent(_agent);
}


void HttpTransport::start(McpTransportListener& listener)
{
	if (_uri.empty()) throw Poco::IllegalStateException("The http transport is not configured");
	stop();
	std::unique_ptr<LegacySseTransport> legacy;
	if (_legacyOnly)
	{
		legacy = makeLegacy();
		legacy->start(listener);
	}
	// Streamable HTTP has nothing to connect yet: the client's initialize is
	// the first POST, and a server that cannot be reached fails it.
	std::lock_guard<std::mutex> lock(_mutex);
	_legacy = std::move(legacy);
	_listener = &listener;
	_started = true;
	_stopping = false;
	_closed = false;
	_sessionId.clear();
	_protocolVersion.clear();
	_initializeMessage.clear();
	_initializedMessage.clear();
}


bool HttpTransport::isOpen() const
{
	std::lock_guard<std::mutex> lock(_mutex);
	if (_legacy) return _started && !_stopping && _legacy->isOpen();
	return _started && !_stopping && !_closed;
}


std::unique_ptr<LegacySseTransport> HttpTransport::makeLegacy() const
{
	return std::unique_ptr<LegacySseTransport>(new LegacySseTransport(_serverName, _uri, _headers, _connectTimeout,
		[this](const Poco::URI& uri, std::chrono::milliseconds readTimeout) { return newSession(uri, readTimeout); }));
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
		_logger->information("MCP server '%s' speaks neither Streamable HTTP nor HTTP+SSE: %s", _serverName, exc.displayText());
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


bool HttpTransport::stopping() const
{
	std::lock_guard<std::mutex> lock(_mutex);
	return _stopping;
}


void HttpTransport::setProtocolVersion(const std::string& version)
{
	std::lock_guard<std::mutex> lock(_mutex);
	_protocolVersion = version;
}


std::string HttpTransport::sessionId() const
{
	std::lock_guard<std::mutex> lock(_mutex);
	return _sessionId;
}


std::shared_ptr<Poco::Net::HTTPClientSession> HttpTransport::newSession(std::chrono::milliseconds readTimeout) const
{
	return newSession(_uri, readTimeout);
}


std::shared_ptr<Poco::Net::HTTPClientSession> HttpTransport::newSession(const Poco::URI& uri, std::chrono::milliseconds readTimeout) const
{
	std::shared_ptr<Poco::Net::HTTPClientSession> session;
#ifdef NASH_MCP_HTTP_TLS
	if (Poco::toLower(uri.getScheme()) == "https")
	{
		Poco::Net::Context::Ptr context(new Poco::Net::Context(Poco::Net::Context::TLS_CLIENT_USE, "",
			_tlsVerify ? Poco::Net::Context::VERIFY_RELAXED : Poco::Net::Context::VERIFY_NONE, 9, true));
		session = std::make_shared<Poco::Net::HTTPSClientSession>(uri.getHost(), uri.getPort(), context);
	}
#endif
	if (!session) session = std::make_shared<Poco::Net::HTTPClientSession>(uri.getHost(), uri.getPort());
	session->setKeepAlive(false);
	session->setTimeout(Poco::Timespan(_connectTimeout.count() * 1000), Poco::Timespan(_connectTimeout.count() * 1000),
		Poco::Timespan(readTimeout.count() * 1000));
	return session;
}


void HttpTransport::attach(Exchange& slot, const std::shared_ptr<Poco::Net::HTTPClientSession>& session)
	/// Makes the session abortable by stop(); refuses once stop() began.
{
	std::lock_guard<std::mutex> lock(_mutex);
	if (_stopping) throw Poco::IOException("The transport is stopping");
	slot.session = session;
}


std::string HttpTransport::prepare(Poco::Net::HTTPRequest& request, const std::string& sessionId) const
	/// Returns the access token the request carries, empty for none.
{
	for (const auto& header: _headers) request.set(header.first, header.second);
	std::string token = _oauth ? _oauth->accessToken() : std::string();
	if (!token.empty()) request.set("Authorization", "Bearer " + token);
	std::lock_guard<std::mutex> lock(_mutex);
	if (!sessionId.empty()) request.set("Mcp-Session-Id", sessionId);
	if (!_protocolVersion.empty()) request.set("MCP-Protocol-Version", _protocolVersion);
	return token;
}


bool HttpTransport::wasCancelled(const Exchange& slot) const
{
	std::lock_guard<std::mutex> lock(_mutex);
	return slot.cancelled;
}


std::string HttpTransport::cancelledRequest(const std::string& message)
	/// The requestId of a notifications/cancelled, as text.
{
	try
	{
		Poco::JSON::Object::Ptr params = parseJson(message).extract<Poco::JSON::Object::Ptr>()->getObject("params");
		if (params && params->has("requestId")) return params->get("requestId").toString();
	}
	catch (Poco::Exception&)
	{
	}
	return std::string();
}


bool HttpTransport::isInitialize(const std::string& message)
{
	try
	{
		Poco::Dynamic::Var parsed = parseJson(message);
		return parsed.type() == typeid(Poco::JSON::Object::Ptr) &&
			parsed.extract<Poco::JSON::Object::Ptr>()->optValue<std::string>("method", "") == "initialize";
	}
	catch (Poco::Exception&)
	{
		return false;
	}
}


bool HttpTransport::answers(const std::string& message, const std::string& requestId)
{
	if (requestId.empty()) return false;
	try
	{
		Poco::Dynamic::Var parsed = parseJson(message);
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


void HttpTransport::send(const std::string& message)
{
	LegacySseTransport* legacy;
	{
		std::lock_guard<std::mutex> lock(_mutex);
		if (!_started || _stopping || _closed) throw Poco::IOException("MCP server '" + _serverName + "' is not connected");
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
	try
	{
		Poco::Dynamic::Var parsed = parseJson(message);
		if (parsed.type() == typeid(Poco::JSON::Object::Ptr))
		{
			Poco::JSON::Object::Ptr object = parsed.extract<Poco::JSON::Object::Ptr>();
			if (object->has("method")) method = object->get("method").toString();
			if (!method.empty() && object->has("id")) id = object->get("id");
		}
	}
	catch (Poco::Exception& exc)
	{
		throw Poco::DataFormatException("Not a JSON-RPC message: " + exc.message());
	}
	{
		// Kept to start a new session by ourselves when the server forgets
		// this one (see renewSession()).
		std::lock_guard<std::mutex> lock(_mutex);
		if (method == "initialize")
		{
			_initializeMessage = message;
			_sessionId.clear();
		}
		else if (method == "notifications/initialized")
		{
			_initializedMessage = message;
		}
		else if (method == "notifications/cancelled")
		{
			std::string cancelled = cancelledRequest(message);
			for (auto& exchange: _exchanges)
			{
				if (!cancelled.empty() && exchange->requestId == cancelled && !exchange->done)
				{
					exchange->cancelled = true;
					abort(*exchange);
				}
			}
		}
	}
	reapFinished();

	std::unique_ptr<Exchange> slot(new Exchange);
	Exchange* raw = slot.get();
	if (id.isEmpty())
	{
		// Notifications and responses are answered 202 at once; sending them
		// on the caller's thread keeps their order (initialized before the
		// requests that follow it).
		exchange(*raw, message, id);
		if (method == "notifications/initialized")
		{
			std::lock_guard<std::mutex> lock(_mutex);
			if (!_stopping && !_stream.thread.joinable())
			{
				_stream.done = false;
				_stream.thread = std::thread([this]
				{
					listen();
					{
						std::lock_guard<std::mutex> lock(_mutex);
						_stream.done = true;
					}
					_condition.notify_all();
				});
			}
		}
		return;
	}
	std::lock_guard<std::mutex> lock(_mutex);
	if (_stopping) throw Poco::IOException("MCP server '" + _serverName + "' is not connected");
	raw->requestId = id.toString();
	raw->thread = std::thread([this, raw, message, id]
	{
		exchange(*raw, message, id);
		{
			std::lock_guard<std::mutex> lock(_mutex);
			raw->done = true;
		}
		_condition.notify_all();
	});
	_exchanges.push_back(std::move(slot));
}


bool HttpTransport::waitStopping(std::chrono::milliseconds timeout)
	/// Waits up to timeout; true when stop() began meanwhile.
{
	std::unique_lock<std::mutex> lock(_mutex);
	return _condition.wait_for(lock, timeout, [this] { return _stopping; });
}


void HttpTransport::listen()
{
	std::string lastEventId;
	std::chrono::milliseconds retry(1000);
	int failures = 0;
	const int maxFailures = 5;
	while (!stopping())
	{
		try
		{
			auto session = newSession(_readTimeout);
			attach(_stream, session);
			Poco::Net::HTTPRequest request(Poco::Net::HTTPRequest::HTTP_GET, _uri.getPathEtc().empty() ? "/" : _uri.getPathEtc(), Poco::Net::HTTPMessage::HTTP_1_1);
			prepare(request, sessionId());
			request.set("Accept", "text/event-stream");
			if (!lastEventId.empty()) request.set("Last-Event-ID", lastEventId);
			session->sendRequest(request);
			Poco::Net::HTTPResponse response;
			std::istream& in = session->receiveResponse(response);
			if (response.getStatus() == Poco::Net::HTTPResponse::HTTP_METHOD_NOT_ALLOWED)
			{
				_logger->debug("MCP server '%s' offers no GET event stream", _serverName);
				return;
			}
			if (response.getStatus() == Poco::Net::HTTPResponse::HTTP_OK &&
				Poco::toLower(response.getContentType()).compare(0, 17, "text/event-stream") == 0)
			{
				failures = 0;
				Answer ignored;
				readEvents(in, std::string(), [this](const std::string& m) { deliver(m); }, lastEventId, retry, ignored);
			}
			else
			{
				++failures;
			}
		}
		catch (Poco::Exception& exc)
		{
			if (stopping()) return;
			_logger->debug("MCP server '%s': the GET event stream failed: %s", _serverName, exc.displayText());
			++failures;
		}
		if (failures >= maxFailures)
		{
			_logger->information("MCP server '%s': giving up on the GET event stream after %d failures", _serverName, failures);
			return;
		}
		// The server's retry, longer after each failure in a row.
		if (waitStopping(retry * (1 << failures))) return;
	}
}


std::string HttpTransport::endpoint() const
	/// The URL for messages: without user information or query, which may
	/// hold credentials (the health report shows these messages).
{
	return _uri.getScheme() + "://" + _uri.getHost() + ":" + std::to_string(_uri.getPort()) + _uri.getPath();
}


bool HttpTransport::sessionExpired(const Answer& answer, const std::string& sessionId)
	/// The spec's answer to a request on a session the server no longer
	/// knows is 404. Some servers (the TypeScript SDK's reference server)
	/// answer 400 with a message about the session instead; that is taken
	/// the same way, as nothing else can recover from it.
{
	if (sessionId.empty()) return false;
	if (answer.status == Poco::Net::HTTPResponse::HTTP_NOT_FOUND) return true;
	return answer.status == Poco::Net::HTTPResponse::HTTP_BAD_REQUEST && Poco::toLower(answer.body).find("session") != std::string::npos;
}


void HttpTransport::reapFinished()
{
	std::lock_guard<std::mutex> lock(_mutex);
	for (auto it = _exchanges.begin(); it != _exchanges.end();)
	{
		if ((*it)->done)
		{
			(*it)->thread.join();
			it = _exchanges.erase(it);
		}
		else
		{
			++it;
		}
	}
}


void HttpTransport::exchange(Exchange& slot, const std::string& message, const Poco::Dynamic::Var& id)
{
	std::string requestId = id.isEmpty() ? std::string() : id.toString();
	std::string sessionId = this->sessionId();
	auto readTimeout = requestId.empty() ? _connectTimeout : _readTimeout;
	bool renewed = false;
	int authorizations = 0;
	for (;;)
	{
		Answer answer;
		try
		{
			answer = post(slot, message, sessionId, requestId, [this](const std::string& m) { deliver(m); }, true, readTimeout);
		}
		catch (Poco::Exception& exc)
		{
			if (stopping() || wasCancelled(slot)) return;
			std::string reason = "cannot reach " + endpoint() + ": " + exc.displayText();
			if (!requestId.empty()) closeOnce(reason);
			else _logger->warning("MCP server '%s': %s", _serverName, reason);
			return;
		}
		if (sessionExpired(answer, sessionId) && !renewed)
		{
			renewed = true;
			_logger->information("MCP server '%s' ended session %s; starting a new one", _serverName, sessionId);
			if (!renewSession(slot, sessionId))
			{
				if (!stopping()) closeOnce("the server ended the session and a new one could not be started");
				return;
			}
			sessionId = this->sessionId();
			continue;
		}
		if (answer.tooLarge && !answer.answered)
		{
			std::string text = "The MCP server's answer was larger than max_message_size (" + std::to_string(_maxMessageSize) + " bytes); it was dropped";
			if (!requestId.empty()) deliverError(id, text);
			return;
		}
		std::string authFailure;
		if (_oauth && (answer.status == 401 || answer.status == 403) && !stopping())
		{
			auto givenUp = [this, &slot] { return stopping() || wasCancelled(slot); };
			// Notifications and responses are sent on the caller's thread,
			// which must not wait for a user at a browser.
			bool interactive = !requestId.empty();
			if (_oauth->challenge(answer.status, answer.wwwAuthenticate, answer.bearer, authorizations, interactive, givenUp, authFailure))
				continue;
			if (stopping() || wasCancelled(slot)) return;
		}
		if (answer.status >= 200 && answer.status < 300)
		{
			if (!requestId.empty() && !answer.answered && !stopping() && !wasCancelled(slot))
			{
				std::string what = answer.unreadable.empty() ? "ended without a response to the request" : answer.unreadable;
				deliverError(id, "The MCP server's answer (HTTP " + std::to_string(answer.status) + ") " + what);
			}
			return;
		}
		if (sessionId.empty() && (answer.status == 400 || answer.status == 404 || answer.status == 405) &&
			isInitialize(message) && fallBackToLegacy(message))
		{
			return; // the answer comes on the legacy event stream
		}
		std::string text = "HTTP " + std::to_string(answer.status) + " " + answer.reason;
		if (!answer.body.empty()) text += ": " + answer.body;
		if (!authFailure.empty()) text += " (authorization: " + authFailure + ")";
		if (!requestId.empty()) deliverError(id, text);
		else _logger->warning("MCP server '%s' refused a message: %s", _serverName, text);
		return;
	}
}


HttpTransport::Answer HttpTransport::post(Exchange& slot, const std::string& body, const std::string& sessionId, const std::string& requestId,
	const MessageHandler& onMessage, bool adoptSessionId, std::chrono::milliseconds readTimeout)
{
	Answer answer;
	auto session = newSession(readTimeout);
	attach(slot, session);
	Poco::Net::HTTPRequest request(Poco::Net::HTTPRequest::HTTP_POST, _uri.getPathEtc().empty() ? "/" : _uri.getPathEtc(), Poco::Net::HTTPMessage::HTTP_1_1);
	answer.bearer = prepare(request, sessionId);
	request.setContentType("application/json");
	request.set("Accept", "application/json, text/event-stream");
	request.setContentLength(static_cast<std::streamsize>(body.size()));
	std::ostream& out = session->sendRequest(request);
	out.write(body.data(), static_cast<std::streamsize>(body.size()));
	out.flush();
	Poco::Net::HTTPResponse response;
	std::istream& in = session->receiveResponse(response);
	answer.status = response.getStatus();
	answer.reason = response.getReason();
	answer.sessionId = response.get("Mcp-Session-Id", "");
	answer.wwwAuthenticate = response.get("WWW-Authenticate", "");
	if (adoptSessionId && !answer.sessionId.empty() && answer.status >= 200 && answer.status < 300)
	{
		// Before the answer is delivered: the client's next message (the
		// initialized notification) must already carry it.
		std::lock_guard<std::mutex> lock(_mutex);
		_sessionId = answer.sessionId;
	}

	MessageHandler tracked = [&](const std::string& message)
	{
		if (answers(message, requestId)) answer.answered = true;
		onMessage(message);
	};
	if (answer.status >= 200 && answer.status < 300)
	{
		std::string contentType = Poco::toLower(response.getContentType());
		if (contentType.compare(0, 17, "text/event-stream") == 0)
		{
			std::string lastEventId;
			std::chrono::milliseconds retry(1000);
			readEvents(in, requestId, tracked, lastEventId, retry, answer);
			for (int i = 0; i < MAX_RESUMES && !answer.answered && !requestId.empty() && !lastEventId.empty() && !stopping(); ++i)
			{
				if (!resume(slot, sessionId.empty() ? this->sessionId() : sessionId, requestId, tracked, lastEventId, retry, answer)) break;
			}
		}
		else
		{
			std::string text;
			if ((response.hasContentLength() && response.getContentLength64() > static_cast<Poco::Int64>(_maxMessageSize)) ||
			    !readBounded(in, text, _maxMessageSize))
			{
				_logger->error("MCP server '%s' answered with more than %z bytes (max_message_size); dropped it", _serverName, _maxMessageSize);
				answer.tooLarge = true;
				return answer;
			}
			if (text.find_first_not_of(" \t\r\n") != std::string::npos)
			{
				Poco::Dynamic::Var parsed;
				try
				{
					parsed = parseJson(text);
				}
				catch (Poco::Exception&)
				{
					// The listener fails the request at once when it can
					// tell the id; otherwise exchange() does.
					answer.unreadable = McpMessageText::problemOf(text);
					_logger->warning("MCP server '%s' answered with a body that %s: %s", _serverName, answer.unreadable, text.substr(0, 200));
					tracked(text);
					return answer;
				}
				if (parsed.type() == typeid(Poco::JSON::Array::Ptr))
				{
					Poco::JSON::Array::Ptr batch = parsed.extract<Poco::JSON::Array::Ptr>();
					for (std::size_t i = 0; i < batch->size(); ++i)
					{
						Poco::JSON::Object::Ptr item = batch->getObject(static_cast<unsigned>(i));
						if (item) tracked(toJson(item));
					}
				}
				else
				{
					tracked(text);
				}
			}
		}
	}
	else
	{
		char buffer[ERROR_BODY_LIMIT];
		in.read(buffer, sizeof(buffer));
		answer.body.assign(buffer, static_cast<std::size_t>(in.gcount()));
		answer.body = Poco::trim(answer.body);
	}
	return answer;
}


void HttpTransport::readEvents(std::istream& in, const std::string& requestId, const MessageHandler& onMessage,
	std::string& lastEventId, std::chrono::milliseconds& retry, Answer& answer)
{
	(void) requestId;
	std::string line;
	std::string data;
	std::string event;
	bool hasData = false;
	bool tooLong = false;
	while (getBoundedLine(in, line, _maxMessageSize, tooLong) || tooLong)
	{
		if (tooLong || data.size() + line.size() > _maxMessageSize)
		{
			_logger->error("MCP server '%s' sent an event larger than %z bytes (max_message_size); dropped the stream", _serverName, _maxMessageSize);
			answer.tooLarge = true;
			return;
		}
		if (!line.empty() && line.back() == '\r') line.pop_back();
		if (line.empty())
		{
			// An event ends. Empty data (the priming event) carries nothing.
			if (hasData && !data.empty() && (event.empty() || event == "message")) onMessage(data);
			data.clear();
			event.clear();
			hasData = false;
			if (answer.answered) return; // the stream has done its work
			continue;
		}
		if (line[0] == ':') continue;
		std::string::size_type colon = line.find(':');
		std::string field = line.substr(0, colon);
		std::string value = colon == std::string::npos ? std::string() : line.substr(colon + 1);
		if (!value.empty() && value[0] == ' ') value.erase(0, 1);
		if (field == "data")
		{
			if (hasData) data += '\n';
			data += value;
			hasData = true;
		}
		else if (field == "event")
		{
			event = value;
		}
		else if (field == "id")
		{
			lastEventId = value;
		}
		else if (field == "retry")
		{
			unsigned ms = 0;
			if (Poco::NumberParser::tryParseUnsigned(value, ms)) retry = std::chrono::milliseconds(std::min(ms, 60000u));
		}
	}
}


bool HttpTransport::resume(Exchange& slot, const std::string& sessionId, const std::string& requestId, const MessageHandler& onMessage,
	std::string& lastEventId, std::chrono::milliseconds& retry, Answer& answer)
{
	{
		// The server asked to wait this long before reconnecting.
		std::unique_lock<std::mutex> lock(_mutex);
		if (_condition.wait_for(lock, retry, [this] { return _stopping; })) return false;
	}
	try
	{
		auto session = newSession(_readTimeout);
		attach(slot, session);
		Poco::Net::HTTPRequest request(Poco::Net::HTTPRequest::HTTP_GET, _uri.getPathEtc().empty() ? "/" : _uri.getPathEtc(), Poco::Net::HTTPMessage::HTTP_1_1);
		prepare(request, sessionId);
		request.set("Accept", "text/event-stream");
		request.set("Last-Event-ID", lastEventId);
		session->sendRequest(request);
		Poco::Net::HTTPResponse response;
		std::istream& in = session->receiveResponse(response);
		if (response.getStatus() != Poco::Net::HTTPResponse::HTTP_OK ||
			Poco::toLower(response.getContentType()).compare(0, 17, "text/event-stream") != 0)
		{
			_logger->information("MCP server '%s' did not resume its event stream (HTTP %d)", _serverName, static_cast<int>(response.getStatus()));
			return false;
		}
		std::string before = lastEventId;
		readEvents(in, requestId, onMessage, lastEventId, retry, answer);
		return answer.answered || lastEventId != before;
	}
	catch (Poco::Exception& exc)
	{
		_logger->information("MCP server '%s': resuming the event stream failed: %s", _serverName, exc.displayText());
		return false;
	}
}


bool HttpTransport::renewSession(Exchange& slot, const std::string& expiredId)
{
	std::lock_guard<std::mutex> renewLock(_renewMutex);
	std::string initialize;
	std::string initialized;
	std::string version;
	int renewal = 0;
	{
		std::lock_guard<std::mutex> lock(_mutex);
		if (_sessionId != expiredId) return true; // another thread renewed it meanwhile
		if (_initializeMessage.empty()) return false;
		initialize = _initializeMessage;
		initialized = _initializedMessage;
		version = _protocolVersion;
		renewal = ++_renewals;
	}
	try
	{
		// The client's own initialize, under an id of ours so that its answer
		// is not taken for one of the client's requests.
		Poco::JSON::Object::Ptr request = parseJson(initialize).extract<Poco::JSON::Object::Ptr>();
		std::string renewId = "nash-renew-" + std::to_string(renewal);
		request->set("id", renewId);
		std::vector<std::string> messages;
		Answer answer = post(slot, toJson(request), std::string(), renewId,
			[&messages](const std::string& message) { messages.push_back(message); }, false, _connectTimeout);
		if (answer.status != Poco::Net::HTTPResponse::HTTP_OK || !answer.answered)
		{
			_logger->warning("MCP server '%s' refused a new session: HTTP %d %s", _serverName, answer.status, answer.body);
			return false;
		}
		std::string newVersion;
		for (const auto& message: messages)
		{
			Poco::Dynamic::Var parsed = parseJson(message);
			if (parsed.type() != typeid(Poco::JSON::Object::Ptr)) continue;
			Poco::JSON::Object::Ptr object = parsed.extract<Poco::JSON::Object::Ptr>();
			if (object->has("id") && object->get("id").toString() == renewId && object->getObject("result"))
				newVersion = object->getObject("result")->optValue<std::string>("protocolVersion", "");
		}
		if (!version.empty() && newVersion != version)
		{
			_logger->warning("MCP server '%s' answered the new session with protocol version '%s' instead of '%s'", _serverName, newVersion, version);
			return false;
		}
		{
			std::lock_guard<std::mutex> lock(_mutex);
			_sessionId = answer.sessionId;
		}
		if (!initialized.empty())
		{
			post(slot, initialized, answer.sessionId, std::string(), [](const std::string&) {}, false, _connectTimeout);
		}
	}
	catch (Poco::Exception& exc)
	{
		_logger->warning("MCP server '%s': a new session could not be started: %s", _serverName, exc.displayText());
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
		_logger->error("The listener of MCP server '%s' failed on a message: %s", _serverName, std::string(exc.what()));
	}
}


void HttpTransport::deliverError(const Poco::Dynamic::Var& id, const std::string& text)
{
	Poco::JSON::Object::Ptr error = new Poco::JSON::Object;
	error->set("code", -32000);
	error->set("message", text);
	Poco::JSON::Object::Ptr message = new Poco::JSON::Object;
	message->set("jsonrpc", "2.0");
	message->set("id", id);
	message->set("error", error);
	deliver(toJson(message));
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
	_logger->warning("MCP server '%s' is gone: %s", _serverName, reason);
	if (listener) listener->transportClosed(reason);
}


void HttpTransport::abort(Exchange& exchange)
	/// Breaks off an answer or stream being read by shutting its socket
	/// down: the blocked read returns at once. (HTTPSession::abort() would
	/// also close the descriptor under the reading thread's feet.) Called
	/// with _mutex held.
{
	try
	{
		if (exchange.session && !exchange.done) exchange.session->socket().shutdown();
	}
	catch (Poco::Exception&)
	{
		// Not connected (yet): stop() tries again until the thread ends.
	}
}


void HttpTransport::stop()
{
	std::list<std::unique_ptr<Exchange>> exchanges;
	std::string sessionId;
	{
		std::lock_guard<std::mutex> lock(_mutex);
		if (!_started) return;
		_stopping = true;
		exchanges.swap(_exchanges);
		sessionId = _sessionId;
	}
	_condition.notify_all();
	{
		// A thread may connect just after a shutdown() (between attach()
		// and its request): shut its socket down again until it ended.
		std::unique_lock<std::mutex> lock(_mutex);
		for (;;)
		{
			bool running = _stream.thread.joinable() && !_stream.done;
			abort(_stream);
			for (auto& exchange: exchanges)
			{
				abort(*exchange);
				running = running || !exchange->done;
			}
			if (!running) break;
			_condition.wait_for(lock, std::chrono::milliseconds(50));
		}
	}
	for (auto& exchange: exchanges)
	{
		if (exchange->thread.joinable()) exchange->thread.join();
	}
	if (_stream.thread.joinable()) _stream.thread.join();
	_stream.done = false;
	_stream.session.reset();
	if (_legacy) _legacy->stop();
	if (!sessionId.empty())
	{
		// Tells the server the session is over; one that does not allow it
		// answers 405, which is fine too.
		try
		{
			auto session = newSession(std::chrono::milliseconds(2000));
			session->setTimeout(Poco::Timespan(2, 0), Poco::Timespan(2, 0), Poco::Timespan(2, 0));
			Poco::Net::HTTPRequest request(Poco::Net::HTTPRequest::HTTP_DELETE, _uri.getPathEtc().empty() ? "/" : _uri.getPathEtc(), Poco::Net::HTTPMessage::HTTP_1_1);
			prepare(request, sessionId);
			session->sendRequest(request);
			Poco::Net::HTTPResponse response;
			session->receiveResponse(response).ignore(1 << 20);
		}
		catch (Poco::Exception& exc)
		{
			_logger->debug("MCP server '%s': DELETE of the session failed: %s", _serverName, exc.displayText());
		}
	}
	std::lock_guard<std::mutex> lock(_mutex);
	_started = false;
	_closed = true;
	_listener = nullptr;
	_legacy.reset();
	_sessionId.clear();
	_protocolVersion.clear();
}


} // namespace Nash
