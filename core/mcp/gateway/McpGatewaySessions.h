//
// McpGatewaySessions.h
//
// The sessions of the MCP gateway's Streamable HTTP endpoint
// (Mcp-Session-Id).
//


#ifndef Nash_McpGatewaySessions_INCLUDED
#define Nash_McpGatewaySessions_INCLUDED


#include "core/mcp/gateway/McpEventStream.h"
#include "core/mcp/gateway/McpGateway.h"
#include "Nash/CancellationToken.h"
#include <chrono>
#include <cstddef>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>


namespace Nash {


class McpGatewaySessions
	/// Creates, finds and ends sessions. A session belongs to the
	/// credential that created it: another one does not find it. Sessions
	/// idle for longer than the idle limit end by themselves; past the
	/// count limit the longest idle one ends to make room.
	///
	/// Safe to use from many threads.
{
public:
	struct Session
	{
		std::string id;
		std::string owner;
			/// The credential (a hash of it) that created the session.
		std::mutex mutex;
			// Guards caller and inFlight.
		McpGateway::Caller caller;
		std::map<std::string, std::shared_ptr<CancellationToken>> inFlight;
			/// The requests being answered, by their JSON-RPC id as JSON
			/// text: notifications/cancelled ends them.
		std::shared_ptr<McpEventStream> own;
			/// What the servers send for the client between calls (GET).
		std::map<std::string, std::shared_ptr<McpEventStream>> calls;
			/// The event streams of the latest calls, by name, for resumption.
		std::chrono::steady_clock::time_point lastUsed;
			/// Guarded by the registry's mutex.
	};

	using EndHandler = std::function<void(const std::string& id)>;

	McpGatewaySessions(std::chrono::seconds idleLimit, std::size_t countLimit, EndHandler onEnd = EndHandler());
		/// onEnd is called for every session that ends (by end(), idleness
		/// or to make room), outside the registry's lock.

	std::shared_ptr<Session> create(const std::string& owner);
		/// A new session with a random id.

	std::shared_ptr<Session> find(const std::string& id, const std::string& owner);
		/// The live session id of owner, null when there is none; marks it used.

	bool end(const std::string& id, const std::string& owner);
		/// Ends the session (cancelling what it has in flight, finishing its
		/// own stream); false when there was none.

	std::size_t size() const;

private:
	std::chrono::seconds _idleLimit;
	std::size_t _countLimit;
	EndHandler _onEnd;
	mutable std::mutex _mutex;
	std::map<std::string, std::shared_ptr<Session>> _sessions;
};


} // namespace Nash


#endif // Nash_McpGatewaySessions_INCLUDED
