//
// McpEventStream.h
//


#ifndef Nash_McpEventStream_INCLUDED
#define Nash_McpEventStream_INCLUDED


#include "core/mcp/gateway/McpGateway.h"
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <mutex>
#include <string>


namespace Nash {


class McpEventStream: public McpGateway::Sink
	/// The events of one stream of the Streamable HTTP transport (a call's,
	/// or a session's own), numbered from 1 and kept, so that a client whose
	/// connection broke can resume after the last one it saw
	/// (Last-Event-ID: "<name>-<number>"). Keeps the newest keep events.
	///
	/// Written from any thread. One reader at a time follows it: a new one
	/// (a client that reconnected) supersedes the one before, which may not
	/// have noticed yet that its connection is gone.
{
public:
	enum class Next
	{
		Event,
		Idle,
			/// Nothing new within the wait.
		Finished,
			/// Every event was read and no more will come.
		Superseded
			/// Another reader took over.
	};

	McpEventStream(std::string name, std::size_t keep);

	void send(const Poco::JSON::Object::Ptr& message) override;
	void append(const std::string& json);
	void finish();
		/// No more events: readers get Finished after the last one.

	std::uint64_t attachReader();
		/// Makes the caller the reader; returns its ticket.
	void detachReader(std::uint64_t ticket);
		/// The reader of ticket stopped (if it still is the reader).
	bool unreadFor(std::chrono::steady_clock::duration duration) const;
		/// No reader has followed the stream for at least duration.

	Next next(std::uint64_t ticket, std::uint64_t& after, std::string& data, std::chrono::milliseconds wait);
		/// The first event numbered above after that is still kept; after
		/// becomes its number.

	std::uint64_t newest() const;
		/// The number of the last event so far, 0 before the first.

	bool finished() const;
	bool waitFinished(std::chrono::milliseconds wait) const;

	const std::string& name() const;
	std::string idOf(std::uint64_t number) const;
		/// "<name>-<number>".
	static bool parseId(const std::string& id, std::string& name, std::uint64_t& number);

private:
	std::string _name;
	std::size_t _keep;
	mutable std::mutex _mutex;
	mutable std::condition_variable _condition;
	std::deque<std::string> _events;
	std::uint64_t _first = 1;
		// The number of _events.front().
	bool _finished = false;
	std::uint64_t _reader = 0;
		// The ticket of the current reader.
	bool _reading = false;
	std::chrono::steady_clock::time_point _unreadSince = std::chrono::steady_clock::now();
};


} // namespace Nash


#endif // Nash_McpEventStream_INCLUDED
