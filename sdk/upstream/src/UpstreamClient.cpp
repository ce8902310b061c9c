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
			_ended = true;
			return 0;
		}
		std::streamsize available = std::max<std::streamsize>(1, source->in_avail());
		std::streamsize n = source->sgetn(buffer, std::min<std::streamsize>(available, static_cast<std::streamsize>(size)));
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
		session.reset(new Poco::Net::HTTPSClientSession(uri.getHost(), uri.getPort(), makeContext(_settings)));
	else
		session.reset(new Poco::Net::HTTPClientSession(uri.getHost(), uri.getPort()));
	session->setTimeout(_settings.connectTimeout, _settings.firstByteTimeout, _settings.firstByteTimeout);
	session->setKeepAlive(true);
	return session;
}


std::unique_ptr<Poco::Net::HTTPClientSession> UpstreamClient::acquire(bool& reused)
{
	{
		std::lock_guard<std::mutex> lock(_mutex);
		if (!_idle.empty())
		{
			std::unique_ptr<Poco::Net::HTTPClientSession> session = std::move(_idle.back());
			_idle.pop_back();
			reused = true;
			return session;
		}
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
	int attempt = 0;
	for (;;)
	{
		if (token.isCancelled()) throw Poco::IOException("the request was cancelled");
		bool reused = false;
		std::unique_ptr<Poco::Net::HTTPClientSession> session = acquire(reused);
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
		try
		{
			if (reused && session->connected()) session->socket().setReceiveTimeout(_settings.firstByteTimeout);
			session->sendRequest(request) << body;
			// sendRequest() reconnects a session that was aborted before it
			// had a connection (or after it had one): such a cancellation
			// would be lost while the upstream thinks.
			if (token.isCancelled()) throw Poco::IOException("the request was cancelled");
			responseBody = &session->receiveResponse(response);
		}
		catch (Poco::Exception& exc)
		{
			unregister();
			if (token.isCancelled()) throw Poco::IOException("the request was cancelled");
			if (reused && isStaleConnectionError(exc)) continue;
			if (dynamic_cast<Poco::TimeoutException*>(&exc))
				throw Poco::TimeoutException("no answer from " + describe() + " within " + std::to_string(_settings.firstByteTimeout.totalMilliseconds()) + " ms");
			if (attempt < _settings.maxRetries && isConnectError(exc))
			{
				long delay = static_cast<long>(_settings.retryBaseDelay.totalMilliseconds()) << attempt;
				++attempt;
				if (token.waitFor(std::chrono::milliseconds(delay))) throw Poco::IOException("the request was cancelled");
				continue;
			}
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
