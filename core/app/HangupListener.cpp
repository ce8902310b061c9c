//
// HangupListener.cpp
//


#include "core/app/HangupListener.h"
#include <cstdlib>
#include "Poco/Channel.h"
#include "Poco/Logger.h"
#include "Poco/Platform.h"
#include <set>
#include <vector>
#if defined(POCO_OS_FAMILY_UNIX)
#include <pthread.h>
#include <signal.h>
#endif


namespace Nash {


void HangupListener::blockInThisThread()
{
#if defined(POCO_OS_FAMILY_UNIX)
	// The termination signals too: ServerApplication waits for them with
	// sigwait() in the main thread, and a thread started later that did not
	// block them (Poco's threads leave SIGINT open) would be killed by one
	// that arrives while the main thread is not yet waiting.
	sigset_t signals;
	sigemptyset(&signals);
	sigaddset(&signals, SIGHUP);
	sigaddset(&signals, SIGTERM);
	sigaddset(&signals, SIGQUIT);
	if (!std::getenv("POCO_ENABLE_DEBUGGER")) sigaddset(&signals, SIGINT);
	pthread_sigmask(SIG_BLOCK, &signals, nullptr);
#endif
}


HangupListener::HangupListener() = default;


HangupListener::~HangupListener()
{
	stop();
}


void HangupListener::start()
{
#if defined(POCO_OS_FAMILY_UNIX)
	if (_thread.joinable()) return;
	_stopping = false;
	_thread = std::thread([this] { run(); });
#endif
}


void HangupListener::stop()
{
#if defined(POCO_OS_FAMILY_UNIX)
	if (!_thread.joinable()) return;
	_stopping = true;
	// The listener is waiting for SIGHUP: send it one to make it look at the flag.
	pthread_kill(_thread.native_handle(), SIGHUP);
	_thread.join();
#endif
}


void HangupListener::run()
{
#if defined(POCO_OS_FAMILY_UNIX)
	sigset_t hangup;
	sigemptyset(&hangup);
	sigaddset(&hangup, SIGHUP);
	while (!_stopping)
	{
		int signal = 0;
		if (sigwait(&hangup, &signal) != 0) continue;
		if (_stopping) break;
		reopenLogs();
		Poco::Logger::get("nash.server").information("SIGHUP: log files reopened");
	}
#endif
}


void HangupListener::reopenLogs()
{
	std::vector<std::string> names;
	Poco::Logger::names(names);
	names.push_back("");
	std::set<Poco::Channel*> closed;
	for (const auto& name: names)
	{
		Poco::Channel::Ptr channel = Poco::Logger::get(name).getChannel();
		if (channel && closed.insert(channel.get()).second) channel->close();
	}
}


} // namespace Nash
