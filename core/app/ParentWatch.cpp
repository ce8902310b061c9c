//
// ParentWatch.cpp
//


#include "core/app/ParentWatch.h"
#include "Poco/Logger.h"
#include "Poco/Util/ServerApplication.h"
#include <chrono>
#include <cstdio>
#include <thread>
#if defined(_WIN32)
#include <io.h>
#else
#include <unistd.h>
#endif


namespace Nash {


namespace {


void terminateBecause(const char* reason)
{
	Poco::Logger::get("Application").information("Stopping: %s (--exit-with-parent)", std::string(reason));
	Poco::Util::ServerApplication::terminate();
}


} // namespace


void ParentWatch::start()
{
	// Blocked in read() until the end; detached, since nothing can wake it
	// at shutdown, and it touches nothing that shutdown destroys.
	std::thread([] {
		char buffer[256];
		while (true)
		{
#if defined(_WIN32)
			int n = _read(0, buffer, sizeof(buffer));
#else
			ssize_t n = ::read(0, buffer, sizeof(buffer));
#endif
			if (n == 0) break;
			if (n < 0)
			{
#if !defined(_WIN32)
				if (errno == EINTR) continue;
#endif
				// No standard input to watch (closed or not readable).
				return;
			}
		}
		terminateBecause("standard input was closed");
	}).detach();

#if !defined(_WIN32)
	pid_t parent = ::getppid();
	std::thread([parent] {
		while (::getppid() == parent) std::this_thread::sleep_for(std::chrono::milliseconds(500));
		terminateBecause("the parent process is gone");
	}).detach();
#endif
}


} // namespace Nash
