//
// CancellationToken.h
//
// Tells a backend or transport that the work it is doing is no longer wanted,
// typically because the HTTP client went away.
//


#ifndef Nash_CancellationToken_INCLUDED
#define Nash_CancellationToken_INCLUDED


#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <functional>
#include <map>
#include <mutex>


namespace Nash {


class CancellationToken
	/// A one-way flag, set once by the server, read by the plugin.
	///
	/// A backend polls isCancelled() between events, waits with waitFor()
	/// instead of sleeping, and registers a callback with onCancel() to break
	/// off a blocking call (for example HTTPSession::abort() on an upstream
	/// connection that is silent). Callbacks run on the thread that cancels.
{
public:
	using Callback = std::function<void()>;
	using Registration = std::size_t;

	CancellationToken() = default;
	CancellationToken(const CancellationToken&) = delete;
	CancellationToken& operator = (const CancellationToken&) = delete;

	void cancel()
		/// Sets the flag, wakes every waitFor() and runs every registered
		/// callback once. Later calls do nothing.
	{
		std::map<Registration, Callback> callbacks;
		{
			std::lock_guard<std::mutex> lock(_mutex);
			if (_cancelled) return;
			_cancelled = true;
			callbacks.swap(_callbacks);
		}
		_condition.notify_all();
		for (auto& entry: callbacks) entry.second();
	}

	bool isCancelled() const
		/// Returns true once cancel() has been called.
	{
		std::lock_guard<std::mutex> lock(_mutex);
		return _cancelled;
	}

	bool waitFor(std::chrono::milliseconds timeout) const
		/// Waits up to timeout. Returns true at once when cancelled,
		/// false when the time passed without cancellation.
	{
		std::unique_lock<std::mutex> lock(_mutex);
		return _condition.wait_for(lock, timeout, [this] { return _cancelled; });
	}

	Registration onCancel(Callback callback)
		/// Registers a callback to run when the token is cancelled. Runs it
		/// immediately (on the calling thread) when already cancelled; the
		/// returned registration is then 0.
	{
		{
			std::lock_guard<std::mutex> lock(_mutex);
			if (!_cancelled)
			{
				Registration id = ++_nextRegistration;
				_callbacks.emplace(id, std::move(callback));
				return id;
			}
		}
		callback();
		return 0;
	}

	void removeCallback(Registration registration)
		/// Removes a callback registered with onCancel(). A callback that is
		/// already running is not waited for.
	{
		std::lock_guard<std::mutex> lock(_mutex);
		_callbacks.erase(registration);
	}

private:
	mutable std::mutex _mutex;
	mutable std::condition_variable _condition;
	bool _cancelled = false;
	Registration _nextRegistration = 0;
	std::map<Registration, Callback> _callbacks;
};


} // namespace Nash


#endif // Nash_CancellationToken_INCLUDED
