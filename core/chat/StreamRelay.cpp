//
// StreamRelay.cpp
//


#include "core/chat/StreamRelay.h"
#include "core/loop/SocketIo.h"
#include "Poco/Exception.h"
#include "Poco/Logger.h"
#include "Poco/NumberFormatter.h"


namespace Nash {


StreamRelay::ChunkBuffer::ChunkBuffer(StreamRelay& relay): _relay(relay)
{
}


int StreamRelay::ChunkBuffer::overflow(int c)
{
	if (c != traits_type::eof()) _frame.push_back(static_cast<char>(c));
	return traits_type::not_eof(c);
}


std::streamsize StreamRelay::ChunkBuffer::xsputn(const char* data, std::streamsize count)
{
	_frame.append(data, static_cast<std::size_t>(count));
	return count;
}


int StreamRelay::ChunkBuffer::sync()
{
	if (_frame.empty()) return 0;
	bool written = _relay.writeFrame(_frame);
	_frame.clear();
	return written ? 0 : -1;
}


std::shared_ptr<StreamRelay> StreamRelay::create(LoopThread& loop, Parts parts)
{
	return std::shared_ptr<StreamRelay>(new StreamRelay(loop, std::move(parts)));
}


StreamRelay::StreamRelay(LoopThread& loop, Parts parts):
	_loop(loop),
	_parts(std::move(parts)),
	_buffer(*this),
	_out(&_buffer)
{
}


StreamRelay::~StreamRelay()
{
	// Dropped by a stopping loop before it ended: the line is still written.
	_exchange.reset();
	_metered.reset();
	if (!_ended && _parts.entry)
	{
		if (_parts.entry->outcome.empty() || _parts.entry->outcome == "done") _parts.entry->outcome = "shutdown";
		AccessLog::record(*_parts.entry);
	}
	if (_onCancel && _parts.cancellation) _parts.cancellation->removeCallback(_onCancel);
	unassign();
}


void StreamRelay::unassign()
{
	if (!_assigned) return;
	_assigned = false;
	_loop.unassign();
}


void StreamRelay::setHead(const std::string& head, bool chunked)
{
	_pending.insert(0, head);
	_chunked = chunked;
}


std::ostream& StreamRelay::out()
{
	return _out;
}


AccessLog::Entry& StreamRelay::entry()
{
	return *_parts.entry;
}


void StreamRelay::setSink(ChatEventSink& sink)
{
	_sink = &sink;
}


void StreamRelay::start(const std::shared_ptr<HttpConnection>& connection)
{
	auto self = shared_from_this();
	if (!_loop.post([self, connection] { self->run(connection); }))
	{
		// The loop stopped (the server too): the answer cannot go on.
		connection->shutdown();
	}
}


void StreamRelay::run(const std::shared_ptr<HttpConnection>& connection)
{
	_connection = connection;
	_socket = connection->socket();
	_running = true;
	_lastWrite = std::chrono::steady_clock::now();
	try
	{
		_socket.setBlocking(false);
	}
	catch (Poco::Exception&)
	{
		_clientFailed = true;
	}
	auto self = shared_from_this();
	// The watch holds the relay for as long as it runs. Readable: the
	// client closed (or sent its next request, which stays unread).
	_loop.watch(_socket, LoopThread::SOCKET_READABLE, [self](int events) { self->onClient(events); });
	std::weak_ptr<StreamRelay> weak = self;
	LoopThread* loop = &_loop;
	_onCancel = _parts.cancellation->onCancel([weak, loop] {
		loop->post([weak] {
			auto relay = weak.lock();
			if (relay && relay->_exchange) relay->_exchange->cancel();
		});
	});

	_metered.reset(new MeteredSink(*_sink, &_parts.entry->meter));
	_exchange = LoopExchange::create(_loop, *_parts.provider, _parts.upstream, *_metered,
		[weak](const LoopExchange::Outcome& outcome) {
			if (auto relay = weak.lock()) relay->completed(outcome);
		},
		_parts.observer);
	_exchange->setAddress(_parts.address);
	_waitStarted.update();
	if (_clientFailed)
		_parts.cancellation->cancel();
	else
		flush();
	// The request's text is built on start; the chat request is not needed after.
	_exchange->start(_parts.request);
	_parts.request = ChatRequest();
}


bool StreamRelay::writeFrame(const std::string& bytes)
{
	if (_clientFailed) return false;
	if (_chunked)
	{
		_pending += Poco::NumberFormatter::formatHex(bytes.size());
		_pending += "\r\n";
		_pending += bytes;
		_pending += "\r\n";
	}
	else
	{
		_pending += bytes;
	}
	if (!_running) return true;
	if (!_flushDue)
	{
		// The events decoded from one read of the upstream go in one send.
		_flushDue = true;
		auto self = shared_from_this();
		_loop.atEndOfTurn([self] {
			self->_flushDue = false;
			self->flush();
		});
	}
	if (!_clientFailed && !_closing && _pending.size() - _pendingPos > HIGH_WATER_BYTES && _exchange && !_exchange->isPaused() && !_exchange->isDone())
		_exchange->pause();
	return !_clientFailed;
}


void StreamRelay::flush()
{
	if (_ended) return;
	bool progress = false;
	while (!_clientFailed && _pendingPos < _pending.size())
	{
		std::size_t n = 0;
		try
		{
			n = SocketIo::sendSome(_socket, _pending.data() + _pendingPos, _pending.size() - _pendingPos);
		}
		catch (Poco::Exception& exc)
		{
			Poco::Logger::get("nash.http").debug("A streamed answer could not be written: %s", exc.displayText());
			failClient();
			return;
		}
		if (n == 0) break;
		_pendingPos += n;
		progress = true;
	}
	if (progress) _lastWrite = std::chrono::steady_clock::now();
	if (_pendingPos == _pending.size())
	{
		_pending.clear();
		_pendingPos = 0;
		if (_pending.capacity() > 2 * HIGH_WATER_BYTES) std::string().swap(_pending);
		_loop.setEvents(_socket, _watchReads ? LoopThread::SOCKET_READABLE : 0);
		_loop.cancelTimer(_stallTimer);
	}
	else
	{
		if (_pendingPos > LOW_WATER_BYTES)
		{
			_pending.erase(0, _pendingPos);
			_pendingPos = 0;
		}
		_loop.setEvents(_socket, LoopThread::SOCKET_WRITABLE | (_watchReads ? LoopThread::SOCKET_READABLE : 0));
		if (!_stallTimer.isSet())
		{
			auto self = shared_from_this();
			_stallTimer = _loop.addTimer(std::chrono::seconds(_parts.writeTimeoutSeconds), [self] { self->onStall(); });
		}
	}
	std::size_t buffered = _pending.size() - _pendingPos;
	if (_closing)
	{
		if (buffered == 0) end(true);
	}
	else if (buffered < LOW_WATER_BYTES && _exchange && _exchange->isPaused() && !_exchange->isDone())
	{
		_exchange->resume();
	}
}


void StreamRelay::onClient(int events)
{
	if (_watchReads && (events & (LoopThread::SOCKET_READABLE | LoopThread::SOCKET_ERROR)))
	{
		int available = 0;
		try
		{
			available = _socket.available();
		}
		catch (Poco::Exception&)
		{
		}
		if (available <= 0)
		{
			// Readable with nothing to read: the client closed its side (or
			// the connection failed). The upstream is closed at once.
			failClient();
			return;
		}
		// The client's next request (pipelined): read after this answer.
		// Its close is seen when a write fails.
		_watchReads = false;
		_loop.setEvents(_socket, _pendingPos < _pending.size() ? LoopThread::SOCKET_WRITABLE : 0);
	}
	if (events & LoopThread::SOCKET_WRITABLE) flush();
}


void StreamRelay::onStall()
{
	_stallTimer = LoopThread::Timer();
	if (_ended || _pendingPos == _pending.size()) return;
	auto idle = std::chrono::steady_clock::now() - _lastWrite;
	auto limit = std::chrono::seconds(_parts.writeTimeoutSeconds);
	if (idle >= limit)
	{
		Poco::Logger::get("nash.http").debug("A client took nothing of its stream for %d s; it is taken as gone", _parts.writeTimeoutSeconds);
		failClient();
		return;
	}
	auto self = shared_from_this();
	_stallTimer = _loop.addTimer(limit - idle, [self] { self->onStall(); });
}


void StreamRelay::failClient()
{
	if (_clientFailed) return;
	_clientFailed = true;
	_pending.clear();
	_pendingPos = 0;
	_parts.cancellation->cancel();
	if (_closing)
	{
		// Called from within the closing events or the last flush: the
		// relay ends once they returned.
		auto self = shared_from_this();
		_loop.post([self] { self->end(false); });
	}
}


void StreamRelay::completed(const LoopExchange::Outcome& outcome)
{
	auto self = shared_from_this();
	// Before the client can have the answer's end and send its next
	// request: that one then finds this thread, and its upstream connection
	// back in the pool.
	unassign();
	_parts.entry->meter.addWait(_waitStarted.elapsed());
	_metered.reset();
	ChatOutcome result = _parts.judge(outcome, *_parts.watch, *_parts.cancellation, *_parts.entry);
	_parts.closing(result, *_parts.entry);
	_closing = true;
	if (_clientFailed)
	{
		end(false);
		return;
	}
	if (_chunked) _pending += "0\r\n\r\n";
	flush();
}


void StreamRelay::end(bool clean)
{
	if (_ended) return;
	auto self = shared_from_this();
	_ended = true;
	_loop.cancelTimer(_stallTimer);
	_loop.unwatch(_socket);
	// The connection's socket is the poller's (or a worker's) from now: this
	// relay, which may outlive the connection, keeps no reference to it.
	_socket = Poco::Net::StreamSocket();
	if (_onCancel) _parts.cancellation->removeCallback(_onCancel);
	_onCancel = 0;
	_metered.reset();
	AccessLog::Entry& entry = *_parts.entry;
	if (_clientFailed && (entry.outcome.empty() || entry.outcome == "done")) entry.outcome = "client-gone";
	AccessLog::record(entry);
	_parts.watch.reset();
	_parts.slot.reset();
	std::shared_ptr<HttpConnection> connection;
	connection.swap(_connection);
	if (connection) connection->resumeAfterRelay(clean && !_clientFailed);
}


} // namespace Nash
