//
// IdleConnectionPool.cpp
//


#include "core/loop/IdleConnectionPool.h"
#include "core/loop/LoopThread.h"
#include "Poco/Exception.h"


namespace Nash {


constexpr std::chrono::seconds IdleConnectionPool::MAX_IDLE_TIME;


namespace {


bool isQuiet(Poco::Net::StreamSocket& socket)
	/// Connected, with nothing to read: fit for the next request.
{
	try
	{
		return !socket.poll(Poco::Timespan(0), Poco::Net::Socket::SELECT_READ | Poco::Net::Socket::SELECT_ERROR);
	}
	catch (Poco::Exception&)
	{
		return false;
	}
}


} // namespace


IdleConnectionPool::IdleConnectionPool(LoopThread& loop):
	_loop(loop)
{
}


IdleConnectionPool::~IdleConnectionPool()
{
	clear();
}


void IdleConnectionPool::close(Idle& idle)
{
	_loop.unwatch(idle.socket);
	try
	{
		idle.socket.close();
	}
	catch (Poco::Exception&)
	{
	}
}


bool IdleConnectionPool::take(const std::string& address, Poco::Net::StreamSocket& socket)
{
	auto it = _idle.find(address);
	if (it == _idle.end()) return false;
	std::vector<Idle>& idle = it->second;
	bool found = false;
	Clock::time_point now = Clock::now();
	while (!idle.empty() && !found)
	{
		Idle last = std::move(idle.back());
		idle.pop_back();
		--_count;
		_loop.unwatch(last.socket);
		if (now - last.since < MAX_IDLE_TIME && isQuiet(last.socket))
		{
			socket = last.socket;
			found = true;
		}
		else
		{
			close(last);
		}
	}
	if (idle.empty()) _idle.erase(it);
	return found;
}


void IdleConnectionPool::put(const std::string& address, const Poco::Net::StreamSocket& socket, std::size_t maxIdle)
{
	Idle idle{socket, Clock::now()};
	std::vector<Idle>& list = _idle[address];
	if (list.size() >= maxIdle || !isQuiet(idle.socket))
	{
		if (list.empty()) _idle.erase(address);
		close(idle);
		return;
	}
	Poco::Net::SocketImpl* impl = idle.socket.impl();
	try
	{
		_loop.watch(idle.socket, LoopThread::SOCKET_READABLE, [this, address, impl](int) { drop(address, impl); });
	}
	catch (Poco::Exception&)
	{
		if (list.empty()) _idle.erase(address);
		close(idle);
		return;
	}
	list.push_back(std::move(idle));
	++_count;
}


void IdleConnectionPool::drop(const std::string& address, Poco::Net::SocketImpl* impl)
{
	auto it = _idle.find(address);
	if (it == _idle.end()) return;
	std::vector<Idle>& list = it->second;
	for (auto entry = list.begin(); entry != list.end(); ++entry)
	{
		if (entry->socket.impl() != impl) continue;
		Idle idle = std::move(*entry);
		list.erase(entry);
		--_count;
		if (list.empty()) _idle.erase(it);
		close(idle);
		return;
	}
}


std::size_t IdleConnectionPool::size() const
{
	return _count;
}


std::size_t IdleConnectionPool::size(const std::string& address) const
{
	auto it = _idle.find(address);
	return it == _idle.end() ? 0 : it->second.size();
}


void IdleConnectionPool::clear()
{
	auto idle = std::move(_idle);
	_idle.clear();
	_count = 0;
	for (auto& entry: idle)
	{
		for (auto& connection: entry.second) close(connection);
	}
}


} // namespace Nash
