//
// LoopThread.h
//


#ifndef Nash_LoopThread_INCLUDED
#define Nash_LoopThread_INCLUDED


#include "Poco/Net/DatagramSocket.h"
#include "Poco/Net/PollSet.h"
#include "Poco/Net/Socket.h"
#include "Poco/Runnable.h"
#include "Poco/Thread.h"
#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>


namespace Nash {


class IdleConnectionPool;


class LoopThread: public Poco::Runnable
	/// One thread of an EventLoop: it waits on a Poco::Net::PollSet for the
	/// sockets it watches, runs the tasks other threads post to it and the
	/// one-shot timers set on it, all on itself, one after the other. What
	/// runs here must never block: a task, a timer or a socket callback
	/// that waits holds up every other socket of the thread.
	///
	/// Threading: post(), isLoopThread(), watchCount() and stop() may be
	/// called from any thread (stop() not from this one). Everything else
	/// (watch(), setEvents(), unwatch(), addTimer(), cancelTimer(),
	/// buffer(), idleConnections()) belongs to the loop thread: it is
	/// called from a task, a timer or a socket callback, or, while the
	/// thread is not running (before start(), after stop()), from the one
	/// thread that owns the LoopThread.
	///
	/// Each turn: wait for sockets (at most until the next timer), call the
	/// callbacks of the ready ones, run the tasks posted so far (in the order
	/// they were posted), then the timers that are due (by deadline, those
	/// of one deadline in the order they were set). A callback, task or
	/// timer that throws is logged (nash.loop) and the loop goes on.
	///
	/// Stopping: stop() ends the thread at the end of its current turn and
	/// drops, without running or calling them, the tasks not yet run, the
	/// timers and the watches; their functions are destroyed on the thread
	/// that called stop(). post() refuses tasks from then on. Objects that
	/// still refer to the thread may unwatch and cancel afterwards (which
	/// does nothing); they must be gone before the LoopThread is destroyed.
{
public:
	using Clock = std::chrono::steady_clock;
	using Task = std::function<void()>;
	using SocketCallback = std::function<void(int events)>;
		/// Called with the events that occurred (SOCKET_READABLE,
		/// SOCKET_WRITABLE, SOCKET_ERROR), only those watched and the error.

	enum SocketEvents
	{
		SOCKET_READABLE = 1,
			/// Bytes to read, the peer's close (a read returns 0) or an error.
		SOCKET_WRITABLE = 2,
			/// Room to write, a non-blocking connect() that ended (check
			/// the socket's error), or an error.
		SOCKET_ERROR = 4
			/// An error is pending on the socket; always reported while the
			/// socket is in the poll set.
	};

	struct Timer
		/// A timer set by addTimer(): what cancelTimer() needs to find it.
	{
		Clock::time_point deadline;
		std::uint64_t id = 0;

		bool isSet() const
		{
			return id != 0;
		}
	};

	static constexpr std::size_t DEFAULT_BUFFER_BYTES = 16 * 1024;

	explicit LoopThread(const std::string& name = "loop", std::size_t bufferBytes = DEFAULT_BUFFER_BYTES);
		/// A thread, not started, with a read buffer of bufferBytes.

	~LoopThread() override;
		/// stop(), then closes the idle connections.

	LoopThread(const LoopThread&) = delete;
	LoopThread& operator = (const LoopThread&) = delete;

	void start();
		/// Starts the thread (once).

	void stop();
		/// Ends the thread (see above) and waits for it. Does nothing the
		/// second time. Not from the loop thread itself.

	bool post(Task task);
		/// Runs task on the loop thread, after what was posted before. Any
		/// thread. False (and task dropped) once stop() was called.

	bool isLoopThread() const;
		/// The calling thread is this loop thread.

	void assign();
	void unassign();
	std::size_t assigned() const;
		/// The work given to this thread and not yet done (EventLoop::assign()),
		/// counted by whoever gives and ends it. Any thread.

	std::size_t watchCount() const;
		/// How many sockets are watched now (its load). Any thread.

	Timer addTimer(Clock::duration delay, Task task);
		/// Runs task once on the loop thread, delay from now (steady clock).

	bool cancelTimer(Timer& timer);
		/// Forgets timer unless it ran already; true if it was pending. timer
		/// is unset either way. Cancelling an unset timer does nothing.

	void atEndOfTurn(Task task);
		/// Runs task on this thread at the end of the current turn, after
		/// the callbacks, tasks and timers due now, without waking the
		/// thread: what several callbacks of a turn produce (the events
		/// decoded from one read of each upstream) is then written with one
		/// send per client.

	void watch(const Poco::Net::Socket& socket, int events, SocketCallback callback);
		/// Calls callback when socket becomes ready for the events (a mask of
		/// SOCKET_READABLE and SOCKET_WRITABLE; 0 watches nothing yet), until
		/// unwatch(). Watching a socket watched already replaces its events
		/// and callback. Level-triggered: a socket still ready is reported
		/// again the next turn. The socket is held (its descriptor stays
		/// open) while it is watched.

	void setEvents(const Poco::Net::Socket& socket, int events);
		/// Changes what a watched socket is watched for (0: nothing, to
		/// pause it, its errors included).

	void unwatch(const Poco::Net::Socket& socket);
		/// Stops watching socket; its callback is not called any more, even
		/// when the socket was reported ready in the current turn. Safe from
		/// the socket's own callback, and for a socket not watched.

	bool isWatched(const Poco::Net::Socket& socket) const;

	char* buffer();
	std::size_t bufferSize() const;
		/// One buffer for all the reads of the thread's sockets: its content
		/// is only valid until the callback that read into it returns.

	IdleConnectionPool& idleConnections();
		/// The kept-alive upstream connections of this thread.

	void run() override;

private:
	struct Watch
	{
		Poco::Net::Socket socket;
		int events = 0;
		bool polled = false;
			/// In the poll set (events != 0).
		std::shared_ptr<SocketCallback> callback;
			// Shared with a dispatch under way, so that a callback that
			// unwatches its own socket is not destroyed while it runs.
	};

	void wake();
	void dispatch(Poco::Net::SocketImpl* impl, int mode);
	void runTasks();
	void runTimers();
	void runEndOfTurn();
	void pollFor(Watch& watch, int events);
	Poco::Timespan waitTime() const;
	void dropEverything();

	std::string _name;
	Poco::Net::PollSet _pollSet;
	Poco::Net::DatagramSocket _waker;
	Poco::Net::SocketAddress _wakerAddress;
	std::unordered_map<Poco::Net::SocketImpl*, Watch> _watches;
	std::atomic<std::size_t> _watchCount{0};
	std::atomic<std::size_t> _assigned{0};
	std::vector<Task> _endOfTurn;
	std::map<std::pair<Clock::time_point, std::uint64_t>, Task> _timers;
	std::uint64_t _nextTimerId = 1;
	std::mutex _mutex;
	std::vector<Task> _tasks;
	bool _stopping = false;
	std::atomic<bool> _stop{false};
	Poco::Thread _thread;
	bool _started = false;
	std::vector<char> _buffer;
	std::unique_ptr<IdleConnectionPool> _idle;
};


} // namespace Nash


#endif // Nash_LoopThread_INCLUDED
