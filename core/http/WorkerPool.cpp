//
// WorkerPool.cpp
//


#include "core/http/WorkerPool.h"
#include "Poco/Exception.h"
#include "Poco/Logger.h"
#include "Poco/Runnable.h"
#include <chrono>


namespace Nash {


class WorkerPool::Worker: public Poco::Runnable
{
public:
	explicit Worker(WorkerPool& pool): _pool(pool)
	{
	}

	void run() override
	{
		_pool.work();
		delete this;
	}

private:
	WorkerPool& _pool;
};


WorkerPool::WorkerPool(int minThreads, int maxThreads, int maxQueued, int idleSeconds, int stackKiB):
	_threads("http", 1, maxThreads, idleSeconds, stackKiB * 1024),
	_minThreads(minThreads),
	_maxThreads(maxThreads),
	_maxQueued(static_cast<std::size_t>(maxQueued)),
	_idleSeconds(idleSeconds)
{
}


WorkerPool::~WorkerPool()
{
	stop();
}


bool WorkerPool::submit(std::function<void()> job)
{
	std::unique_lock<std::mutex> lock(_mutex);
	if (_stopping) return false;
	if (_idle <= static_cast<int>(_queue.size()) && _running < _maxThreads)
	{
		++_running;
		try
		{
			_threads.start(*new Worker(*this));
		}
		catch (Poco::Exception& exc)
		{
			--_running;
			if (_running == 0)
			{
				Poco::Logger::get("nash.http").error("No worker thread could be started: %s", exc.displayText());
				return false;
			}
		}
	}
	if (_queue.size() >= _maxQueued) return false;
	_queue.push_back(std::move(job));
	lock.unlock();
	_wake.notify_one();
	return true;
}


void WorkerPool::work()
{
	std::unique_lock<std::mutex> lock(_mutex);
	for (;;)
	{
		++_idle;
		bool woken = _wake.wait_for(lock, std::chrono::seconds(_idleSeconds), [this] { return !_queue.empty() || _stopping; });
		--_idle;
		if (_queue.empty())
		{
			if (_stopping || (!woken && _running > _minThreads)) break;
			continue;
		}
		std::function<void()> job = std::move(_queue.front());
		_queue.pop_front();
		lock.unlock();
		try
		{
			job();
		}
		catch (std::exception& exc)
		{
			Poco::Logger::get("nash.http").error("A worker's job failed: %s", std::string(exc.what()));
		}
		catch (...)
		{
			Poco::Logger::get("nash.http").error("A worker's job failed");
		}
		job = nullptr;
		lock.lock();
	}
	--_running;
}


void WorkerPool::stop()
{
	{
		std::lock_guard<std::mutex> lock(_mutex);
		_stopping = true;
	}
	_wake.notify_all();
	_threads.joinAll();
}


int WorkerPool::busy() const
{
	std::lock_guard<std::mutex> lock(_mutex);
	return _running - _idle;
}


} // namespace Nash
