//
// RunState.h
//
// What the workers and the main thread of a run share.
//


#ifndef NashSoak_RunState_INCLUDED
#define NashSoak_RunState_INCLUDED


#include "ErrorLog.h"
#include <atomic>
#include <cstdint>


namespace NashSoak {


struct RunState
{
	std::atomic<bool> stop{false};
	std::atomic<bool> measuring{false};
		/// False in the warm-up: requests are checked, not measured.
	std::atomic<std::uint64_t> warmupRequests{0};
	std::atomic<std::uint64_t> measuredRequests{0};
	std::atomic<std::uint64_t> warmupErrors{0};
	ErrorLog errors;
		/// Every error, warm-up included.
};


} // namespace NashSoak


#endif // NashSoak_RunState_INCLUDED
