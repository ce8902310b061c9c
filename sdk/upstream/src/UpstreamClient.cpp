//
// UpstreamClient.cpp
//


#include "NashUpstream/UpstreamClient.h"
#include "NashUpstream/Redaction.h"
#include "Poco/DateTimeParser.h"
#include "Poco/Logger.h"
#include "Poco/Exception.h"
#include "Poco/Net/Context.h"
#include "Poco/Net/HTTPRequest.h"
#include "Poco/Net/HTTPResponse.h"
#include "Poco/Net/HTTPSClientSession.h"
#include "Poco/Net/NetException.h"
#include "Poco/Net/RejectCertificateHandler.h"
#include "Poco/Net/SSLManager.h"
#include "Poco/NumberParser.h"
#include "Poco/String.h"
#include "Poco/Timestamp.h"
#include <algorithm>
#include <chrono>


namespace NashUpstream {


namespace {


std::once_flag sslOnce;


void initializeSsl()
{
	std::call_once(sslOnce, [] {
		Poco::Net::initializeSSL();
		// Without a handler of our own, Poco would ask on the console whether to
		// accept a certificate that does not verify: refuse it instead.
		Poco::Net::SSLManager::InvalidCertificateHandlerPtr reject(new Poco::Net::RejectCertificateHandler(false));
		Poco::Net::Context::Ptr context(new Poco::Net::Context(Poco::Net::Context::TLS_CLIENT_USE, "", "", "", Poco::Net::Context::VERIFY_RELAXED, 9, true));
		Poco::Net::SSLManager::instance().initializeClient(nullptr, reject, context);
	});
}


Poco::Net::Context::Ptr makeContext(const UpstreamSettings& settings)
{
	initializeSsl();
	return new Poco::Net::Context(Poco::Net::Context::TLS_CLIENT_USE, "", "", settings.caFile,
		settings.verifyTls ? Poco::Net::Context::VERIFY_RELAXED : Poco::Net::Context::VERIFY_NONE, 9, true);
}


bool isStaleConnectionError(const Poco::Exception& exc)
	/// What a kept-alive connection the upstream closed meanwhile looks like.
{
	return dynamic_cast<const Poco::Net::NoMessageException*>(&exc) ||
		dynamic_cast<const Poco::Net::ConnectionResetException*>(&exc) ||
		dynamic_cast<const Poco::Net::ConnectionAbortedException*>(&exc) ||
		dynamic_cast<const Poco::Net::MessageException*>(&exc);
}


bool isConnectError(const Poco::Exception& exc)
{
	return dynamic_cast<const Poco::Net::ConnectionRefusedException*>(&exc) ||
		dynamic_cast<const Poco::Net::HostNotFoundException*>(&exc) ||
		dynamic_cast<const Poco::Net::NoAddressFoundException*>(&exc) ||
		dynamic_cast<const Poco::Net::NetException*>(&exc);
}


UpstreamObserver::Failure failureOf(const Poco::Exception& exc, bool sent)
	/// The kind of a failure of send() that is no timeout: without the
	/// request out there was no connection; with it, the connection broke
	/// before the head, or the head was no HTTP.
{
	if (!sent) return UpstreamObserver::Failure::Connect;
	if (dynamic_cast<const Poco::Net::MessageException*>(&exc)) return UpstreamObserver::Failure::Malformed;
	return UpstreamObserver::Failure::Cut;
}


class ConnectionCounter
	/// How many connections a session opened. Poco connects a session on its
	/// first request, but also silently reconnects a kept-alive one, when
	/// its keep-alive timeout passed or the first write on it failed; only
	/// the session itself knows whether the request went out on the
	/// connection it had.
{
public:
	virtual ~ConnectionCounter() = default;

	unsigned connections() const
	{
		return _connections;
	}

protected:
	unsigned _connections = 0;
};


template <class Session>
class CountingSession: public Session, public ConnectionCounter
	/// An HTTP(S) client session that counts its connections: every
	/// (re)connection of Poco's goes through the virtual connect().
{
public:
	using Session::Session;

protected:
	void connect(const Poco::Net::SocketAddress& address) override
	{
		Session::connect(address);
		++_connections;
	}
};


unsigned connectionsOf(const Poco::Net::HTTPClientSession& session)
{
	const auto* counter = dynamic_cast<const ConnectionCounter*>(&session);
	return counter ? counter->connections() : 0;
}


bool isQuiet(Poco::Net::HTTPClientSession& session)
	/// Whether an idle kept-alive connection is fit for the next request:
	/// connected, with nothing to read. Readable, the upstream closed it (its
	/// keep-alive timeout passed, or it cut the last answer short: Poco ends
	/// a chunked body at the connection's close as if it were whole) or sent
	/// what nobody asked for; a request on it would fail, and be retried.
{
	try
	{
		return session.connected() && !session.socket().poll(Poco::Timespan(0), Poco::Net::Socket::SELECT_READ | Poco::Net::Socket::SELECT_ERROR);
	}
	catch (Poco::Exception&)
	{
		return false;
	}
}


} // namespace


class SessionAborter
	/// Breaks off a session from a cancellation callback. The callback runs
	/// on the thread that cancels, and CancellationToken::removeCallback()
	/// does not wait for a callback already running, so the thread that owns
	/// the session could destroy it in the middle of abort(): the owner
	/// calls detach() first, which waits for an abort() in progress and makes
	/// later ones do nothing.
{
public:
	explicit SessionAborter(Poco::Net::HTTPClientSession* session):
		_session(session)
	{
	}

	void abort()
	{
		std::lock_guard<std::mutex> lock(_mutex);
		if (!_session) return;
		try
		{
			// Shut the connection down, but leave closing the descriptor to
			// the thread that owns the session: closed here, its number could
			// be reused by another connection while that thread still reads it.
			if (_session->connected()) _session->socket().shutdown();
		}
		catch (Poco::Exception&)
		{
		}
	}

	void detach()
	{
		std::lock_guard<std::mutex> lock(_mutex);
		_session = nullptr;
	}

private:
	std::mutex _mutex;
	Poco::Net::HTTPClientSession* _session;
};


UpstreamExchange::UpstreamExchange(UpstreamClient& client, std::unique_ptr<Poco::Net::HTTPClientSession> session, const Nash::CancellationToken& cancellation):
	_client(client),
	_session(std::move(session)),
	_cancellation(cancellation)
{
}


UpstreamExchange::~UpstreamExchange()
{
	const_cast<Nash::CancellationToken&>(_cancellation).removeCallback(_registration);
	if (_aborter) _aborter->detach();
	if (_ended && !_failed && _keepAlive && !_cancellation.isCancelled())
	{
		_client.release(std::move(_session));
	}
	else if (_session)
	{
		try
		{
			_session->abort();
		}
		catch (Poco::Exception&)
		{
		}
	}
}


int UpstreamExchange::status() const
{
	return _status;
}


const std::string& UpstreamExchange::reason() const
{
	return _reason;
}


const Poco::Net::NameValueCollection& UpstreamExchange::headers() const
{
	return _headers;
}


bool UpstreamExchange::isCancelled() const
{
	return _cancellation.isCancelled();
}


std::size_t UpstreamExchange::read(char* buffer, std::size_t size)
{
	if (_ended || _failed || !_body || size == 0) return 0;
	std::streambuf* source = _body->rdbuf();
	try
	{
		// sgetc() waits for the first byte only; then take what has arrived.
		if (source->sgetc() == std::char_traits<char>::eof())
		{
			// Poco ends a body of fixed length at the connection's close
			// without complaint: a body cut short would pass for a whole one
			// (and its connection for one to keep).
			if (_expectedLength >= 0 && _receivedLength < _expectedLength)
			{
				_failed = true;
				if (_cancellation.isCancelled()) throw Poco::IOException("the request was cancelled");
				throw Poco::IOException("the connection to the upstream broke after " + std::to_string(_receivedLength) + " of " + std::to_string(_expectedLength) + " bytes of the answer");
			}
			_ended = true;
			return 0;
		}
		std::streamsize available = std::max<std::streamsize>(1, source->in_avail());
		std::streamsize n = source->sgetn(buffer, std::min<std::streamsize>(available, static_cast<std::streamsize>(size)));
		_receivedLength += n;
		return static_cast<std::size_t>(n);
	}
	catch (Poco::TimeoutException&)
	{
		_failed = true;
		if (_cancellation.isCancelled()) throw Poco::IOException("the request was cancelled");
		throw Poco::TimeoutException("the upstream sent nothing for " + std::to_string(_client.settings().idleTimeout.totalMilliseconds()) + " ms");
	}
	catch (Poco::Exception& exc)
	{
		_failed = true;
		if (_cancellation.isCancelled()) throw Poco::IOException("the request was cancelled");
		throw Poco::IOException("the connection to the upstream broke: " + Redaction::text(exc.displayText()));
	}
}


std::string UpstreamExchange::readAll(std::size_t limit)
{
	std::string body;
	char buffer[16384];
	for (;;)
	{
		std::size_t n = read(buffer, sizeof(buffer));
		if (n == 0) break;
		if (body.size() + n > limit)
			throw Poco::DataFormatException("the upstream's answer is larger than " + std::to_string(limit) + " bytes");
		body.append(buffer, n);
	}
	return body;
}


UpstreamClient::UpstreamClient(UpstreamSettings settings):
	_settings(std::move(settings))
{
	_pathPrefix = _settings.baseUri.getPath();
	while (!_pathPrefix.empty() && _pathPrefix.back() == '/') _pathPrefix.pop_back();
	if (_settings.baseUri.getScheme() == "https")
	{
		initializeSsl();
		if (!_settings.verifyTls)
			Poco::Logger::get("nash.upstream").warning("TLS certificate verification is off for %s (tls_verify = false): anyone on the path can read and change the traffic", describe());
	}
}


UpstreamClient::~UpstreamClient() = default;


void UpstreamClient::setObserver(UpstreamObserver* observer)
{
	_observer.store(observer);
}


UpstreamObserver* UpstreamClient::observer() const
{
	return _observer.load();
}


const UpstreamSettings& UpstreamClient::settings() const
{
	return _settings;
}


std::string UpstreamClient::describe() const
{
	// Never the whole base URL: its user information or query may hold
	// credentials.
	const std::string& host = _settings.baseUri.getHost();
	std::string shownHost = host.find(':') == std::string::npos ? host : "[" + host + "]";
	return _settings.baseUri.getScheme() + "://" + shownHost + ":" + std::to_string(_settings.baseUri.getPort());
}


bool UpstreamClient::isRetryable(int status)
{
	return status == 429 || status == 500 || status == 502 || status == 503 || status == 504 || status == 529;
}


long UpstreamClient::retryAfterMilliseconds(const Poco::Net::NameValueCollection& headers)
{
	if (!headers.has("Retry-After")) return -1;
	std::string value = Poco::trim(headers.get("Retry-After"));
	double seconds = 0;
	if (Poco::NumberParser::tryParseFloat(value, seconds)) return seconds < 0 ? 0 : static_cast<long>(seconds * 1000);
	Poco::DateTime when;
	int zone = 0;
	if (Poco::DateTimeParser::tryParse(value, when, zone))
	{
		Poco::Timestamp::TimeDiff diff = when.timestamp() - Poco::Timestamp();
		return diff < 0 ? 0 : static_cast<long>(diff / 1000);
	}
	return -1;
}


std::unique_ptr<Poco::Net::HTTPClientSession> UpstreamClient::connect()
{
	const Poco::URI& uri = _settings.baseUri;
	std::unique_ptr<Poco::Net::HTTPClientSession> session;
	if (uri.getScheme() == "https")
		session.reset(new CountingSession<Poco::Net::HTTPSClientSession>(uri.getHost(), uri.getPort(), makeContext(_settings)));
	else
		session.reset(new CountingSession<Poco::Net::HTTPClientSession>(uri.getHost(), uri.getPort()));
	session->setTimeout(_settings.connectTimeout, _settings.firstByteTimeout, _settings.firstByteTimeout);
	session->setKeepAlive(true);
	return session;
}


std::unique_ptr<Poco::Net::HTTPClientSession> UpstreamClient::acquire(bool& reused)
{
	for (;;)
	{
		std::unique_ptr<Poco::Net::HTTPClientSession> session;
		{
			std::lock_guard<std::mutex> lock(_mutex);
			if (_idle.empty()) break;
			session = std::move(_idle.back());
			_idle.pop_back();
		}
		if (isQuiet(*session))
		{
			reused = true;
			return session;
		}
		// Closed here, outside the lock; on to the next.
	}
	reused = false;
	return connect();
}


void UpstreamClient::release(std::unique_ptr<Poco::Net::HTTPClientSession> session)
{
	std::lock_guard<std::mutex> lock(_mutex);
	if (_idle.size() < _settings.maxIdleConnections && session->connected()) _idle.push_back(std::move(session));
}


std::unique_ptr<UpstreamExchange> UpstreamClient::send(const std::string& method, const std::string& path, const std::string& body,
	const std::string& contentType, const HeaderList& headers, const Nash::CancellationToken& cancellation)
{
	auto& token = const_cast<Nash::CancellationToken&>(cancellation);
	// Taken once, so that every attempt of the call is counted by the same one.
	UpstreamObserver* observer = _observer.load();
	auto failed = [observer](UpstreamObserver::Failure kind) {
		if (observer) observer->upstreamFailure(kind);
	};
	auto retrying = [observer] {
		if (observer) observer->upstreamRetry();
	};
	int attempt = 0;
	for (;;)
	{
		if (token.isCancelled()) throw Poco::IOException("the request was cancelled");
		bool reused = false;
		std::unique_ptr<Poco::Net::HTTPClientSession> session;
		try
		{
			session = acquire(reused);
		}
		catch (Poco::Exception&)
		{
			// No TLS context (an unreadable ca_file, say): no connection either.
			failed(UpstreamObserver::Failure::Connect);
			throw;
		}
		auto aborter = std::make_shared<SessionAborter>(session.get());
		auto registration = token.onCancel([aborter] { aborter->abort(); });
		auto unregister = [&token, registration, aborter] {
			token.removeCallback(registration);
			aborter->detach();
		};

		Poco::Net::HTTPRequest request(method, _pathPrefix + path, Poco::Net::HTTPMessage::HTTP_1_1);
		request.setKeepAlive(true);
		for (const auto& header: _settings.headers) request.set(header.first, header.second);
		for (const auto& header: headers) request.set(header.first, header.second);
		if (!body.empty() || method == "POST")
		{
			if (!contentType.empty()) request.setContentType(contentType);
			request.setContentLength(static_cast<std::streamsize>(body.size()));
		}

		Poco::Net::HTTPResponse response;
		std::istream* responseBody = nullptr;
		bool sent = false;
		try
		{
			if (reused && session->connected()) session->socket().setReceiveTimeout(_settings.firstByteTimeout);
			unsigned connections = connectionsOf(*session);
			std::ostream& requestBody = session->sendRequest(request);
			// The connection is up and the head went out: the time to the
			// first byte starts now, without the connect and TLS handshake.
			sent = true;
			auto sentAt = std::chrono::steady_clock::now();
			if (observer)
			{
				observer->upstreamRequest();
				observer->upstreamConnection(connectionsOf(*session) == connections);
			}
			requestBody << body;
			// sendRequest() reconnects a session that was aborted before it
			// had a connection (or after it had one): such a cancellation
			// would be lost while the upstream thinks.
			if (token.isCancelled()) throw Poco::IOException("the request was cancelled");
			responseBody = &session->receiveResponse(response);
			if (observer) observer->upstreamFirstByte(std::chrono::duration<double>(std::chrono::steady_clock::now() - sentAt).count());
		}
		catch (Poco::Exception& exc)
		{
			unregister();
			if (token.isCancelled()) throw Poco::IOException("the request was cancelled");
			if (reused && isStaleConnectionError(exc))
			{
				retrying();
				continue;
			}
			if (dynamic_cast<Poco::TimeoutException*>(&exc))
			{
				failed(UpstreamObserver::Failure::Timeout);
				throw Poco::TimeoutException("no answer from " + describe() + " within " + std::to_string(_settings.firstByteTimeout.totalMilliseconds()) + " ms");
			}
			if (attempt < _settings.maxRetries && isConnectError(exc))
			{
				long delay = static_cast<long>(_settings.retryBaseDelay.totalMilliseconds()) << attempt;
				++attempt;
				if (token.waitFor(std::chrono::milliseconds(delay))) throw Poco::IOException("the request was cancelled");
				retrying();
				continue;
			}
			failed(failureOf(exc, sent));
			throw Poco::Net::NetException("cannot reach " + describe() + ": " + Redaction::text(exc.displayText()));
		}

		int status = static_cast<int>(response.getStatus());
		if (isRetryable(status) && attempt < _settings.maxRetries)
		{
			long delay = retryAfterMilliseconds(response);
			if (delay < 0) delay = static_cast<long>(_settings.retryBaseDelay.totalMilliseconds()) << attempt;
			if (delay <= _settings.maxRetryDelay.totalMilliseconds())
			{
				unregister();
				session->abort();
				++attempt;
				if (token.waitFor(std::chrono::milliseconds(delay))) throw Poco::IOException("the request was cancelled");
				retrying();
				continue;
			}
		}

		std::unique_ptr<UpstreamExchange> exchange(new UpstreamExchange(*this, std::move(session), cancellation));
		exchange->_registration = registration;
		exchange->_aborter = aborter;
		exchange->_status = status;
		exchange->_reason = response.getReason();
		for (const auto& header: response) exchange->_headers.add(header.first, header.second);
		exchange->_keepAlive = response.getKeepAlive();
		exchange->_body = responseBody;
		// Where Poco reads a body of fixed length (see receiveResponse()),
		// read() checks that all of it came.
		bool bodyless = method == "HEAD" || status < 200 || status == 204 || status == 304;
		if (!bodyless && !response.getChunkedTransferEncoding() && response.hasContentLength())
			exchange->_expectedLength = response.getContentLength64();
		try
		{
			exchange->_session->socket().setReceiveTimeout(_settings.idleTimeout);
		}
		catch (Poco::Exception&)
		{
		}
		return exchange;
	}
}


} // namespace NashUpstream
