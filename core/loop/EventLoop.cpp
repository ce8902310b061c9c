//
// EventLoop.cpp
//


#include "core/loop/EventLoop.h"


namespace Nash {


EventLoop::EventLoop(std::size_t threads, const std::string& name, std::size_t bufferBytes)
{
	if (threads == 0) threads = 1;
	for (std::size_t i = 0; i < threads; ++i)
		_threads.emplace_back(new LoopThread(name + "-" + std::to_string(i + 1), bufferBytes));
	for (auto& thread: _threads) thread->start();
}


EventLoop::~EventLoop()
{
	stop();
}


void EventLoop::stop()
{
	for (auto& thread: _threads) thread->stop();
}


std::size_t EventLoop::size() const
{
	return _threads.size();
}


LoopThread& EventLoop::thread(std::size_t index)
{
	return *_threads.at(index);
}


LoopThread& EventLoop::next()
{
	return *_threads[_next.fetch_add(1, std::memory_order_relaxed) % _threads.size()];
}


LoopThread& EventLoop::assign()
{
	// Two callers may pick the same thread at once: the counts stay close
	// to even, which is all that is asked of them.
	std::size_t best = 0;
	for (std::size_t i = 1; i < _threads.size(); ++i)
	{
		if (_threads[i]->assigned() < _threads[best]->assigned()) best = i;
	}
	_threads[best]->assign();
	return *_threads[best];
}


LoopThread& EventLoop::leastLoaded()
{
	std::size_t start = _next.fetch_add(1, std::memory_order_relaxed) % _threads.size();
	std::size_t best = start;
	for (std::size_t i = 1; i < _threads.size(); ++i)
	{
		std::size_t candidate = (start + i) % _threads.size();
		if (_threads[candidate]->watchCount() < _threads[best]->watchCount()) best = candidate;
	}
	return *_threads[best];
}


} // namespace Nash
