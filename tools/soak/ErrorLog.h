//
// ErrorLog.h
//
// The errors of a run, counted by what went wrong.
//


#ifndef NashSoak_ErrorLog_INCLUDED
#define NashSoak_ErrorLog_INCLUDED


#include <atomic>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>


namespace NashSoak {


class ErrorLog
	/// Thread-safe. Errors should be rare, so a mutex is cheap enough; the
	/// number of distinct messages kept is bounded so that a run that fails
	/// everything does not grow without end.
{
public:
	void add(const std::string& kind, const std::string& message);

	std::uint64_t count() const;

	std::map<std::string, std::uint64_t> distinct() const;
		/// "kind: message" and how often it happened.

private:
	static constexpr std::size_t MAX_DISTINCT = 100;

	std::atomic<std::uint64_t> _count{0};
	mutable std::mutex _mutex;
	std::map<std::string, std::uint64_t> _distinct;
};


} // namespace NashSoak


#endif // NashSoak_ErrorLog_INCLUDED
