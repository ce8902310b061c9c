//
// ClientDisconnectWatcher.cpp
//


#include "core/http/ClientDisconnectWatcher.h"
#include "Poco/Exception.h"
#include "Poco/Timespan.h"
#include <chrono>
#include <map>
#include <vector>


namespace Nash {


ClientDisconnectWatcher::Registration::Registration(ClientDisconnectWatcher* watcher, std::size_t id, Flag timedOut, Flag clientGone):
	_watcher(watcher),
	_id(id),
	_timedOut(std::move(timedOut)),
	_clientGone(std::move(clientGone))
{
}


ClientDisconnectWatcher::Registration::Registration(Registration&& other) noexcept:
	_watcher(other._watcher),
	_id(other._id),
	_timedOut(std::move(other._timedOut)),
	_clientGone(std::move(other._clientGone))
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


bool ClientDisconnectWatcher::Registration::clientGone() const
{
	return _clientGone && _clientGone->load();
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
	auto clientGone = std::make_shared<std::atomic<bool>>(false);
	std::lock_guard<std::mutex> lock(_mutex);
	std::size_t id = ++_nextId;
	_watched.emplace(id, Watched{socket, true, std::move(token), deadline, timedOut, clientGone});
	return Registration(this, id, timedOut, clientGone);
}


ClientDisconnectWatcher::Registration ClientDisconnectWatcher::watch(std::shared_ptr<CancellationToken> token, Clock::time_point deadline)
{
	auto timedOut = std::make_shared<std::atomic<bool>>(false);
	auto clientGone = std::make_shared<std::atomic<bool>>(false);
	std::lock_guard<std::mutex> lock(_mutex);
	std::size_t id = ++_nextId;
	_watched.emplace(id, Watched{Poco::Net::StreamSocket(), false, std::move(token), deadline, timedOut, clientGone});
	return Registration(this, id, timedOut, clientGone);
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


bool ClientDisconnectWatcher::hasDisconnected(const Poco::Net::Socket& socket)
{
	try
	{
		// Readable with nothing to read: the client closed its side.
		return socket.available() == 0;
	}
	catch (Poco::Exception&)
	{
		return true;
	}
}


void ClientDisconnectWatcher::run()
{
	std::vector<std::shared_ptr<CancellationToken>> toCancel;
	std::map<poco_socket_t, Watched*> tokens;
	Poco::Net::Socket::SocketList readable;
	Poco::Net::Socket::SocketList writable;
	Poco::Net::Socket::SocketList failed;
	std::unique_lock<std::mutex> lock(_mutex);
	while (!_stopping)
	{
		_wake.wait_for(lock, std::chrono::milliseconds(_pollMilliseconds), [this] { return _stopping; });
		if (_stopping) break;
		Clock::time_point now = Clock::now();
		readable.clear();
		tokens.clear();
		for (auto& entry: _watched)
		{
			Watched& watched = entry.second;
			if (watched.token->isCancelled()) continue;
			if (now >= watched.deadline)
			{
				// The flag is set first: the handler, woken by the
				// cancellation, must find out why.
				*watched.timedOut = true;
				toCancel.push_back(watched.token);
				continue;
			}
			if (!watched.hasSocket) continue;
			readable.push_back(watched.socket);
			tokens[watched.socket.impl()->sockfd()] = &watched;
		}
		// The sockets are examined under the lock: a handler's watch ends
		// (and only after that its connection closes the descriptor) between
		// two passes, never during one. One select for all of them keeps a
		// pass short.
		if (!readable.empty())
		{
			failed = readable;
			writable.clear();
			try
			{
				Poco::Net::Socket::select(readable, writable, failed, Poco::Timespan(0));
			}
			catch (Poco::Exception&)
			{
				readable.clear();
				failed.clear();
			}
			for (auto* list: {&readable, &failed})
			{
				for (auto& socket: *list)
				{
					auto token = tokens.find(socket.impl()->sockfd());
					if (token != tokens.end() && hasDisconnected(socket))
					{
						*token->second->clientGone = true;
						toCancel.push_back(token->second->token);
						tokens.erase(token);
					}
				}
			}
		}
		// The copies of the sockets go before the lock does: a handler whose
		// watch ends takes the lock after this, so its connection never
		// closes and frees a socket that this thread still holds (Poco's
		// reference count alone would order that, invisibly to the sanitizer).
		readable.clear();
		writable.clear();
		failed.clear();
		tokens.clear();
		if (toCancel.empty()) continue;
		lock.unlock();
		// Outside the lock: cancelling runs the work's callbacks. Tokens are
		// shared, so work that ended meanwhile is harmless.
		for (auto& token: toCancel) token->cancel();
		toCancel.clear();
		lock.lock();
	}
}


} // namespace Nash
