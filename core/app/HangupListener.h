//
// HangupListener.h
//


#ifndef Nash_HangupListener_INCLUDED
#define Nash_HangupListener_INCLUDED


#include <atomic>
#include <thread>


namespace Nash {


class HangupListener
	/// SIGHUP reopens the log files (after logrotate moved them), the Unix
	/// convention for daemons, instead of ending the process. A thread of its
	/// own waits for the signal; elsewhere it does nothing.
{
public:
	static void blockInThisThread();
		/// Blocks SIGHUP and the termination signals (SIGTERM, SIGQUIT,
		/// SIGINT) in the calling thread, and so in every thread it starts
		/// later: call it before any other thread exists. Only the threads
		/// that wait for them with sigwait() receive them then. (Children
		/// start with no signal blocked: Poco's launch clears the mask.)

	HangupListener();
	~HangupListener();

	void start();
	void stop();

	static void reopenLogs();
		/// Closes every logger's channel; a file channel opens its file
		/// again, by name, with the next message.

private:
	void run();

	std::atomic<bool> _stopping{false};
	std::thread _thread;
};


} // namespace Nash


#endif // Nash_HangupListener_INCLUDED
