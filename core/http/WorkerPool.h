//
// WorkerPool.h
//


#ifndef Nash_WorkerPool_INCLUDED
#define Nash_WorkerPool_INCLUDED


#include "Poco/ThreadPool.h"
#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>


namespace Nash {


class WorkerPool
	/// Threads that run jobs from a bounded queue: threads are started as
	/// jobs arrive (up to maxThreads, with the configured stack size) and end
	/// after idleSeconds without work, down to minThreads.
{
public:
	WorkerPool(int minThreads, int maxThreads, int maxQueued, int idleSeconds, int stackKiB);
	~WorkerPool();
	WorkerPool(const WorkerPool&) = delete;
	WorkerPool& operator = (const WorkerPool&) = delete;

	bool submit(std::function<void()> job);
		/// Queues job; false when maxQueued jobs wait already.

	void stop();
		/// Lets the threads end once the queue is empty, and waits for them.

	int busy() const;
		/// Threads running a job now.

private:
	class Worker;
	void work();

	Poco::ThreadPool _threads;
	int _minThreads;
	int _maxThreads;
	std::size_t _maxQueued;
	int _idleSeconds;
	mutable std::mutex _mutex;
	std::condition_variable _wake;
	std::deque<std::function<void()>> _queue;
	int _running = 0;
	int _idle = 0;
	bool _stopping = false;
};


} // namespace Nash


#endif // Nash_WorkerPool_INCLUDED
