//
// HttpConnection.cpp
//


#include "core/http/HttpConnection.h"
#include "core/http/AccessLog.h"
#include "core/http/ErrorResponder.h"
#include "core/http/HttpError.h"
#include "core/http/HttpServer.h"
#include "core/http/LogText.h"
#include "core/http/MemoryRelease.h"
#include "core/http/ServerRequest.h"
#include "core/http/ServerResponse.h"
#include "Poco/Logger.h"
#include "Poco/Net/HTTPRequestHandler.h"
#include "Poco/Net/NetException.h"
#include "Poco/String.h"
#include "Poco/Timespan.h"
#include "Poco/Timestamp.h"
#include <algorithm>
#include <memory>


namespace Nash {


namespace {


const std::size_t readChunk = 16 * 1024;


Poco::Timespan timespanOf(HttpConnection::Clock::duration duration)
{
	auto micros = std::chrono::duration_cast<std::chrono::microseconds>(duration).count();
	return Poco::Timespan(std::max<Poco::Timespan::TimeDiff>(micros, 0));
}


std::string pathOf(const std::string& target)
{
	auto query = target.find('?');
	return query == std::string::npos ? target : target.substr(0, query);
}


} // namespace


HttpConnection::HttpConnection(const Poco::Net::StreamSocket& socket, const std::string& clientKey, HttpServer& server):
	_server(server),
	_socket(socket),
	_clientKey(clientKey),
	_session(_socket, server.sharedParams()),
	_parser(server.settings().head)
{
	try
	{
		_clientAddress = _socket.peerAddress();
		_serverAddress = _socket.address();
	}
	catch (Poco::Exception&)
	{
		// Gone already: the first read says so.
	}
	_deadline = Clock::now() + std::chrono::seconds(headSeconds());
	_server.opened(this);
}


HttpConnection::~HttpConnection()
{
	_server.closed(this);
}


int HttpConnection::headSeconds() const
{
	// The head is part of the request: the whole-request limit bounds it too.
	return std::min(_server.settings().headTimeoutSeconds, _server.settings().requestTimeoutSeconds);
}


HttpConnection::Clock::time_point HttpConnection::deadline() const
{
	return _deadline;
}


Poco::Net::StreamSocket& HttpConnection::socket()
{
	return _socket;
}


const Poco::Net::SocketAddress& HttpConnection::clientAddress() const
{
	return _clientAddress;
}


const Poco::Net::SocketAddress& HttpConnection::serverAddress() const
{
	return _serverAddress;
}


const std::string& HttpConnection::clientKey() const
{
	return _clientKey;
}


void HttpConnection::compactInput()
{
	if (_inputPos == _input.size())
	{
		_input.clear();
		_inputPos = 0;
	}
	else if (_inputPos > readChunk)
	{
		_input.erase(0, _inputPos);
		_inputPos = 0;
	}
}


bool HttpConnection::parsePendingHead()
{
	while (_parser.phase() == RequestParser::Phase::Head && _inputPos < _input.size())
	{
		std::size_t used = _parser.parseHead(_input.data() + _inputPos, _input.size() - _inputPos);
		_inputPos += used;
		if (used == 0) break;
	}
	compactInput();
	return _parser.phase() != RequestParser::Phase::Head;
}


void HttpConnection::startRequest(Clock::time_point now)
{
	_requestStarted = now;
	_requestDeadline = now + std::chrono::seconds(_server.settings().requestTimeoutSeconds);
	if (_waiting == Waiting::Idle)
	{
		_waiting = Waiting::Head;
		_deadline = now + std::chrono::seconds(headSeconds());
	}
	else if (_waiting == Waiting::FirstHead)
	{
		_waiting = Waiting::Head;
	}
}


HttpConnection::Next HttpConnection::readHead(Clock::time_point now)
{
	char buffer[readChunk];
	// A few reads at most, so that one fast client cannot hold the poller.
	for (int reads = 0; reads < 4; ++reads)
	{
		int n = 0;
		try
		{
			n = _socket.receiveBytes(buffer, static_cast<int>(sizeof(buffer)));
		}
		catch (Poco::Exception&)
		{
			return Next::Close;
		}
		if (n < 0) return Next::Wait;
		// Closed before a whole head: nobody waits for an answer.
		if (n == 0) return Next::Close;
		if (!_parser.started() && _inputPos == _input.size()) startRequest(now);
		_input.append(buffer, static_cast<std::size_t>(n));
		if (parsePendingHead()) return Next::Serve;
	}
	return Next::Wait;
}


HttpConnection::Next HttpConnection::readSoon()
{
	// A kept-alive client usually sends its next request a moment after it
	// read the answer: read here, it is served without two hand-overs
	// between this worker and the poller. The wait is short, so that a
	// worker is never held long by a client that stays silent.
	try
	{
		if (!_socket.poll(Poco::Timespan(0, SOON_MICROSECONDS), Poco::Net::Socket::SELECT_READ)) return Next::Wait;
		char buffer[readChunk];
		int n = _socket.receiveBytes(buffer, static_cast<int>(sizeof(buffer)));
		if (n <= 0) return Next::Close;
		startRequest(Clock::now());
		_input.append(buffer, static_cast<std::size_t>(n));
		return Next::Serve;
	}
	catch (Poco::Exception&)
	{
		return Next::Close;
	}
}


HttpConnection::Next HttpConnection::expire(Clock::time_point)
{
	if (_waiting == Waiting::Head && _parser.started())
	{
		_headTimedOut = true;
		return Next::Serve;
	}
	return Next::Close;
}


void HttpConnection::waitAgain(Clock::time_point now)
{
	if (_parser.started() || _inputPos < _input.size())
	{
		// Part of the next head is here already: its deadline runs.
		_waiting = Waiting::Head;
		_deadline = _requestStarted + std::chrono::seconds(headSeconds());
	}
	else
	{
		_waiting = Waiting::Idle;
		_deadline = now + std::chrono::seconds(_server.settings().keepAliveTimeoutSeconds);
	}
}


HttpConnection::Next HttpConnection::serve()
{
	try
	{
		_socket.setBlocking(true);
		_socket.setSendTimeout(Poco::Timespan(_server.settings().readTimeoutSeconds, 0));
	}
	catch (Poco::Exception&)
	{
		return Next::Close;
	}
	for (;;)
	{
		if (_headTimedOut)
		{
			const HttpServer::Settings& settings = _server.settings();
			refuse(408, "The request head was not received within " + std::to_string(headSeconds()) +
				(settings.headTimeoutSeconds <= settings.requestTimeoutSeconds ? " s (server.head_timeout_seconds)" : " s (server.request_timeout_seconds)"));
			return Next::Linger;
		}
		if (_parser.phase() == RequestParser::Phase::Failed)
		{
			refuse(_parser.failureStatus(), _parser.failureReason());
			return Next::Linger;
		}
		if (_parser.phase() == RequestParser::Phase::Head)
		{
			if (parsePendingHead()) continue;
			if (_server.stopping()) return Next::Close;
			// Once a request, before any byte of it: a client that trickles
			// its head waits in the poller, not here.
			if (!_parser.started() && _inputPos == _input.size())
			{
				Next soon = readSoon();
				if (soon == Next::Serve) continue;
				if (soon == Next::Close) return Next::Close;
			}
			try
			{
				_socket.setBlocking(false);
			}
			catch (Poco::Exception&)
			{
				return Next::Close;
			}
			waitAgain(Clock::now());
			return Next::Wait;
		}
		Next next = Next::Close;
		if (!serveRequest(next)) return next;
		_parser.nextMessage();
		if (_inputPos < _input.size()) startRequest(Clock::now());
	}
}


bool HttpConnection::serveRequest(Next& next)
{
	const HttpServer::Settings& settings = _server.settings();
	const RequestHead& head = _parser.head();
	++_requests;
	bool answered = false;
	bool keepAlive = false;
	bool delimitedByClose = false;
	{
		ServerResponse response(_session, head);
		ServerRequest request(*this, head, response, _server.params());
		response.setDate(Poco::Timestamp());
		if (!settings.software.empty()) response.set("Server", settings.software);
		response.setKeepAlive(settings.keepAlive && head.keepAlive && _requests < settings.maxKeepAliveRequests && !_server.stopping());
		try
		{
			const std::string* expect = head.find("Expect");
			if (expect && Poco::icompare(*expect, "100-continue") != 0)
			{
				AccessLog::refused(head.method, pathOf(head.target), _clientKey, 417, "Expect: " + *expect);
				ErrorReply reply;
				reply.status = 417;
				reply.field = "detail";
				reply.message = "The only expectation this server meets is 100-continue";
				response.setKeepAlive(false);
				ErrorResponder::send(response, reply);
			}
			else
			{
				std::unique_ptr<Poco::Net::HTTPRequestHandler> handler(_server.router().createRequestHandler(request));
				handler->handleRequest(request, response);
			}
			if (response.detached() && _relay)
			{
				_keepAliveAfterRelay = response.getKeepAlive() && !request.bodyWithheld() && !response.delimitedByClose();
				next = Next::Detached;
				return false;
			}
			if (!response.sent())
			{
				ErrorReply reply;
				reply.status = 500;
				reply.message = "Internal server error: the request was not answered";
				response.setKeepAlive(false);
				ErrorResponder::send(response, reply);
			}
			response.finish();
			answered = true;
		}
		catch (Poco::Exception& exc)
		{
			// Handlers answer their own failures: this is the connection
			// failing (the client went away, or stopped reading).
			Poco::Logger::get("nash.http").debug("Connection from %s ended: %s", _clientKey, LogText::escape(exc.displayText()));
		}
		catch (std::exception& exc)
		{
			Poco::Logger::get("nash.http").error("Request from %s failed: %s", _clientKey, LogText::escape(exc.what()));
		}
		keepAlive = response.getKeepAlive() && !request.bodyWithheld();
		delimitedByClose = response.delimitedByClose();
	}
	if (!answered)
	{
		releaseBuffers();
		next = Next::Close;
		return false;
	}
	// The answer said the connection stays: the rest of the body (a GET's,
	// or one the handler refused unread) is read and dropped, never parsed
	// as a request; too much of it closes the connection instead.
	bool stays = !delimitedByClose && keepAlive && !_broken && finishBody(settings.drainLimitBytes);
	releaseBuffers();
	if (!stays)
	{
		next = Next::Linger;
		return false;
	}
	return true;
}


void HttpConnection::detach(Relay relay)
{
	_relay = std::move(relay);
}


void HttpConnection::startRelay()
{
	Relay relay;
	relay.swap(_relay);
	if (relay) relay(shared_from_this());
}


void HttpConnection::resumeAfterRelay(bool clean)
{
	Next next = Next::Close;
	try
	{
		// The body was read whole before the answer began; what follows
		// in the input is the next request (pipelined).
		if (clean && _keepAliveAfterRelay && !_broken && !_server.stopping() && bodyComplete())
		{
			releaseBuffers();
			_parser.nextMessage();
			Clock::time_point now = Clock::now();
			if (_inputPos < _input.size()) startRequest(now);
			if (parsePendingHead())
			{
				next = Next::Serve;
			}
			else
			{
				waitAgain(now);
				next = Next::Wait;
			}
		}
		else
		{
			releaseBuffers();
			next = clean ? Next::Linger : Next::Close;
		}
	}
	catch (Poco::Exception&)
	{
		next = Next::Close;
	}
	_server.resume(shared_from_this(), next);
}


void HttpConnection::releaseBuffers()
{
	// A large body leaves its capacity in the connection's buffers; given
	// back, the allocator can return it to the system.
	const std::size_t kept = 4 * readChunk;
	if (_bodyPos == _body.size() && _body.capacity() > kept)
	{
		std::string().swap(_body);
		_bodyPos = 0;
	}
	compactInput();
	if (_input.capacity() > kept)
	{
		std::string(_input.data() + _inputPos, _input.size() - _inputPos).swap(_input);
		_inputPos = 0;
	}
	MemoryRelease::afterRequest(static_cast<std::size_t>(_parser.bodyBytesRead()));
}


bool HttpConnection::finishBody(std::size_t limit)
{
	char scratch[readChunk];
	std::size_t dropped = 0;
	try
	{
		while (dropped <= limit)
		{
			std::size_t n = readBody(scratch, sizeof(scratch));
			if (n == 0) return true;
			dropped += n;
		}
	}
	catch (Poco::Exception&)
	{
	}
	return false;
}


bool HttpConnection::bodyComplete() const
{
	return _parser.phase() == RequestParser::Phase::Complete ||
		(_parser.phase() == RequestParser::Phase::Body && !_parser.head().hasBody());
}


std::size_t HttpConnection::readBody(char* buffer, std::size_t size)
{
	if (size == 0) return 0;
	for (;;)
	{
		if (_bodyPos < _body.size())
		{
			std::size_t n = std::min(size, _body.size() - _bodyPos);
			std::copy(_body.data() + _bodyPos, _body.data() + _bodyPos + n, buffer);
			_bodyPos += n;
			return n;
		}
		_body.clear();
		_bodyPos = 0;
		switch (_parser.phase())
		{
		case RequestParser::Phase::Complete:
		case RequestParser::Phase::Head:
			return 0;
		case RequestParser::Phase::Failed:
			_broken = true;
			throw HttpError(_parser.failureStatus(), _parser.failureReason());
		case RequestParser::Phase::Body:
			break;
		}
		std::size_t used = _parser.parseBody(_input.data() + _inputPos, _input.size() - _inputPos, _body, size);
		_inputPos += used;
		compactInput();
		if (_body.empty() && _parser.phase() == RequestParser::Phase::Body && _inputPos == _input.size()) receiveForBody();
	}
}


void HttpConnection::receiveForBody()
{
	const HttpServer::Settings& settings = _server.settings();
	Clock::time_point now = Clock::now();
	auto readLimit = now + std::chrono::seconds(settings.readTimeoutSeconds);
	bool readable = false;
	if (now < _requestDeadline)
	{
		try
		{
			readable = _socket.poll(timespanOf(std::min(_requestDeadline, readLimit) - now), Poco::Net::Socket::SELECT_READ);
		}
		catch (Poco::Exception&)
		{
			readable = true;
		}
	}
	if (!readable)
	{
		_broken = true;
		if (Clock::now() >= _requestDeadline)
			throw HttpError(408, "The request was not received in full within " + std::to_string(settings.requestTimeoutSeconds) +
				" s (server.request_timeout_seconds)");
		throw HttpError(408, "No byte of the request body arrived for " + std::to_string(settings.readTimeoutSeconds) +
			" s (server.read_timeout_seconds)");
	}
	char buffer[readChunk];
	int n = 0;
	try
	{
		n = _socket.receiveBytes(buffer, static_cast<int>(sizeof(buffer)));
	}
	catch (Poco::Exception&)
	{
		n = 0;
	}
	if (n <= 0)
	{
		_parser.endOfInput();
		return;
	}
	_input.append(buffer, static_cast<std::size_t>(n));
}


HttpConnection::Next HttpConnection::answerBusy()
{
	try
	{
		_socket.setBlocking(true);
		_socket.setSendTimeout(Poco::Timespan(1, 0));
	}
	catch (Poco::Exception&)
	{
		return Next::Close;
	}
	refuse(503, "The server is busy (every worker is serving and server.queue.max requests wait); try again shortly", true);
	return Next::Linger;
}


void HttpConnection::refuse(int status, const std::string& reason, bool retryLater)
{
	const RequestHead& head = _parser.head();
	AccessLog::refused(head.method.empty() ? std::string("-") : head.method, head.target.empty() ? std::string("-") : pathOf(head.target),
		_clientKey, status, reason);
	try
	{
		RequestHead plain;
		ServerResponse response(_session, plain);
		response.setDate(Poco::Timestamp());
		if (!_server.settings().software.empty()) response.set("Server", _server.settings().software);
		response.setKeepAlive(false);
		if (retryLater) response.set("Retry-After", "1");
		ErrorReply reply;
		reply.status = status;
		reply.field = status >= 500 ? "error" : "detail";
		reply.message = reason;
		ErrorResponder::send(response, reply);
		response.finish();
	}
	catch (Poco::Exception&)
	{
		// The client is gone: nothing to tell it.
	}
}


void HttpConnection::startLingering(Clock::time_point now)
{
	_waiting = Waiting::Linger;
	_deadline = now + std::chrono::seconds(_server.settings().lingerSeconds);
	_lingerBytes = 0;
	try
	{
		_socket.setBlocking(false);
		_socket.shutdownSend();
	}
	catch (Poco::Exception&)
	{
	}
}


bool HttpConnection::drainLingering()
{
	char buffer[readChunk];
	for (int reads = 0; reads < 4; ++reads)
	{
		int n = 0;
		try
		{
			n = _socket.receiveBytes(buffer, static_cast<int>(sizeof(buffer)));
		}
		catch (Poco::Exception&)
		{
			return false;
		}
		if (n < 0) return true;
		if (n == 0) return false;
		_lingerBytes += static_cast<std::size_t>(n);
		if (_lingerBytes > 4 * _server.settings().drainLimitBytes) return false;
	}
	return true;
}


void HttpConnection::shutdown()
{
	try
	{
		// Shut down, not closed: the thread that owns the connection closes
		// the descriptor when it notices, so its number cannot be reused
		// under it.
		_socket.shutdown();
	}
	catch (Poco::Exception&)
	{
	}
}


} // namespace Nash
