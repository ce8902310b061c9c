//
// EventLoop.h
//


#ifndef Nash_EventLoop_INCLUDED
#define Nash_EventLoop_INCLUDED


#include "core/loop/LoopThread.h"
#include <atomic>
#include <cstddef>
#include <memory>
#include <string>
#include <vector>


namespace Nash {


class EventLoop
	/// A fixed set of LoopThreads that relay many streams each: work is
	/// spread over them with next() (round robin) or leastLoaded() (fewest
	/// watched sockets), and stays on the thread it was given to (a socket,
	/// its timers and its callbacks are all of one thread).
	///
	/// Threading: every method may be called from any thread, but stop()
	/// (and the destructor) not from one of the loop's own threads.
{
public:
	explicit EventLoop(std::size_t threads, const std::string& name = "loop", std::size_t bufferBytes = LoopThread::DEFAULT_BUFFER_BYTES);
		/// Starts threads threads (at least one), named name-1, name-2 ...
		/// each with a read buffer of bufferBytes.

	~EventLoop();
		/// stop().

	EventLoop(const EventLoop&) = delete;
	EventLoop& operator = (const EventLoop&) = delete;

	void stop();
		/// Stops every thread (see LoopThread::stop(): the tasks not run yet
		/// are dropped) and waits for them.

	std::size_t size() const;
	LoopThread& thread(std::size_t index);

	LoopThread& next();
		/// The threads in turn.

	LoopThread& assign();
		/// The thread with the least work assigned (the first of equals),
		/// its count raised: the caller calls its unassign() when the work
		/// is done. Light traffic so stays on the first thread and reuses
		/// its upstream connections; a burst spreads evenly, being counted
		/// as it is assigned.

	LoopThread& leastLoaded();
		/// The thread watching the fewest sockets now (the first of equals
		/// after the last one chosen, so that a burst spreads evenly).

private:
	std::vector<std::unique_ptr<LoopThread>> _threads;
	std::atomic<std::size_t> _next{0};
};


} // namespace Nash


#endif // Nash_EventLoop_INCLUDED
