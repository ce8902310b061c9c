//
// HttpSessionState.h
//
// The Streamable HTTP session: Mcp-Session-Id, MCP-Protocol-Version and
// what it takes to start the session again.
//


#ifndef Nash_HttpSessionState_INCLUDED
#define Nash_HttpSessionState_INCLUDED


#include "OAuthClient.h"
#include "Poco/Net/HTTPRequest.h"
#include <map>
#include <memory>
#include <mutex>
#include <string>


namespace Nash {


class HttpSessionState
	/// The session id the server gave at initialize goes with every later
	/// request, the protocol version once negotiated, the configured
	/// headers and the OAuth token with all of them (prepare()). The
	/// client's initialize and notifications/initialized are kept, so that
	/// the transport can replay them when the server forgets the session.
	/// Thread-safe.
{
public:
	struct Replay
		/// What renewing a session replays.
	{
		bool needed = false;
			/// False when the session is no longer the expired one:
			/// another thread renewed it meanwhile.
		std::string initialize;
			/// Empty when the client sent none: nothing can be replayed.
		std::string initialized;
		std::string protocolVersion;
		int number = 0;
			/// Counts the renewals, for an id of the replayed initialize.
	};

	void configure(const std::map<std::string, std::string>& headers, std::shared_ptr<OAuthClient> oauth);
		/// The configured headers, and the OAuth client (null for none).

	void reset();
		/// Forgets the session: a new start() begins without one.

	void remember(const std::string& method, const std::string& message);
		/// Keeps a message of the client that starts a session:
		/// "initialize" (which also drops the session id, as a new session
		/// begins) or "notifications/initialized".

	std::string prepare(Poco::Net::HTTPRequest& request, const std::string& sessionId) const;
		/// Sets the configured headers, the bearer token, Mcp-Session-Id
		/// (unless sessionId is empty) and MCP-Protocol-Version. Returns the
		/// access token the request carries, empty for none.

	std::string sessionId() const;
	void setSessionId(const std::string& sessionId);
	void setProtocolVersion(const std::string& version);

	Replay replay(const std::string& expiredId);
		/// What to replay for a new session in place of expiredId.

private:
	mutable std::mutex _mutex;
	std::map<std::string, std::string> _headers;
	std::shared_ptr<OAuthClient> _oauth;
	std::string _sessionId;
	std::string _protocolVersion;
	std::string _initializeMessage;
	std::string _initializedMessage;
	int _renewals = 0;
};


} // namespace Nash


#endif // Nash_HttpSessionState_INCLUDED
