//
// RequestDeadlineWatchdog.cpp
//


#include "core/RequestDeadlineWatchdog.h"
#include "Poco/Exception.h"


namespace Nash {


struct RequestDeadlineWatchdog::Registration::Entry
{
	Poco::Net::StreamSocket socket;
	int timeoutSeconds = 0;
	std::atomic<bool> expired{false};
	bool armed = true;
		/// Guarded by the watchdog's mutex, like position.
	Deadlines::iterator position;
};


RequestDeadlineWatchdog::Registration::Registration(RequestDeadlineWatchdog* watchdog, std::shared_ptr<Entry> entry):
	_watchdog(watchdog),
	_entry(std::move(entry))
{
}


RequestDeadlineWatchdog::Registration::Registration(Registration&& other) noexcept:
	_watchdog(other._watchdog),
	_entry(std::move(other._entry))
{
	other._watchdog = nullptr;
}


RequestDeadlineWatchdog::Registration& RequestDeadlineWatchdog::Registration::operator = (Registration&& other) noexcept
{
	if (this != &other)
	{
		disarm();
		_watchdog = other._watchdog;
		_entry = std::move(other._entry);
		other._watchdog = nullptr;
	}
	return *this;
}


RequestDeadlineWatchdog::Registration::~Registration()
{
	disarm();
}


void RequestDeadlineWatchdog::Registration::disarm()
{
	if (_watchdog && _entry) _watchdog->disarm(*_entry);
}


bool RequestDeadlineWatchdog::Registration::expired() const
{
	return _entry && _entry->expired.load();
}


int RequestDeadlineWatchdog::Registration::timeoutSeconds() const
{
	return _entry ? _entry->timeoutSeconds : 0;
}


std::string RequestDeadlineWatchdog::Registration::message() const
{
	return "The request was not received in full within " + std::to_string(timeoutSeconds()) +
		" s (server.request_timeout_seconds)";
}


RequestDeadlineWatchdog::RequestDeadlineWatchdog() = default;


RequestDeadlineWatchdog::~RequestDeadlineWatchdog()
{
	stop();
}


void RequestDeadlineWatchdog::start()
{
	std::lock_guard<std::mutex> lock(_mutex);
	if (_thread.joinable()) return;
	_stopping = false;
	_thread = std::thread([this] { run(); });
}


void RequestDeadlineWatchdog::stop()
{
	{
		std::lock_guard<std::mutex> lock(_mutex);
		_stopping = true;
	}
	_wake.notify_all();
	if (_thread.joinable()) _thread.join();
}


RequestDeadlineWatchdog::Registration RequestDeadlineWatchdog::arm(const Poco::Net::StreamSocket& socket, int timeoutSeconds)
{
	auto entry = std::make_shared<Registration::Entry>();
	entry->socket = socket;
	entry->timeoutSeconds = timeoutSeconds;
	Clock::time_point deadline = Clock::now() + std::chrono::seconds(timeoutSeconds);
	std::lock_guard<std::mutex> lock(_mutex);
	entry->position = _deadlines.emplace(deadline, entry);
	return Registration(this, entry);
}


void RequestDeadlineWatchdog::disarm(Registration::Entry& entry)
{
	std::lock_guard<std::mutex> lock(_mutex);
	if (!entry.armed) return;
	entry.armed = false;
	_deadlines.erase(entry.position);
}


std::size_t RequestDeadlineWatchdog::armedCount() const
{
	std::lock_guard<std::mutex> lock(_mutex);
	return _deadlines.size();
}


void RequestDeadlineWatchdog::run()
{
	// Deadlines are whole seconds: checking four times a second is precise
	// enough, and arming a deadline never has to wake this thread.
	const auto interval = std::chrono::milliseconds(250);
	std::unique_lock<std::mutex> lock(_mutex);
	while (!_stopping)
	{
		_wake.wait_for(lock, interval, [this] { return _stopping; });
		Clock::time_point now = Clock::now();
		while (!_deadlines.empty() && _deadlines.begin()->first <= now)
		{
			std::shared_ptr<Registration::Entry> entry = _deadlines.begin()->second;
			_deadlines.erase(_deadlines.begin());
			entry->armed = false;
			entry->expired = true;
			// Under the lock: a registration disarmed a moment ago must not
			// see its socket shut down after disarm() returned.
			try
			{
				entry->socket.shutdownReceive();
			}
			catch (Poco::Exception&)
			{
				// Already gone: nothing left to stop.
			}
		}
	}
}


} // namespace Nash
