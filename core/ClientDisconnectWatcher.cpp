//
// ClientDisconnectWatcher.cpp
//


#include "core/ClientDisconnectWatcher.h"
#include "Poco/Exception.h"
#include "Poco/Timespan.h"
#include <chrono>
#include <vector>


namespace Nash {


ClientDisconnectWatcher::Registration::Registration(ClientDisconnectWatcher* watcher, std::size_t id, Flag timedOut):
	_watcher(watcher),
	_id(id),
	_timedOut(std::move(timedOut))
{
}


ClientDisconnectWatcher::Registration::Registration(Registration&& other) noexcept:
	_watcher(other._watcher),
	_id(other._id),
	_timedOut(std::move(other._timedOut))
{
	other._watcher = nullptr;
}


ClientDisconnectWatcher::Registration::~Registration()
{
	if (_watcher) _watcher->unwatch(_id);
}


bool ClientDisconnectWatcher::Registration::timedOut() const
{
	return _timedOut && _timedOut->load();
}


ClientDisconnectWatcher::ClientDisconnectWatcher(int pollMilliseconds):
	_pollMilliseconds(pollMilliseconds)
{
}


ClientDisconnectWatcher::~ClientDisconnectWatcher()
{
	stop();
}


void ClientDisconnectWatcher::start()
{
	std::lock_guard<std::mutex> lock(_mutex);
	if (_thread.joinable()) return;
	_stopping = false;
	_thread = std::thread([this] { run(); });
}


void ClientDisconnectWatcher::stop()
{
	{
		std::lock_guard<std::mutex> lock(_mutex);
		_stopping = true;
	}
	_wake.notify_all();
	if (_thread.joinable()) _thread.join();
}


ClientDisconnectWatcher::Registration ClientDisconnectWatcher::watch(const Poco::Net::StreamSocket& socket, std::shared_ptr<CancellationToken> token,
	Clock::time_point deadline)
{
	auto timedOut = std::make_shared<std::atomic<bool>>(false);
	std::lock_guard<std::mutex> lock(_mutex);
	std::size_t id = ++_nextId;
	_watched.emplace(id, Watched{socket, std::move(token), deadline, timedOut});
	return Registration(this, id, timedOut);
}


void ClientDisconnectWatcher::unwatch(std::size_t id)
{
	std::lock_guard<std::mutex> lock(_mutex);
	_watched.erase(id);
}


std::size_t ClientDisconnectWatcher::watchedCount() const
{
	std::lock_guard<std::mutex> lock(_mutex);
	return _watched.size();
}


void ClientDisconnectWatcher::cancelAll()
{
	std::vector<std::shared_ptr<CancellationToken>> tokens;
	{
		std::lock_guard<std::mutex> lock(_mutex);
		for (const auto& entry: _watched) tokens.push_back(entry.second.token);
	}
	for (auto& token: tokens) token->cancel();
}


bool ClientDisconnectWatcher::hasDisconnected(Poco::Net::StreamSocket& socket)
{
	try
	{
		if (!socket.poll(Poco::Timespan(0), Poco::Net::Socket::SELECT_READ | Poco::Net::Socket::SELECT_ERROR)) return false;
		return socket.available() == 0;
	}
	catch (Poco::Exception&)
	{
		return true;
	}
}


void ClientDisconnectWatcher::run()
{
	std::vector<Watched> snapshot;
	std::unique_lock<std::mutex> lock(_mutex);
	while (!_stopping)
	{
		_wake.wait_for(lock, std::chrono::milliseconds(_pollMilliseconds), [this] { return _stopping; });
		if (_stopping) break;
		snapshot.clear();
		for (const auto& entry: _watched)
		{
			if (!entry.second.token->isCancelled()) snapshot.push_back(entry.second);
		}
		lock.unlock();
		// Tokens are shared, so a stream that ends meanwhile is harmless.
		Clock::time_point now = Clock::now();
		for (auto& watched: snapshot)
		{
			if (now >= watched.deadline)
			{
				// The flag is set first: the handler, woken by the
				// cancellation, must find out why.
				*watched.timedOut = true;
				watched.token->cancel();
			}
			else if (hasDisconnected(watched.socket))
			{
				watched.token->cancel();
			}
		}
		snapshot.clear();
		lock.lock();
	}
}


} // namespace Nash
