//
// OpenFileLimit.cpp
//


#include "core/app/OpenFileLimit.h"
#include "Poco/Platform.h"
#if defined(POCO_OS_FAMILY_UNIX)
#include <sys/resource.h>
#include <cerrno>
#include <cstring>
#endif


namespace Nash {


namespace {


#if defined(POCO_OS_FAMILY_UNIX)
std::string text(rlim_t value)
{
	return value == RLIM_INFINITY ? std::string("unlimited") : std::to_string(static_cast<unsigned long long>(value));
}
#endif


} // namespace


std::string OpenFileLimit::raiseToHard()
{
#if defined(POCO_OS_FAMILY_UNIX)
	struct rlimit limit;
	if (getrlimit(RLIMIT_NOFILE, &limit) != 0) return std::string("unknown (") + std::strerror(errno) + ")";
	if (limit.rlim_cur == limit.rlim_max) return text(limit.rlim_cur) + " (the hard limit)";
	rlim_t before = limit.rlim_cur;
	limit.rlim_cur = limit.rlim_max;
	if (setrlimit(RLIMIT_NOFILE, &limit) != 0)
	{
		// macOS refuses more than OPEN_MAX however high the hard limit is.
		std::string why = std::strerror(errno);
		return text(before) + " (could not be raised to the hard limit " + text(limit.rlim_max) + ": " + why + ")";
	}
	return text(limit.rlim_cur) + " (raised from " + text(before) + " to the hard limit)";
#else
	return "set by the system (no per-process limit to raise)";
#endif
}


long long OpenFileLimit::current()
{
#if defined(POCO_OS_FAMILY_UNIX)
	struct rlimit limit;
	if (getrlimit(RLIMIT_NOFILE, &limit) != 0 || limit.rlim_cur == RLIM_INFINITY) return -1;
	return static_cast<long long>(limit.rlim_cur);
#else
	return -1;
#endif
}


} // namespace Nash
