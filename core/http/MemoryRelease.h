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
	static void configure();
		/// At start: every allocation of THRESHOLD bytes or more is mapped
		/// on its own and unmapped when freed. (glibc raises its mapping
		/// threshold after the first large block is freed, so that later
		/// large blocks come from the heap and stay in the process.)

	static void afterRequest(std::size_t bodyBytes);
		/// After a request with a body of bodyBytes: from THRESHOLD on,
		/// trims the allocator's free memory (glibc's malloc_trim, which
		/// takes about a millisecond); otherwise nothing.

	static constexpr std::size_t THRESHOLD = 256 * 1024;
};


} // namespace Nash


#endif // Nash_MemoryRelease_INCLUDED
