//
// McpSession.h
//
// JSON-RPC 2.0 over one run of an McpTransport: many threads may have
// requests in flight at once, answers are matched to them by id in whatever
// order they come.
//


#ifndef Nash_McpSession_INCLUDED
#define Nash_McpSession_INCLUDED


#include "McpElicitation.h"
#include "McpError.h"
#include "McpServerEvents.h"
#include "Nash/CancellationToken.h"
#include "Nash/McpTransport.h"
#include "Poco/Dynamic/Var.h"
#include "Poco/JSON/Object.h"
#include "Poco/Logger.h"
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <shared_mutex>
#include <string>


namespace Nash {


class McpSession: public McpTransportListener, public std::enable_shared_from_this<McpSession>
	/// The JSON-RPC side of one connection to an MCP server. It is the
	/// transport's listener: it routes answers to the waiting request,
	/// answers the server's own requests (ping; elicitation/create under
	/// the server's elicitation policy; -32601 for everything we did not
	/// declare: roots/list, sampling/createMessage ...) and hands
	/// notifications to its owner.
	///
	/// A session is used for one transport run only; after the transport
	/// closed, a new connection gets a new session, so a late answer of the
	/// old run can never be taken for one of the new.
{
public:
	using NotificationHandler = std::function<void(const std::string& method, const Poco::JSON::Object::Ptr& params)>;
		/// Called on the transport's thread for every notification.
	using CloseHandler = std::function<void(const std::string& reason)>;
		/// Called on the transport's thread when the transport reports the
		/// server gone (not for close()).

	McpSession(const std::string& serverName, McpTransport& transport, NotificationHandler onNotification, CloseHandler onClose,
		ElicitationPolicy elicitation = ElicitationPolicy::None, McpServerEvents* events = nullptr);
		/// events, when given, is offered the server's requests first (and
		/// must outlive the session). Create the session with
		/// std::make_shared: a relayed answer holds it weakly.
	~McpSession() override;

	Poco::JSON::Object::Ptr clientCapabilities(const std::string& protocolVersion) const;
		/// The "capabilities" of initialize: what this session answers when
		/// the server asks (the server may use exactly these and nothing
		/// else). protocolVersion is the one offered.

	Poco::Dynamic::Var request(const std::string& method, const Poco::JSON::Object::Ptr& params, std::chrono::milliseconds timeout, const CancellationToken* cancel, bool cancellable = true);
		/// Sends a request and waits for its answer; returns its "result".
		/// When the timeout passes or cancel is cancelled, sends
		/// notifications/cancelled for it (unless cancellable is false, as
		/// for initialize, which the spec forbids cancelling). Throws
		/// McpError: 502 for a JSON-RPC error (isRpcError()), 502 at once
		/// for an answer that cannot be used (McpError::invalidAnswer(): not
		/// valid JSON or nested deeper than McpMessageText::MAX_DEPTH, when
		/// its id can still be told; neither result nor error), 504 on
		/// timeout, 499 when cancelled, 503 when the session is closed or
		/// the transport failed to send.

	void notify(const std::string& method, const Poco::JSON::Object::Ptr& params);
		/// Sends a notification. Throws McpError 503 when the session is
		/// closed or the transport failed.

	void close(const std::string& reason);
		/// Fails every waiting request with 503 and refuses new ones.
		/// Waits for sends in progress, so no message of this session is
		/// sent after it returns. Does not touch the transport.

	bool isOpen() const;

	std::size_t pendingCount() const;
		/// Requests waiting for an answer (for tests and health).

	void messageReceived(const std::string& message) override;
	void transportClosed(const std::string& reason) override;

	static std::string describe(std::chrono::milliseconds duration);
		/// "10 s", "250 ms": durations in messages.

private:
	struct Pending
	{
		std::mutex mutex;
		std::condition_variable condition;
		std::string method;
		bool done = false;
		bool cancelled = false;
		Poco::Dynamic::Var result;
		std::unique_ptr<McpError> error;
	};

	void handleMessage(const Poco::JSON::Object::Ptr& message);
	void handleResponse(const Poco::JSON::Object::Ptr& message);
	void handleServerRequest(const Poco::JSON::Object::Ptr& message);
	Poco::JSON::Object::Ptr elicit(const Poco::JSON::Object::Ptr& params);
	void send(const Poco::JSON::Object::Ptr& message);
	void sendIfOpen(const Poco::JSON::Object::Ptr& message);
	void fail(const std::string& reason);
	bool refuseAnswer(const std::string& key, const std::string& problem);
		/// Fails the request waiting under key with McpError::invalidAnswer;
		/// false when nobody waits for it.
	static std::string idKey(const Poco::Dynamic::Var& id);
	static std::string keyOfIdText(const std::string& id);
		/// idKey() of an id given as JSON text.

	std::string _serverName;
	McpTransport& _transport;
	NotificationHandler _onNotification;
	CloseHandler _onClose;
	ElicitationPolicy _elicitation;
	McpServerEvents* _events;
	Poco::Logger& _logger;

	mutable std::shared_mutex _sendMutex;
		// Shared by senders, exclusive for close(): nothing is sent after close().
	mutable std::mutex _mutex;
	bool _open = true;
	std::string _closeReason;
	std::map<std::string, std::shared_ptr<Pending>> _pending;
	std::atomic<std::int64_t> _nextId{0};
};


} // namespace Nash


#endif // Nash_McpSession_INCLUDED
