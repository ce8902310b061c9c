//
// MemoryRelease.h
//


#ifndef Nash_MemoryRelease_INCLUDED
#define Nash_MemoryRelease_INCLUDED


#include <cstddef>


namespace Nash {


class MemoryRelease
	/// Gives the memory a large request needed back to the system: glibc
	/// keeps freed memory of its arenas otherwise, so that one large body
	/// would raise the process's size for good.
{
public:
	static void afterRequest(std::size_t bodyBytes);
		/// After a request with a body of bodyBytes: above 1 MiB, trims the
		/// allocator's free memory (glibc's malloc_trim), at most once a
		/// second; otherwise nothing.
};


} // namespace Nash


#endif // Nash_MemoryRelease_INCLUDED
