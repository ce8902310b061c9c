//
// HttpTransport.h
//
// The MCP Streamable HTTP transport (protocol 2025-03-26 and later): every
// message is one POST to the server's endpoint; answers come as JSON or as
// a server-sent event stream.
//


#ifndef Nash_HttpTransport_INCLUDED
#define Nash_HttpTransport_INCLUDED


#include "AuthorizationAgent.h"
#include "HttpAnswer.h"
#include "HttpConnector.h"
#include "HttpExchanges.h"
#include "HttpPoster.h"
#include "HttpSessionState.h"
#include "HttpTransportSettings.h"
#include "LegacySseTransport.h"
#include "OAuthClient.h"
#include "ServerEventStream.h"
#include "Nash/McpTransport.h"
#include "Poco/Dynamic/Var.h"
#include "Poco/Logger.h"
#include <memory>
#include <mutex>
#include <string>


namespace Nash {


class HttpTransport: public McpTransport
	/// Section keys (relative to the server's section):
	///   url               the MCP endpoint, http:// or https://; required
	///   headers.NAME      sent with every request (e.g. Authorization)
	///   connect_timeout   seconds to connect (default 10)
	///   read_timeout      seconds of silence on an answer before it is
	///                     given up (default 600; the client's own request
	///                     timeouts are shorter and cancel earlier)
	///   tls_verify        false accepts any certificate (default true)
	///   max_message_size  bytes of one message (a JSON body or an event's
	///                     data); a larger answer fails its request
	///                     (default 64 MiB)
	///   legacy_sse        true: the server speaks HTTP+SSE of 2024-11-05
	///                     (set for type "sse")
	///   oauth.*           authorization (OAuthSettings)
	///
	/// Each send() runs its POST on a thread of its own, so a slow answer
	/// never holds the caller (whose timeout and cancellation stay in
	/// force). Answers: 202 for notifications and responses; JSON (one
	/// message or a batch); or an event stream, whose "message" events are
	/// delivered in order (events with empty data, the priming event of
	/// 2025-11-25, are skipped). When a stream ends before the answer to
	/// its request, the transport resumes it with GET and Last-Event-ID
	/// after the "retry:" the server asked for (at most 3 times), then gives
	/// the request a JSON-RPC error rather than leaving it to time out.
	///
	/// Sessions: the Mcp-Session-Id the server gives at initialize is sent
	/// with every later request, MCP-Protocol-Version once negotiated. A 404
	/// to a request that carried the session id (or a 400 whose body speaks
	/// of the session, as some servers answer) means the server forgot the
	/// session: the transport starts a new one by itself, replaying the
	/// client's initialize and notifications/initialized, and then sends the
	/// request again; the client sees nothing but list_changed notifications
	/// (the new session's lists may differ). A server that answers the
	/// replayed initialize with another protocol version is reported closed.
	/// stop() ends the session with DELETE.
	///
	/// When the client cancels a request (notifications/cancelled), the
	/// connection still waiting for its answer is shut down, so that a
	/// server that never answers holds no thread of ours.
	///
	/// An HTTP error answer to a request, or an answer that breaks off
	/// without the response, becomes a JSON-RPC error answer (code -32000,
	/// "HTTP <status> ..."); a server that cannot be reached at all is
	/// reported with transportClosed().
	///
	/// A JSON body or event that cannot be parsed (McpMessageText: not
	/// valid JSON, or nested too deeply) is passed on all the same: the
	/// listener fails the request it answers when McpMessageText can tell
	/// the id, and the POST's own request counts as answered then. A JSON
	/// body whose id cannot be told fails the POST's request with a
	/// JSON-RPC error saying what is wrong with it.
	///
	/// Messages the server sends outside of answers (its own requests such
	/// as ping or elicitation/create, list_changed, log messages) come on a
	/// GET event stream, opened once the client sent
	/// notifications/initialized and reopened (with Last-Event-ID, after the
	/// server's "retry:") while the transport is open. A server that answers
	/// the GET with 405 offers no such stream.
	///
	/// The legacy HTTP+SSE transport of 2024-11-05 (LegacySseTransport) is
	/// used for servers configured with "legacy_sse" (type "sse"), and as
	/// the fallback when the POST of initialize is answered 400, 404 or 405.
	///
	/// Authorization (MCP's OAuth 2.1 profile, see OAuthClient and the
	/// oauth.* keys of OAuthSettings): a 401, or a 403 with
	/// error="insufficient_scope", to a POST makes the transport obtain a
	/// token and send the POST again; the token then goes with every request
	/// (GET streams and DELETE too). When it cannot be obtained, the request
	/// gets the JSON-RPC error with the reason. The legacy HTTP+SSE transport
	/// sends configured headers only.
	///
	/// The parts: HttpTransportSettings (the keys), HttpConnector (the
	/// connections), HttpSessionState (session id, protocol version, headers),
	/// HttpExchanges (threads and connections that stop() breaks off),
	/// HttpPoster (a POST and its answer, resumed), ServerEventStream (the
	/// GET stream), SseEventReader (every event stream, bounded), HttpAnswer
	/// (what a status means) and JsonRpcMessages; this class decides what
	/// each answer leads to.
{
public:
	HttpTransport();
	~HttpTransport() override;

	void configure(const std::string& serverName, const Poco::Util::AbstractConfiguration& section) override;
	void start(McpTransportListener& listener) override;
	void send(const std::string& message) override;
	void stop() override;
	bool isOpen() const override;
	void setProtocolVersion(const std::string& version) override;

	std::string sessionId() const;
		/// The current Mcp-Session-Id, empty when the server gave none.

	void setAuthorizationAgent(std::shared_ptr<AuthorizationAgent> agent);
		/// Who does the interactive step of an authorization code grant.
		/// Default: a LoopbackAuthorizationAgent (the URL goes to the log,
		/// the browser comes back to oauth.redirect_uri). Call before
		/// configure() or between stop() and start().

private:
	using Exchange = HttpExchanges::Exchange;

	void exchange(Exchange& slot, const std::string& message, const Poco::Dynamic::Var& id);
	bool authorize(Exchange& slot, const HttpAnswer& answer, bool interactive, int& attempts, std::string& failure);
	bool renewSession(Exchange& slot, const std::string& expiredId);
	std::unique_ptr<LegacySseTransport> makeLegacy() const;
	bool fallBackToLegacy(const std::string& initialize);
	void deliver(const std::string& message);
	void deliverError(const Poco::Dynamic::Var& id, const std::string& text);
	void closeOnce(const std::string& reason);
	bool stopping() const;

	HttpTransportSettings _settings;
	HttpConnector _connector;
	Poco::Logger* _logger = nullptr;
	std::shared_ptr<AuthorizationAgent> _agent;
	std::shared_ptr<OAuthClient> _oauth;
		// Null when oauth.enabled is false. Outlives start() and stop(): a
		// restarted session keeps its token.
	HttpSessionState _state;
	HttpExchanges _exchanges;
	HttpPoster _poster{_settings, _connector, _state, _exchanges};
	ServerEventStream _events{_settings, _connector, _state, _exchanges};

	mutable std::mutex _mutex;
	McpTransportListener* _listener = nullptr;
	bool _started = false;
	bool _stopping = false;
	bool _closed = false;
	std::unique_ptr<LegacySseTransport> _legacy;
		// Set when the server speaks HTTP+SSE; every message then goes there.

	std::mutex _renewMutex;
	std::recursive_mutex _deliverMutex;
		// Held while delivering and closing: no message follows transportClosed().
		// Recursive: a listener may send (a ping answer) while a message is delivered.
};


} // namespace Nash


#endif // Nash_HttpTransport_INCLUDED
