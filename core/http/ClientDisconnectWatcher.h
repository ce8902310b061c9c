//
// ClientDisconnectWatcher.h
//


#ifndef Nash_ClientDisconnectWatcher_INCLUDED
#define Nash_ClientDisconnectWatcher_INCLUDED


#include "Nash/CancellationToken.h"
#include "Poco/Net/StreamSocket.h"
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <map>
#include <memory>
#include <mutex>
#include <thread>


namespace Nash {


class ClientDisconnectWatcher
	/// Notices that an HTTP client went away while the server has nothing to
	/// write to it (the model is still thinking), and cancels the work done
	/// for it. One thread watches every open stream: a client whose socket
	/// turned readable with no bytes to read has closed its connection.
	///
	/// A client that half-closes its side after sending the request looks the
	/// same and is treated as gone: its work is cancelled, and what it is
	/// sent says so (an error event, an error answer), never a clean end.
	///
	/// The same thread enforces the time limit of each watched request: the
	/// work of a request still running at its deadline is cancelled too, and
	/// its registration tells the handler that it was the limit, not the client.
{
public:
	class Registration
		/// Watches one client for as long as it exists.
	{
	public:
		using Flag = std::shared_ptr<std::atomic<bool>>;

		Registration(ClientDisconnectWatcher* watcher, std::size_t id, Flag timedOut = Flag(), Flag clientGone = Flag());
		Registration(Registration&& other) noexcept;
		~Registration();
		Registration(const Registration&) = delete;
		Registration& operator = (const Registration&) = delete;
		Registration& operator = (Registration&&) = delete;

		bool timedOut() const;
			/// True when the work was cancelled because its time limit passed.

		bool clientGone() const;
			/// True when the work was cancelled because the client closed
			/// its connection (or its sending side).

	private:
		ClientDisconnectWatcher* _watcher;
		std::size_t _id;
		Flag _timedOut;
		Flag _clientGone;
	};

	using Clock = std::chrono::steady_clock;

	explicit ClientDisconnectWatcher(int pollMilliseconds);
	~ClientDisconnectWatcher();

	void start();
	void stop();

	Registration watch(const Poco::Net::StreamSocket& socket, std::shared_ptr<CancellationToken> token,
		Clock::time_point deadline = Clock::time_point::max());
		/// Cancels token when the client of socket disconnects, or when
		/// deadline passes (checked as often as disconnects, so within the
		/// poll interval).

	Registration watch(std::shared_ptr<CancellationToken> token, Clock::time_point deadline);
		/// Only the deadline, the count and cancelAll(): the client itself is
		/// watched by whoever holds its connection (a relay on the event loop,
		/// which sees the client close without a pass over every socket).

	std::size_t watchedCount() const;
		/// How many clients are watched now (open streams and calls).

	void cancelAll();
		/// Cancels the work of every watched client (the server is stopping
		/// and the grace period is over).

private:
	struct Watched
	{
		Poco::Net::StreamSocket socket;
		bool hasSocket;
		std::shared_ptr<CancellationToken> token;
		Clock::time_point deadline;
		Registration::Flag timedOut;
		Registration::Flag clientGone;
	};

	void unwatch(std::size_t id);
	void run();
	static bool hasDisconnected(const Poco::Net::Socket& socket);
		/// For a socket that turned readable (or failed).

	int _pollMilliseconds;
	mutable std::mutex _mutex;
	std::condition_variable _wake;
	std::map<std::size_t, Watched> _watched;
	std::size_t _nextId = 0;
	bool _stopping = false;
	std::thread _thread;
};


} // namespace Nash


#endif // Nash_ClientDisconnectWatcher_INCLUDED
