//
// MemoryRelease.cpp
//


#include "core/http/MemoryRelease.h"
#include <atomic>
#include <chrono>
#if defined(__GLIBC__)
#include <malloc.h>
#endif


namespace Nash {


void MemoryRelease::afterRequest(std::size_t bodyBytes)
{
#if defined(__GLIBC__)
	const std::size_t threshold = 1024 * 1024;
	if (bodyBytes < threshold) return;
	static std::atomic<long long> lastTrim{0};
	long long now = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now().time_since_epoch()).count();
	long long last = lastTrim.load();
	if (now - last < 1000 || !lastTrim.compare_exchange_strong(last, now)) return;
	malloc_trim(0);
#else
	(void) bodyBytes;
#endif
}


} // namespace Nash
