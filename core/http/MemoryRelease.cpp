//
// MemoryRelease.cpp
//


#include "core/http/MemoryRelease.h"
#include <atomic>
#if defined(__GLIBC__)
#include <malloc.h>
#endif


namespace Nash {


void MemoryRelease::configure()
{
#if defined(__GLIBC__)
	mallopt(M_MMAP_THRESHOLD, static_cast<int>(THRESHOLD));
#endif
}


void MemoryRelease::afterRequest(std::size_t bodyBytes)
{
#if defined(__GLIBC__)
	if (bodyBytes < THRESHOLD) return;
	// One thread trims at a time; a request that ends meanwhile asks it to
	// trim once more, so that its memory is returned too.
	static std::atomic<bool> trimming{false};
	static std::atomic<bool> again{false};
	again.store(true);
	while (!trimming.exchange(true))
	{
		while (again.exchange(false)) malloc_trim(0);
		trimming.store(false);
		if (!again.load()) break;
	}
#else
	(void) bodyBytes;
#endif
}


} // namespace Nash
