//
// LoopExchange.cpp
//


#include "core/loop/LoopExchange.h"
#include "core/loop/IdleConnectionPool.h"
#include "core/loop/SocketIo.h"
#include "NashUpstream/Redaction.h"
#include "NashUpstream/UpstreamClient.h"
#include "NashUpstream/UpstreamError.h"
#include "NashUpstream/UpstreamHeadObserver.h"
#include "Nash/BackendException.h"
#include "Poco/Error.h"
#include "Poco/Exception.h"
#include "Poco/Net/DNS.h"
#include "Poco/Net/HTTPRequest.h"
#include "Poco/Net/IPAddress.h"
#include "Poco/Net/NetException.h"
#include "Poco/Net/SocketImpl.h"
#include <sstream>
#include <sys/types.h>
#include <thread>
#if defined(POCO_OS_FAMILY_UNIX)
#include <sys/socket.h>
#endif


namespace Nash {


using NashUpstream::UpstreamObserver;
using Failure = UpstreamObserver::Failure;


constexpr std::size_t LoopExchange::MAX_ERROR_BODY_BYTES;


namespace {


LoopExchange::Clock::duration durationOf(const Poco::Timespan& span)
{
	return std::chrono::microseconds(span.totalMicroseconds());
}


long millisecondsOf(LoopExchange::Clock::duration duration)
{
	return static_cast<long>(std::chrono::duration_cast<std::chrono::milliseconds>(duration).count());
}


Failure failureOf(Nash::BackendException::Cause cause)
	/// As ProviderExchange counts what the translator finds wrong.
{
	switch (cause)
	{
	case Nash::BackendException::Cause::ErrorReported:
		return Failure::Status;
	case Nash::BackendException::Cause::Incomplete:
		return Failure::Cut;
	case Nash::BackendException::Cause::Malformed:
	case Nash::BackendException::Cause::Unspecified:
		break;
	}
	return Failure::Malformed;
}


} // namespace


template <typename Work>
void LoopExchange::translating(Work&& work)
	/// Runs what the translator does with the answer; what it finds wrong
	/// is the call's failure, counted by its cause (as ProviderExchange).
{
	try
	{
		work();
	}
	catch (Nash::BackendException& exc)
	{
		fail(failureOf(exc.cause()), exc.message(), exc.code());
	}
	catch (Poco::DataFormatException& exc)
	{
		fail(Failure::Malformed, _provider.providerName() + " sent an unusable stream: " + exc.message());
	}
	catch (Poco::Exception& exc)
	{
		failUncounted(exc.displayText());
	}
	catch (std::exception& exc)
	{
		failUncounted(exc.what());
	}
}


std::shared_ptr<LoopExchange> LoopExchange::create(LoopThread& loop, const Nash::ProviderBackend& provider,
	std::shared_ptr<const NashUpstream::UpstreamSettings> settings, Nash::ChatEventSink& sink,
	Completion completion, NashUpstream::UpstreamObserver* observer)
{
	return std::shared_ptr<LoopExchange>(new LoopExchange(loop, provider, std::move(settings), sink, std::move(completion), observer));
}


LoopExchange::LoopExchange(LoopThread& loop, const Nash::ProviderBackend& provider,
	std::shared_ptr<const NashUpstream::UpstreamSettings> settings, Nash::ChatEventSink& sink,
	Completion completion, NashUpstream::UpstreamObserver* observer):
	_loop(loop),
	_provider(provider),
	_settings(std::move(settings)),
	_sink(sink),
	_completion(std::move(completion)),
	_observer(observer)
{
	poco_check_ptr(_settings.get());
	_connectTimeout = durationOf(_settings->connectTimeout);
	_firstByteTimeout = durationOf(_settings->firstByteTimeout);
	_idleTimeout = durationOf(_settings->idleTimeout);
	_maxRetries = _settings->maxRetries;
}


LoopExchange::~LoopExchange()
{
	if (_timer.isSet()) _loop.cancelTimer(_timer);
	closeConnection();
}


bool LoopExchange::supports(const NashUpstream::UpstreamSettings& settings)
{
	return settings.baseUri.getScheme() == "http" && !settings.baseUri.getHost().empty();
}


Poco::Net::SocketAddress LoopExchange::resolve(const NashUpstream::UpstreamSettings& settings)
{
	const Poco::URI& uri = settings.baseUri;
	Poco::Net::IPAddress literal;
	if (Poco::Net::IPAddress::tryParse(uri.getHost(), literal)) return Poco::Net::SocketAddress(literal, uri.getPort());
	return Poco::Net::SocketAddress(uri.getHost(), uri.getPort());
}


void LoopExchange::setAddress(const Poco::Net::SocketAddress& address)
{
	_address = address;
	_hasAddress = true;
}


bool LoopExchange::isPaused() const
{
	return _paused;
}


bool LoopExchange::isDone() const
{
	return _state == State::Done;
}


int LoopExchange::attempts() const
{
	return _attempts;
}


std::string LoopExchange::describe() const
{
	// Never the whole base URL: its user information or query may hold
	// credentials (as UpstreamClient::describe()).
	const Poco::URI& uri = _settings->baseUri;
	const std::string& host = uri.getHost();
	std::string shownHost = host.find(':') == std::string::npos ? host : "[" + host + "]";
	return uri.getScheme() + "://" + shownHost + ":" + std::to_string(uri.getPort());
}


bool LoopExchange::reading() const
{
	return _state == State::WaitingHead || _state == State::Body || _state == State::ErrorBody;
}


void LoopExchange::start(const Nash::ChatRequest& request)
{
	if (_state != State::Idle) return;
	auto self = shared_from_this();
	Nash::UpstreamRequest upstream;
	try
	{
		upstream = _provider.chatRequest(request, true);
		_decoder = _provider.streamDecoder(request, _settings->maxLineBytes);
		if (!_decoder) throw Poco::IllegalStateException("the provider has no stream decoder");
	}
	catch (Poco::Exception& exc)
	{
		// A request the provider's API cannot express is no failed exchange.
		failUncounted(exc.message(), exc.code());
		return;
	}
	catch (std::exception& exc)
	{
		failUncounted(exc.what());
		return;
	}
	if (upstream.timeoutMilliseconds > 0)
	{
		auto timeout = std::chrono::milliseconds(upstream.timeoutMilliseconds);
		_connectTimeout = timeout;
		_firstByteTimeout = timeout;
		_idleTimeout = timeout;
		_maxRetries = 0;
	}
	buildRequest(upstream);
	if (!_hasAddress)
	{
		const Poco::URI& uri = _settings->baseUri;
		Poco::Net::IPAddress literal;
		if (Poco::Net::IPAddress::tryParse(uri.getHost(), literal))
		{
			setAddress(Poco::Net::SocketAddress(literal, uri.getPort()));
		}
		else
		{
			resolveAndStart();
			return;
		}
	}
	attempt();
}


void LoopExchange::buildRequest(const Nash::UpstreamRequest& upstream)
{
	const Poco::URI& uri = _settings->baseUri;
	std::string prefix = uri.getPath();
	while (!prefix.empty() && prefix.back() == '/') prefix.pop_back();
	Poco::Net::HTTPRequest request(upstream.method, prefix + upstream.path, Poco::Net::HTTPMessage::HTTP_1_1);
	request.setHost(uri.getHost(), uri.getPort());
	request.setKeepAlive(true);
	// The configured headers, then the translator's: a later one of the
	// same name replaces an earlier one.
	for (const auto& header: _settings->headers) request.set(header.first, header.second);
	for (const auto& header: upstream.headers) request.set(header.first, header.second);
	if (!upstream.body.empty() || upstream.method == "POST")
	{
		request.setContentType("application/json");
		request.setContentLength(static_cast<std::streamsize>(upstream.body.size()));
	}
	std::ostringstream head;
	request.write(head);
	_request = head.str();
	_request += upstream.body;
}


void LoopExchange::resolveAndStart()
{
	_state = State::Resolving;
	// getaddrinfo() blocks: on a thread of its own, never the loop's. The
	// thread holds the exchange until its answer is posted.
	auto self = shared_from_this();
	std::thread([self] {
		bool ok = false;
		Poco::Net::SocketAddress address;
		std::string problem;
		try
		{
			address = resolve(*self->_settings);
			ok = true;
		}
		catch (Poco::Exception& exc)
		{
			problem = exc.displayText();
		}
		LoopThread& loop = self->_loop;
		loop.post([self, ok, address, problem] { self->resolved(ok, address, problem); });
	}).detach();
}


void LoopExchange::resolved(bool ok, const Poco::Net::SocketAddress& address, const std::string& problem)
{
	if (_state != State::Resolving) return;
	if (!ok)
	{
		fail(Failure::Connect, _provider.providerName() + " request failed: cannot reach " + describe() + ": " + NashUpstream::Redaction::text(problem));
		return;
	}
	setAddress(address);
	attempt();
}


void LoopExchange::attempt()
{
	_parser.reset(new ResponseParser());
	_errorBody.clear();
	_errorBodyTooLong = false;
	_written = 0;
	_sent = false;
	_connected = false;
	_reused = _loop.idleConnections().take(_address.toString(), _socket);
	if (_reused)
	{
		_connected = true;
		_state = State::Writing;
		armTimer(_firstByteTimeout);
		watchEvents();
		writeSome();
		return;
	}
	_state = State::Connecting;
	try
	{
		_socket = Poco::Net::StreamSocket();
		_socket.connectNB(_address);
	}
	catch (Poco::Exception& exc)
	{
		beforeHeadFailed(Failure::Connect, exc.displayText(), false);
		return;
	}
	armTimer(_connectTimeout);
	watchEvents();
}


void LoopExchange::watchEvents()
{
	int events = 0;
	switch (_state)
	{
	case State::Connecting:
	case State::Writing:
		events = LoopThread::SOCKET_WRITABLE;
		break;
	case State::WaitingHead:
	case State::Body:
	case State::ErrorBody:
		events = _paused ? 0 : LoopThread::SOCKET_READABLE;
		break;
	default:
		return;
	}
	if (_watched)
	{
		_loop.setEvents(_socket, events);
	}
	else
	{
		// Raw this: the destructor unwatches, and onSocket() holds the
		// exchange while it runs.
		_loop.watch(_socket, events, [this](int ready) { onSocket(ready); });
		_watched = true;
	}
}


void LoopExchange::onSocket(int events)
{
	auto self = shared_from_this();
	switch (_state)
	{
	case State::Connecting:
		connected();
		break;
	case State::Writing:
		writeSome();
		break;
	case State::WaitingHead:
	case State::Body:
	case State::ErrorBody:
		if (events & (LoopThread::SOCKET_READABLE | LoopThread::SOCKET_ERROR)) readSome();
		break;
	default:
		break;
	}
}


void LoopExchange::connected()
{
	int error = 0;
	try
	{
		error = _socket.impl()->socketError();
	}
	catch (Poco::Exception&)
	{
		error = -1;
	}
	if (error != 0)
	{
		beforeHeadFailed(Failure::Connect, error > 0 ? Poco::Error::getMessage(error) : std::string("the connection failed"), false);
		return;
	}
	_connected = true;
	_state = State::Writing;
	_loop.cancelTimer(_timer);
	// The request must go out within the first-byte timeout, as a blocking
	// write would have to.
	armTimer(_firstByteTimeout);
	writeSome();
}


void LoopExchange::writeSome()
{
	while (_written < _request.size())
	{
		std::size_t n = 0;
		try
		{
			n = SocketIo::sendSome(_socket, _request.data() + _written, _request.size() - _written);
		}
		catch (Poco::Exception& exc)
		{
			// A pooled connection the upstream closed fails here, or reads
			// its close first: either way it is retried at once.
			beforeHeadFailed(_sent ? Failure::Cut : Failure::Connect, exc.displayText(), _reused);
			return;
		}
		if (n == 0) return; // The socket's buffer is full: when writable again.
		_written += n;
		if (!_sent && n > 0)
		{
			_sent = true;
			++_attempts;
			if (_observer)
			{
				_observer->upstreamRequest();
				_observer->upstreamConnection(_reused);
			}
		}
	}
	// Sent: the time to the first byte starts now (the upstream's time).
	_sentAt = Clock::now();
	_lastActivity = _sentAt;
	_state = State::WaitingHead;
	_loop.cancelTimer(_timer);
	armReadTimer();
	watchEvents();
}


void LoopExchange::readSome()
{
	// One read a turn: every stream of the thread gets its turn, and a
	// pause() from the sink takes effect before the next one.
	char* buffer = _loop.buffer();
	int n = 0;
	try
	{
		n = _socket.receiveBytes(buffer, static_cast<int>(_loop.bufferSize()));
	}
	catch (Poco::Exception& exc)
	{
		if (_state == State::WaitingHead)
			beforeHeadFailed(Failure::Cut, exc.displayText(), _reused && !_parser->started());
		else
			bodyBroke("the connection to the upstream broke: " + NashUpstream::Redaction::text(exc.displayText()));
		return;
	}
	if (n < 0) return; // Nothing after all.
	if (n == 0)
	{
		onEndOfInput();
		return;
	}
	_lastActivity = Clock::now();
	feed(buffer, static_cast<std::size_t>(n));
}


void LoopExchange::feed(const char* data, std::size_t length)
{
	std::size_t position = 0;
	while (reading())
	{
		State before = _state;
		std::size_t used = 0;
		try
		{
			used = _parser->parse(data + position, length - position);
		}
		catch (Nash::BackendException& exc)
		{
			fail(failureOf(exc.cause()), exc.message(), exc.code());
			return;
		}
		catch (Poco::DataFormatException& exc)
		{
			fail(Failure::Malformed, _provider.providerName() + " sent an unusable stream: " + exc.message());
			return;
		}
		catch (Poco::Exception& exc)
		{
			// The sink's, not the upstream's.
			failUncounted(exc.displayText());
			return;
		}
		catch (std::exception& exc)
		{
			failUncounted(exc.what());
			return;
		}
		position += used;
		if (!reading()) return; // Completed or cancelled from the sink.
		ResponseParser::Phase phase = _parser->phase();
		if (phase == ResponseParser::Phase::Failed)
		{
			if (before == State::WaitingHead)
				beforeHeadFailed(Failure::Malformed, _parser->failureReason(), false);
			else
				bodyBroke(_parser->failureReason());
			return;
		}
		if (before == State::WaitingHead && phase != ResponseParser::Phase::Head)
		{
			onHead();
			if (!reading()) return;
		}
		if (_parser->phase() == ResponseParser::Phase::Complete)
		{
			onAnswerComplete(position == length);
			return;
		}
		if (position >= length) return;
	}
}


void LoopExchange::onHead()
{
	_loop.cancelTimer(_timer);
	if (_observer) _observer->upstreamFirstByte(std::chrono::duration<double>(Clock::now() - _sentAt).count());
	int status = _parser->status();
	if (NashUpstream::UpstreamClient::isRetryable(status) && _retries < _maxRetries)
	{
		long delay = NashUpstream::UpstreamClient::retryAfterMilliseconds(_parser->headers());
		if (delay < 0) delay = static_cast<long>(_settings->retryBaseDelay.totalMilliseconds()) << _retries;
		if (delay <= _settings->maxRetryDelay.totalMilliseconds())
		{
			closeConnection();
			++_retries;
			backOff(delay);
			return;
		}
	}
	// An answer is taken: no more retries, the request's bytes can go.
	std::string().swap(_request);
	if (status / 100 == 2)
	{
		_state = State::Body;
		if (auto* headObserver = dynamic_cast<NashUpstream::UpstreamHeadObserver*>(&_sink))
		{
			try
			{
				headObserver->upstreamHead(status, _parser->headers());
			}
			catch (Poco::Exception& exc)
			{
				failUncounted(exc.displayText());
				return;
			}
		}
	}
	else
	{
		_state = State::ErrorBody;
	}
	_parser->setBodyCallback([this](const char* data, std::size_t length) { onBodyBytes(data, length); });
	armReadTimer();
}


void LoopExchange::onBodyBytes(const char* data, std::size_t length)
{
	if (_state == State::Body)
	{
		_decoder->feed(data, length, _sink);
		// Cancelled (or failed) from the sink: read nothing more.
		if (_state != State::Body) _parser->halt();
	}
	else if (_state == State::ErrorBody)
	{
		if (_errorBody.size() + length > MAX_ERROR_BODY_BYTES)
		{
			// Larger than any error message: the status says enough.
			_errorBodyTooLong = true;
			_errorBody.clear();
			_parser->halt();
			return;
		}
		_errorBody.append(data, length);
	}
	else
	{
		_parser->halt();
	}
}


void LoopExchange::onAnswerComplete(bool reusable)
{
	if (reusable && _parser->keepAlive())
		releaseConnection();
	else
		closeConnection();
	if (_state == State::ErrorBody)
	{
		fail(Failure::Status, NashUpstream::UpstreamError::describeStatus(_provider.providerName(), _parser->status(), _parser->reason(), _errorBody), _parser->status());
		return;
	}
	_loop.cancelTimer(_timer);
	translating([this] { _decoder->end(_sink); });
	if (_state != State::Body) return;
	Outcome outcome;
	outcome.result = Result::Complete;
	finish(outcome);
}


void LoopExchange::onEndOfInput()
{
	_parser->finish();
	if (_parser->phase() == ResponseParser::Phase::Complete)
	{
		if (_state == State::WaitingHead) onHead();
		if (reading()) onAnswerComplete(false);
		return;
	}
	if (_state == State::WaitingHead)
	{
		// A pooled connection closed by the upstream just before the request
		// came is retried at once; a new one with back-off.
		beforeHeadFailed(_parser->started() ? Failure::Malformed : Failure::Cut, _parser->failureReason(), _reused && !_parser->started());
		return;
	}
	if (_state == State::ErrorBody && !_errorBodyTooLong)
	{
		// The status says enough when the body is not whole.
		_errorBody.clear();
		onAnswerComplete(false);
		return;
	}
	if (_state == State::Body)
	{
		// The upstream closed inside the body's framing: as for the blocking
		// exchange, the decoder says whether the answer was whole (its end
		// event came) or cut (Incomplete).
		onAnswerComplete(false);
		return;
	}
	bodyBroke(_parser->failureReason());
}


void LoopExchange::bodyBroke(const std::string& detail)
{
	closeConnection();
	if (_state == State::ErrorBody)
	{
		_errorBody.clear();
		fail(Failure::Status, NashUpstream::UpstreamError::describeStatus(_provider.providerName(), _parser->status(), _parser->reason(), _errorBody), _parser->status());
		return;
	}
	fail(Failure::Cut, _provider.providerName() + " stream broke off: " + detail);
}


void LoopExchange::beforeHeadFailed(Failure kind, const std::string& detail, bool stale)
{
	closeConnection();
	if (stale)
	{
		// Not counted against max_retries, as UpstreamClient does it: the
		// pool is finite, and a new connection comes after it.
		if (_observer) _observer->upstreamRetry();
		attempt();
		return;
	}
	if (_retries < _maxRetries)
	{
		long delay = static_cast<long>(_settings->retryBaseDelay.totalMilliseconds()) << _retries;
		++_retries;
		backOff(delay);
		return;
	}
	fail(kind, _provider.providerName() + " request failed: cannot reach " + describe() + ": " + NashUpstream::Redaction::text(detail));
}


void LoopExchange::backOff(long milliseconds)
{
	_state = State::BackingOff;
	_loop.cancelTimer(_timer);
	armTimer(std::chrono::milliseconds(milliseconds));
}


void LoopExchange::armTimer(Clock::duration delay)
{
	_loop.cancelTimer(_timer);
	// Raw this: the destructor cancels the timer.
	_timer = _loop.addTimer(delay, [this] {
		_timer = LoopThread::Timer();
		auto self = shared_from_this();
		onTimer();
	});
}


void LoopExchange::armReadTimer()
{
	// One timer for the whole read: each read only moves _lastActivity, and
	// the timer, when it fires, sets itself again for the time left.
	Clock::duration timeout = _state == State::WaitingHead ? _firstByteTimeout : _idleTimeout;
	armTimer(_lastActivity + timeout - Clock::now());
}


void LoopExchange::onTimer()
{
	switch (_state)
	{
	case State::Connecting:
		closeConnection();
		fail(Failure::Timeout, _provider.providerName() + " request failed: no connection to " + describe() + " within " + std::to_string(millisecondsOf(_connectTimeout)) + " ms");
		break;
	case State::Writing:
		closeConnection();
		fail(Failure::Timeout, _provider.providerName() + " request failed: " + describe() + " took no request within " + std::to_string(millisecondsOf(_firstByteTimeout)) + " ms");
		break;
	case State::WaitingHead:
	case State::Body:
	case State::ErrorBody:
		{
			Clock::time_point now = Clock::now();
			// Paused, the upstream is not silent: this side does not read.
			if (_paused) _lastActivity = now;
			Clock::duration timeout = _state == State::WaitingHead ? _firstByteTimeout : _idleTimeout;
			if (now - _lastActivity < timeout)
			{
				armReadTimer();
				break;
			}
			closeConnection();
			if (_state == State::WaitingHead)
				fail(Failure::Timeout, _provider.providerName() + " request failed: no answer from " + describe() + " within " + std::to_string(millisecondsOf(_firstByteTimeout)) + " ms");
			else if (_state == State::ErrorBody)
			{
				_errorBody.clear();
				fail(Failure::Status, NashUpstream::UpstreamError::describeStatus(_provider.providerName(), _parser->status(), _parser->reason(), _errorBody), _parser->status());
			}
			else
				fail(Failure::Timeout, _provider.providerName() + " stream broke off: the upstream sent nothing for " + std::to_string(millisecondsOf(_idleTimeout)) + " ms");
		}
		break;
	case State::BackingOff:
		if (_observer) _observer->upstreamRetry();
		attempt();
		break;
	default:
		break;
	}
}


void LoopExchange::releaseConnection()
{
	if (!_connected) return;
	if (_watched) _loop.unwatch(_socket);
	_watched = false;
	_loop.idleConnections().put(_address.toString(), _socket, _settings->maxIdleConnections);
	_socket = Poco::Net::StreamSocket();
	_connected = false;
}


void LoopExchange::closeConnection()
{
	// Only what was watched is unwatched: the destructor may run on a
	// resolver thread, which must not touch the loop's maps.
	if (_watched) _loop.unwatch(_socket);
	_watched = false;
	if (!_socket.impl()->initialized()) return;
	try
	{
		_socket.close();
	}
	catch (Poco::Exception&)
	{
	}
	_socket = Poco::Net::StreamSocket();
	_connected = false;
}


void LoopExchange::pause()
{
	if (_paused) return;
	_paused = true;
	if (reading()) watchEvents();
}


void LoopExchange::resume()
{
	if (!_paused) return;
	_paused = false;
	_lastActivity = Clock::now();
	if (reading()) watchEvents();
}


void LoopExchange::cancel()
{
	if (_state == State::Done || _state == State::Idle) return;
	auto self = shared_from_this();
	closeConnection();
	Outcome outcome;
	outcome.result = Result::Cancelled;
	finish(outcome);
}


void LoopExchange::fail(Failure kind, const std::string& message, int status)
{
	if (_state == State::Done) return;
	if (_observer) _observer->upstreamFailure(kind);
	Outcome outcome;
	outcome.result = Result::Failed;
	outcome.message = NashUpstream::UpstreamError::redact(message, _provider.secrets());
	outcome.status = status;
	outcome.upstreamFailure = true;
	outcome.failure = kind;
	finish(outcome);
}


void LoopExchange::failUncounted(const std::string& message, int status)
{
	if (_state == State::Done) return;
	Outcome outcome;
	outcome.result = Result::Failed;
	outcome.message = NashUpstream::UpstreamError::redact(message, _provider.secrets());
	outcome.status = status;
	finish(outcome);
}


void LoopExchange::finish(Outcome outcome)
{
	_state = State::Done;
	_loop.cancelTimer(_timer);
	closeConnection();
	std::string().swap(_request);
	std::string().swap(_errorBody);
	Completion completion = std::move(_completion);
	_completion = nullptr;
	if (completion) completion(outcome);
}


} // namespace Nash
