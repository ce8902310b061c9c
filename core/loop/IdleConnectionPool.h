//
// IdleConnectionPool.h
//


#ifndef Nash_IdleConnectionPool_INCLUDED
#define Nash_IdleConnectionPool_INCLUDED


#include "Poco/Net/StreamSocket.h"
#include <chrono>
#include <cstddef>
#include <string>
#include <unordered_map>
#include <vector>


namespace Nash {


class LoopThread;


class IdleConnectionPool
	/// The kept-alive upstream connections of one LoopThread that wait for
	/// their next request, by upstream address ("10.0.0.1:8080"). Each
	/// LoopThread owns one, and only its thread uses it: no lock.
	///
	/// An idle connection is watched: when it becomes readable (the upstream
	/// closed it, its keep-alive timeout having passed, or sent what nobody
	/// asked for) it is closed and dropped at once, so that a request never
	/// goes out on it. One idle longer than MAX_IDLE_TIME is not handed out
	/// either (the upstream is about to close it; Poco's HTTPClientSession
	/// reconnects after as long).
{
public:
	using Clock = std::chrono::steady_clock;

	static constexpr std::chrono::seconds MAX_IDLE_TIME{8};

	explicit IdleConnectionPool(LoopThread& loop);
	~IdleConnectionPool();
	IdleConnectionPool(const IdleConnectionPool&) = delete;
	IdleConnectionPool& operator = (const IdleConnectionPool&) = delete;

	bool take(const std::string& address, Poco::Net::StreamSocket& socket);
		/// The most recently released quiet connection to address, no longer
		/// watched by the pool; false when there is none. Connections found
		/// closed, readable or too old on the way are dropped.

	void put(const std::string& address, const Poco::Net::StreamSocket& socket, std::size_t maxIdle);
		/// Keeps socket (connected, non-blocking, with nothing unread) for
		/// the next request to address, unless maxIdle connections to it are
		/// kept already: then it is closed.

	std::size_t size() const;
	std::size_t size(const std::string& address) const;

	void clear();
		/// Closes every idle connection.

private:
	struct Idle
	{
		Poco::Net::StreamSocket socket;
		Clock::time_point since;
	};

	void drop(const std::string& address, Poco::Net::SocketImpl* impl);
	void close(Idle& idle);

	LoopThread& _loop;
	std::unordered_map<std::string, std::vector<Idle>> _idle;
	std::size_t _count = 0;
};


} // namespace Nash


#endif // Nash_IdleConnectionPool_INCLUDED
