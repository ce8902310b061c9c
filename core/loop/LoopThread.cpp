//
// LoopThread.cpp
//


#include "core/loop/LoopThread.h"
#include "core/loop/IdleConnectionPool.h"
#include "Poco/Exception.h"
#include "Poco/Logger.h"
#include "Poco/Net/SocketImpl.h"
#include <exception>


namespace Nash {


namespace {


const auto longestWait = std::chrono::seconds(10);


template <typename Work>
void guarded(const char* what, Work&& work)
	/// Runs work; what it throws is logged, so that one stream's fault does
	/// not end every other stream of the thread.
{
	try
	{
		work();
	}
	catch (Poco::Exception& exc)
	{
		Poco::Logger::get("nash.loop").error("A %s of an event loop thread failed: %s", std::string(what), exc.displayText());
	}
	catch (std::exception& exc)
	{
		Poco::Logger::get("nash.loop").error("A %s of an event loop thread failed: %s", std::string(what), std::string(exc.what()));
	}
	catch (...)
	{
		Poco::Logger::get("nash.loop").error("A %s of an event loop thread failed", std::string(what));
	}
}


int pollMode(int events)
{
	int mode = 0;
	if (events & LoopThread::SOCKET_READABLE) mode |= Poco::Net::PollSet::POLL_READ;
	if (events & LoopThread::SOCKET_WRITABLE) mode |= Poco::Net::PollSet::POLL_WRITE;
	return mode | Poco::Net::PollSet::POLL_ERROR;
}


} // namespace


LoopThread::LoopThread(const std::string& name, std::size_t bufferBytes):
	_name(name),
	_waker(Poco::Net::SocketAddress("127.0.0.1", 0), false),
	_buffer(bufferBytes > 0 ? bufferBytes : DEFAULT_BUFFER_BYTES)
{
	// Other threads post tasks: a datagram to this socket ends the wait
	// (portable, unlike an eventfd; see ConnectionPoller).
	_wakerAddress = _waker.address();
	_waker.setBlocking(false);
	_pollSet.add(_waker, Poco::Net::PollSet::POLL_READ);
	_idle.reset(new IdleConnectionPool(*this));
}


LoopThread::~LoopThread()
{
	stop();
	_idle.reset();
	dropEverything();
}


void LoopThread::start()
{
	if (_started || _stop) return;
	_thread.setName(_name);
	_thread.start(*this);
	_started = true;
}


void LoopThread::stop()
{
	{
		std::lock_guard<std::mutex> lock(_mutex);
		if (_stopping) return;
		_stopping = true;
		_stop = true;
	}
	poco_assert(!isLoopThread());
	wake();
	if (_started) _thread.join();
	dropEverything();
}


void LoopThread::dropEverything()
{
	std::vector<Task> tasks;
	{
		std::lock_guard<std::mutex> lock(_mutex);
		tasks.swap(_tasks);
	}
	// Destroyed here, outside the lock: a task's captures may unwatch.
	tasks.clear();
	std::vector<Task> endOfTurn;
	endOfTurn.swap(_endOfTurn);
	endOfTurn.clear();
	_timers.clear();
	if (_idle) _idle->clear();
	std::unordered_map<Poco::Net::SocketImpl*, Watch> watches;
	watches.swap(_watches);
	for (auto& entry: watches)
	{
		if (!entry.second.polled) continue;
		try
		{
			_pollSet.remove(entry.second.socket);
		}
		catch (Poco::Exception&)
		{
		}
	}
	_watchCount = 0;
	watches.clear();
}


bool LoopThread::post(Task task)
{
	bool wasEmpty = false;
	{
		std::lock_guard<std::mutex> lock(_mutex);
		if (_stopping) return false;
		wasEmpty = _tasks.empty();
		_tasks.push_back(std::move(task));
	}
	// One wake-up for a queue that was empty: the thread takes everything
	// queued meanwhile in the same turn.
	if (wasEmpty) wake();
	return true;
}


void LoopThread::wake()
{
	try
	{
		_waker.sendTo("w", 1, _wakerAddress);
	}
	catch (Poco::Exception&)
	{
		// The socket's buffer is full of wake-ups already: the thread wakes.
	}
}


bool LoopThread::isLoopThread() const
{
	return Poco::Thread::current() == &_thread;
}


void LoopThread::assign()
{
	_assigned.fetch_add(1, std::memory_order_relaxed);
}


void LoopThread::unassign()
{
	_assigned.fetch_sub(1, std::memory_order_relaxed);
}


std::size_t LoopThread::assigned() const
{
	return _assigned.load(std::memory_order_relaxed);
}


std::size_t LoopThread::watchCount() const
{
	return _watchCount.load(std::memory_order_relaxed);
}


LoopThread::Timer LoopThread::addTimer(Clock::duration delay, Task task)
{
	Timer timer;
	timer.deadline = Clock::now() + delay;
	timer.id = _nextTimerId++;
	_timers.emplace(std::make_pair(timer.deadline, timer.id), std::move(task));
	return timer;
}


bool LoopThread::cancelTimer(Timer& timer)
{
	if (!timer.isSet()) return false;
	bool pending = _timers.erase(std::make_pair(timer.deadline, timer.id)) > 0;
	timer = Timer();
	return pending;
}


void LoopThread::pollFor(Watch& watch, int events)
{
	if (events != 0)
	{
		if (watch.polled)
			_pollSet.update(watch.socket, pollMode(events));
		else
			_pollSet.add(watch.socket, pollMode(events));
		watch.polled = true;
	}
	else if (watch.polled)
	{
		// Out of the set rather than a mode of 0: epoll would still report a
		// hang-up, which PollSet does not pass on, and the thread would spin.
		_pollSet.remove(watch.socket);
		watch.polled = false;
	}
	watch.events = events;
}


void LoopThread::watch(const Poco::Net::Socket& socket, int events, SocketCallback callback)
{
	Poco::Net::SocketImpl* impl = socket.impl();
	auto it = _watches.find(impl);
	if (it == _watches.end())
	{
		it = _watches.emplace(impl, Watch()).first;
		it->second.socket = socket;
		++_watchCount;
	}
	it->second.callback = std::make_shared<SocketCallback>(std::move(callback));
	try
	{
		pollFor(it->second, events);
	}
	catch (...)
	{
		_watches.erase(it);
		--_watchCount;
		throw;
	}
}


void LoopThread::setEvents(const Poco::Net::Socket& socket, int events)
{
	auto it = _watches.find(socket.impl());
	if (it == _watches.end() || it->second.events == events) return;
	pollFor(it->second, events);
}


void LoopThread::unwatch(const Poco::Net::Socket& socket)
{
	auto it = _watches.find(socket.impl());
	if (it == _watches.end()) return;
	if (it->second.polled)
	{
		try
		{
			_pollSet.remove(it->second.socket);
		}
		catch (Poco::Exception&)
		{
		}
	}
	_watches.erase(it);
	--_watchCount;
}


bool LoopThread::isWatched(const Poco::Net::Socket& socket) const
{
	return _watches.find(socket.impl()) != _watches.end();
}


char* LoopThread::buffer()
{
	return _buffer.data();
}


std::size_t LoopThread::bufferSize() const
{
	return _buffer.size();
}


IdleConnectionPool& LoopThread::idleConnections()
{
	return *_idle;
}


void LoopThread::dispatch(Poco::Net::SocketImpl* impl, int mode)
{
	// Looked up now, not when the turn began: an earlier callback of this
	// turn may have unwatched the socket. The ready map holds the socket, so
	// no new socket can have the same SocketImpl meanwhile.
	auto it = _watches.find(impl);
	if (it == _watches.end()) return;
	Watch& watch = it->second;
	int events = 0;
	if ((mode & Poco::Net::PollSet::POLL_READ) && (watch.events & SOCKET_READABLE)) events |= SOCKET_READABLE;
	if ((mode & Poco::Net::PollSet::POLL_WRITE) && (watch.events & SOCKET_WRITABLE)) events |= SOCKET_WRITABLE;
	if (mode & Poco::Net::PollSet::POLL_ERROR) events |= SOCKET_ERROR;
	if (events == 0 || !watch.callback || !*watch.callback) return;
	// A copy of the pointer: the callback may unwatch (and so erase) its
	// own socket, and must live until it returns.
	std::shared_ptr<SocketCallback> callback = watch.callback;
	guarded("socket callback", [&] { (*callback)(events); });
}


void LoopThread::runTasks()
{
	std::vector<Task> tasks;
	{
		std::lock_guard<std::mutex> lock(_mutex);
		tasks.swap(_tasks);
	}
	for (auto& task: tasks)
	{
		if (_stop) break;
		guarded("task", task);
	}
}


void LoopThread::atEndOfTurn(Task task)
{
	_endOfTurn.push_back(std::move(task));
}


void LoopThread::runEndOfTurn()
{
	// What these tasks defer in turn runs in the same turn, a few rounds at
	// most: nothing must wait for a poll that may not wake.
	for (int round = 0; round < 4 && !_endOfTurn.empty() && !_stop; ++round)
	{
		std::vector<Task> tasks;
		tasks.swap(_endOfTurn);
		for (auto& task: tasks)
		{
			if (_stop) break;
			guarded("task", task);
		}
	}
}


void LoopThread::runTimers()
{
	if (_timers.empty()) return;
	Clock::time_point now = Clock::now();
	// Only the timers set before this turn: one that sets itself again with
	// no delay waits for the next turn instead of holding the thread.
	std::uint64_t last = _nextTimerId;
	while (!_timers.empty() && !_stop)
	{
		auto first = _timers.begin();
		if (first->first.first > now) break;
		auto it = first;
		while (it != _timers.end() && it->first.second >= last) ++it;
		if (it == _timers.end() || it->first.first > now) break;
		Task task = std::move(it->second);
		_timers.erase(it);
		guarded("timer", task);
	}
}


Poco::Timespan LoopThread::waitTime() const
{
	Clock::duration wait = longestWait;
	if (!_timers.empty())
	{
		Clock::duration untilNext = _timers.begin()->first.first - Clock::now();
		if (untilNext < wait) wait = untilNext;
	}
	if (wait <= Clock::duration::zero()) return Poco::Timespan(0);
	// Rounded up to the millisecond epoll waits in: rounded down, the
	// thread would wake just before the deadline and spin until it.
	auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(wait + std::chrono::microseconds(999));
	return Poco::Timespan(static_cast<Poco::Timespan::TimeDiff>(ms.count()) * 1000);
}


void LoopThread::run()
{
	Poco::Logger& log = Poco::Logger::get("nash.loop");
	char drain[64];
	while (!_stop)
	{
		Poco::Net::PollSet::SocketModeMap ready;
		try
		{
			ready = _pollSet.poll(waitTime());
		}
		catch (Poco::Exception& exc)
		{
			log.error("Waiting for sockets failed: %s", exc.displayText());
			Poco::Thread::sleep(10);
		}
		for (const auto& entry: ready)
		{
			if (_stop) break;
			if (entry.first == _waker)
			{
				try
				{
					while (_waker.receiveBytes(drain, sizeof(drain)) > 0)
					{
					}
				}
				catch (Poco::Exception&)
				{
				}
				continue;
			}
			dispatch(entry.first.impl(), entry.second);
		}
		runTasks();
		runTimers();
		runEndOfTurn();
	}
}


} // namespace Nash
