//
// HttpConnection.h
//


#ifndef Nash_HttpConnection_INCLUDED
#define Nash_HttpConnection_INCLUDED


#include "core/http/RequestParser.h"
#include "Poco/Net/HTTPServerSession.h"
#include "Poco/Net/SocketAddress.h"
#include "Poco/Net/StreamSocket.h"
#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <string>


namespace Nash {


class HttpServer;
class ServerResponse;


class HttpConnection: public std::enable_shared_from_this<HttpConnection>
	/// One client connection: the bytes read from it, the parser that
	/// splits them into requests, and the deadlines that bound each phase.
	///
	/// It lives in two places in turn. While it waits for a request (a new
	/// connection, or a kept-alive one between requests) and while its head
	/// arrives, it sits in the ConnectionPoller, which reads without blocking
	/// and holds no thread for it. Once a head is complete (or refused, or
	/// late), a worker thread serves it: reads the body as the handler asks,
	/// runs the handler, finishes the body, and serves any further request
	/// already read (pipelining) before handing the connection back.
	/// Only one of the two touches it at any time.
	///
	/// A third place: a handler may detach its answer (a stream relayed on
	/// an event loop). The worker then returns at once; the relay owns the
	/// connection until its answer's last byte is written, and gives it back
	/// with resumeAfterRelay().
{
public:
	using Clock = std::chrono::steady_clock;

	enum class Next
	{
		Wait,
			/// Back to the poller, to wait for (the rest of) a request.
		Serve,
			/// To a worker: a head is complete, refused, or too late.
		Linger,
			/// An answer was sent and the connection is to close: the
			/// poller reads and drops what the client still sends until it
			/// closes (or briefly), so that closing does not reset the
			/// connection before the client has read the answer.
		Close,
		Detached
			/// A relay writes the answer and owns the connection meanwhile.
	};

	using Relay = std::function<void(const std::shared_ptr<HttpConnection>& connection)>;

	HttpConnection(const Poco::Net::StreamSocket& socket, const std::string& clientKey, HttpServer& server);
	~HttpConnection();
	HttpConnection(const HttpConnection&) = delete;
	HttpConnection& operator = (const HttpConnection&) = delete;

	Next readHead(Clock::time_point now);
		/// Poller: reads what has arrived, without blocking, and parses it.

	Next expire(Clock::time_point now);
		/// Poller: the deadline passed. An idle connection closes; a head
		/// under way is answered 408 by a worker.

	Next serve();
		/// Worker: serves the requests that have arrived.

	Next answerBusy();
		/// Poller, when no worker can take the connection: answers 503.

	bool drainLingering();
		/// Poller, lingering: reads and drops what arrived. False when the
		/// client has closed (or failed) and the connection can go.

	void startLingering(Clock::time_point now);
		/// Sends the end of the connection and arms the linger deadline.

	void shutdown();
		/// From any thread: ends the connection now (the server stops).

	Clock::time_point deadline() const;
	Poco::Net::StreamSocket& socket();
	const Poco::Net::SocketAddress& clientAddress() const;
	const Poco::Net::SocketAddress& serverAddress() const;
	const std::string& clientKey() const;
		/// The client's IP address, for the per-client connection limit.

	void detach(Relay relay);
		/// Worker, in a handler: the answer is written elsewhere; relay is
		/// given the connection once the worker is done with it.
	void startRelay();
		/// Worker, after serve() returned Detached.
	void resumeAfterRelay(bool clean);
		/// The relay's thread, after the answer's last byte (clean) or after
		/// the client failed or the answer was cut (not clean): the
		/// connection goes on with the next request, lingers or closes.

	std::size_t readBody(char* buffer, std::size_t size);
		/// For ServerRequest: see ServerRequest::readBody().
	bool bodyComplete() const;

private:
	enum class Waiting
	{
		FirstHead,
		Idle,
		Head,
		Linger
	};

	bool parsePendingHead();
		/// Feeds the unread input to the parser; true when the head is
		/// complete or refused.
	void startRequest(Clock::time_point now);
	bool serveRequest(Next& next);
		/// Serves the request whose head is complete. True when the
		/// connection goes on with the next request.
	Next readSoon();
		/// Waits SOON_MICROSECONDS for more of the next request: Serve
		/// when bytes came (parse them), Wait when none did, Close when
		/// the client closed.

	static constexpr long SOON_MICROSECONDS = 2000;

	bool finishBody(std::size_t limit);
	void releaseBuffers();
		/// After a request: the buffers' memory beyond a few reads goes
		/// back to the allocator, and after a large body to the system
		/// (MemoryRelease).
		/// Reads and drops the rest of the body, up to limit bytes; true
		/// when the body ended.
	void receiveForBody();
	void refuse(int status, const std::string& reason, bool retryLater = false);
	void compactInput();
	void waitAgain(Clock::time_point now);
	int headSeconds() const;

	HttpServer& _server;
	Poco::Net::StreamSocket _socket;
	Poco::Net::SocketAddress _clientAddress;
	Poco::Net::SocketAddress _serverAddress;
	std::string _clientKey;
	Poco::Net::HTTPServerSession _session;
	RequestParser _parser;
	std::string _input;
	std::size_t _inputPos = 0;
	std::string _body;
	std::size_t _bodyPos = 0;
	Waiting _waiting = Waiting::FirstHead;
	Clock::time_point _deadline;
	Clock::time_point _requestStarted;
	Clock::time_point _requestDeadline;
	bool _headTimedOut = false;
	bool _broken = false;
	int _requests = 0;
	std::size_t _lingerBytes = 0;
	Relay _relay;
	bool _keepAliveAfterRelay = false;
};


} // namespace Nash


#endif // Nash_HttpConnection_INCLUDED
