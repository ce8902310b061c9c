//
// UpstreamContext.h
//


#ifndef FakeUpstream_UpstreamContext_INCLUDED
#define FakeUpstream_UpstreamContext_INCLUDED


#include "UpstreamStats.h"
#include <atomic>


namespace FakeUpstream {


struct UpstreamContext
	/// What every handler shares, for the life of the server.
{
	UpstreamStats stats;
	std::atomic<bool> stopping{false};
		/// Set when the server shuts down; long waits end on it.
	std::atomic<long long> serial{0};
		/// Numbers the answers, for their ids.
};


} // namespace FakeUpstream


#endif // FakeUpstream_UpstreamContext_INCLUDED
