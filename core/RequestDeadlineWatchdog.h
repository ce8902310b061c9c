//
// RequestDeadlineWatchdog.h
//


#ifndef Nash_RequestDeadlineWatchdog_INCLUDED
#define Nash_RequestDeadlineWatchdog_INCLUDED


#include "Poco/Net/StreamSocket.h"
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>


namespace Nash {


class RequestDeadlineWatchdog
	/// Bounds the time a client may take to send a whole request. A socket's
	/// read timeout only bounds each read, so a client sending a byte now and
	/// then (slowloris) could hold a thread for ever; one thread here shuts
	/// the reading side of such a connection down at its deadline, which ends
	/// the blocked read at once. The connection finds out from its
	/// registration and answers 408.
	///
	/// Shutting down, unlike closing, leaves the descriptor to its owner:
	/// no other thread can be handed the same descriptor number meanwhile.
{
public:
	using Clock = std::chrono::steady_clock;

	class Registration
		/// One request's deadline, armed until disarmed or destroyed.
	{
	public:
		Registration() = default;
		Registration(Registration&& other) noexcept;
		Registration& operator = (Registration&& other) noexcept;
		~Registration();
		Registration(const Registration&) = delete;
		Registration& operator = (const Registration&) = delete;

		void disarm();
			/// The request has been read: no shutdown can follow.

		bool expired() const;
			/// True when the deadline passed while armed.

		int timeoutSeconds() const;

		std::string message() const;
			/// What a client whose deadline passed is told.

	private:
		friend class RequestDeadlineWatchdog;
		struct Entry;
		Registration(RequestDeadlineWatchdog* watchdog, std::shared_ptr<Entry> entry);

		RequestDeadlineWatchdog* _watchdog = nullptr;
		std::shared_ptr<Entry> _entry;
	};

	RequestDeadlineWatchdog();
	~RequestDeadlineWatchdog();

	void start();
	void stop();

	Registration arm(const Poco::Net::StreamSocket& socket, int timeoutSeconds);
		/// Shuts socket's reading side down timeoutSeconds from now unless
		/// the registration is disarmed first.

	std::size_t armedCount() const;

private:
	using Deadlines = std::multimap<Clock::time_point, std::shared_ptr<Registration::Entry>>;

	void disarm(Registration::Entry& entry);
	void run();

	mutable std::mutex _mutex;
	std::condition_variable _wake;
	Deadlines _deadlines;
	bool _stopping = false;
	std::thread _thread;
};


} // namespace Nash


#endif // Nash_RequestDeadlineWatchdog_INCLUDED
