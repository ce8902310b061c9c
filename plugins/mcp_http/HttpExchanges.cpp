//
// HttpExchanges.cpp
//


#include "HttpExchanges.h"
#include "Poco/Exception.h"


namespace Nash {


HttpExchanges::HttpExchanges()
{
}


HttpExchanges::~HttpExchanges()
{
	close();
}


void HttpExchanges::open()
{
	std::lock_guard<std::mutex> lock(_mutex);
	_closing = false;
}


bool HttpExchanges::run(const std::string& requestId, Work work)
{
	std::unique_ptr<Exchange> slot(new Exchange);
	Exchange* raw = slot.get();
	std::lock_guard<std::mutex> lock(_mutex);
	if (_closing) return false;
	raw->requestId = requestId;
	raw->thread = std::thread([this, raw, work]
	{
		work(*raw);
		{
			std::lock_guard<std::mutex> lock(_mutex);
			raw->done = true;
		}
		_condition.notify_all();
	});
	_running.push_back(std::move(slot));
	return true;
}


bool HttpExchanges::runStream(Work work)
{
	std::lock_guard<std::mutex> lock(_mutex);
	if (_closing || _stream.thread.joinable()) return false;
	_stream.done = false;
	_stream.thread = std::thread([this, work]
	{
		work(_stream);
		{
			std::lock_guard<std::mutex> lock(_mutex);
			_stream.done = true;
		}
		_condition.notify_all();
	});
	return true;
}


void HttpExchanges::attach(Exchange& exchange, const std::shared_ptr<Poco::Net::HTTPClientSession>& session)
{
	std::lock_guard<std::mutex> lock(_mutex);
	if (_closing) throw Poco::IOException("The transport is stopping");
	exchange.session = session;
}


bool HttpExchanges::closing() const
{
	std::lock_guard<std::mutex> lock(_mutex);
	return _closing;
}


bool HttpExchanges::waitClosing(std::chrono::milliseconds timeout)
{
	std::unique_lock<std::mutex> lock(_mutex);
	return _condition.wait_for(lock, timeout, [this] { return _closing; });
}


bool HttpExchanges::wasCancelled(const Exchange& exchange) const
{
	std::lock_guard<std::mutex> lock(_mutex);
	return exchange.cancelled;
}


void HttpExchanges::cancel(const std::string& requestId)
{
	if (requestId.empty()) return;
	std::lock_guard<std::mutex> lock(_mutex);
	for (auto& exchange: _running)
	{
		if (exchange->requestId == requestId && !exchange->done)
		{
			exchange->cancelled = true;
			abort(*exchange);
		}
	}
}


void HttpExchanges::reap()
{
	std::lock_guard<std::mutex> lock(_mutex);
	for (auto it = _running.begin(); it != _running.end();)
	{
		if ((*it)->done)
		{
			(*it)->thread.join();
			it = _running.erase(it);
		}
		else
		{
			++it;
		}
	}
}


void HttpExchanges::close()
{
	std::list<std::unique_ptr<Exchange>> running;
	{
		std::lock_guard<std::mutex> lock(_mutex);
		_closing = true;
		running.swap(_running);
	}
	_condition.notify_all();
	{
		// A thread may connect just after a shutdown() (between attach()
		// and its request): shut its socket down again until it ended.
		std::unique_lock<std::mutex> lock(_mutex);
		for (;;)
		{
			bool busy = _stream.thread.joinable() && !_stream.done;
			abort(_stream);
			for (auto& exchange: running)
			{
				abort(*exchange);
				busy = busy || !exchange->done;
			}
			if (!busy) break;
			_condition.wait_for(lock, std::chrono::milliseconds(50));
		}
	}
	for (auto& exchange: running)
	{
		if (exchange->thread.joinable()) exchange->thread.join();
	}
	if (_stream.thread.joinable()) _stream.thread.join();
	std::lock_guard<std::mutex> lock(_mutex);
	_stream.done = false;
	_stream.session.reset();
}


void HttpExchanges::abort(Exchange& exchange)
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
		// Not connected (yet): close() tries again until the thread ends.
	}
}


} // namespace Nash
