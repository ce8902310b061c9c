//
// LoopExchange.h
//


#ifndef Nash_LoopExchange_INCLUDED
#define Nash_LoopExchange_INCLUDED


#include "core/http/ResponseParser.h"
#include "core/loop/LoopThread.h"
#include "NashUpstream/UpstreamObserver.h"
#include "NashUpstream/UpstreamSettings.h"
#include "Nash/ChatDecoder.h"
#include "Nash/ChatEventSink.h"
#include "Nash/ChatRequest.h"
#include "Nash/ProviderBackend.h"
#include "Poco/Net/SocketAddress.h"
#include "Poco/Net/StreamSocket.h"
#include <chrono>
#include <functional>
#include <memory>
#include <string>


namespace Nash {


class LoopExchange: public std::enable_shared_from_this<LoopExchange>
	/// One streamed chat call of a ProviderBackend (a translator), done
	/// without blocking on a LoopThread: the event-loop counterpart of
	/// NashUpstream::ProviderExchange::streamChat(), with the same
	/// behaviours, over plain http:// (supports() says which settings it
	/// serves; for https the caller uses the blocking ProviderExchange).
	///
	/// What it does, as UpstreamClient and ProviderCall do it: takes a
	/// kept-alive connection to the upstream's address from the thread's
	/// IdleConnectionPool or connects anew (non-blocking, within the connect
	/// timeout), writes the translator's request (the base URL's path
	/// prefix, Host, the configured headers then the translator's, Content-
	/// Type: application/json, Content-Length, keep-alive), waits for the
	/// answer's head within the first-byte timeout, and retries before the
	/// first byte of an answer reached the sink: a connection that fails
	/// (with back-off, retry_base_delay_ms doubled each attempt, up to
	/// max_retries), a 429 or 5xx answer (after its Retry-After, when that is
	/// within max_retry_delay_ms), and at once a pooled connection that the
	/// upstream had closed. A 2xx body goes, byte by byte as it arrives
	/// (through the thread's one read buffer), to the translator's decoder
	/// and so to the sink, each read within the idle timeout of the one
	/// before; the decoder's end() at the body's end. An error answer's
	/// body (up to 64 KiB) becomes UpstreamError::describeStatus(), with the
	/// status as the failure's code. The connection goes back to the pool
	/// when the answer was read whole and the upstream keeps it alive.
	///
	/// The observer (if any) is told what UpstreamClient tells it: each
	/// request sent and whether its connection was reused, each retry, the
	/// time to each answer's head, and the call's failure, once, by kind (a
	/// cancelled call is none).
	///
	/// Threading and ownership: made with create() (always held by a
	/// shared_ptr, which its callbacks lock while they run), on any thread;
	/// start(), cancel(), pause(), resume() and the destructor belong to the
	/// loop thread (or run while it does not). The sink and the completion
	/// are called on the loop thread, the completion exactly once unless the
	/// exchange is destroyed first (destroying it before it completed closes
	/// the connection and calls nothing). The completion may drop the last
	/// reference to the exchange. The provider, the sink and the observer
	/// must outlive the exchange, and the exchange its LoopThread's stop().
	///
	/// Back-pressure: pause() stops reading the upstream (the socket is no
	/// longer watched, so the kernel's buffers fill and TCP slows the
	/// upstream down), resume() reads on; the timeouts do not run while
	/// paused. The bytes of the read under way when pause() is called (at
	/// most the thread's buffer size) are all decoded and given to the sink
	/// first. cancel() closes the connection at once and completes the call
	/// as Cancelled; it may be called from the sink's callbacks.
	///
	/// Memory: per call, the request's text until the first byte of the
	/// answer, the response parser's state and the decoder's; reads go
	/// through the LoopThread's buffer.
{
public:
	using Clock = std::chrono::steady_clock;

	enum class Result
	{
		Complete,
			/// The answer was whole; the sink has all of it.
		Cancelled,
			/// cancel() ended the call.
		Failed
			/// See message.
	};

	struct Outcome
	{
		Result result = Result::Complete;
		std::string message;
			/// Failed: what went wrong, as a client is shown it, without the
			/// provider's secrets or URL credentials.
		int status = 0;
			/// Failed: the provider's HTTP status when it refused (the code
			/// of the BackendException the blocking exchange would throw),
			/// else 0.
		bool upstreamFailure = false;
			/// Failed because of the upstream (counted with the observer as
			/// failure); false for a request the translator could not build
			/// or an exception of the sink.
		NashUpstream::UpstreamObserver::Failure failure = NashUpstream::UpstreamObserver::Failure::Connect;
			/// The kind, when upstreamFailure.
	};

	using Completion = std::function<void(const Outcome& outcome)>;

	static constexpr std::size_t MAX_ERROR_BODY_BYTES = 64 * 1024;

	static std::shared_ptr<LoopExchange> create(LoopThread& loop, const Nash::ProviderBackend& provider,
		std::shared_ptr<const NashUpstream::UpstreamSettings> settings, Nash::ChatEventSink& sink,
		Completion completion, NashUpstream::UpstreamObserver* observer = nullptr);
		/// An exchange of provider's, with settings (its base URL, timeouts,
		/// retries, headers, pool bound), not started.

	static bool supports(const NashUpstream::UpstreamSettings& settings);
		/// Whether the base URL is one this class can serve (http://).

	static Poco::Net::SocketAddress resolve(const NashUpstream::UpstreamSettings& settings);
		/// The base URL's address (blocking: a DNS lookup unless the host is
		/// an IP literal). Throws Poco::Exception when it cannot be resolved.

	~LoopExchange();

	LoopExchange(const LoopExchange&) = delete;
	LoopExchange& operator = (const LoopExchange&) = delete;

	void setAddress(const Poco::Net::SocketAddress& address);
		/// The upstream's address, resolved by the caller (resolve()), before
		/// start(). Without it, an IP literal is used as it is, and a host
		/// name is resolved on a thread of its own, which then posts the
		/// rest of start() to the loop thread.

	void start(const Nash::ChatRequest& request);
		/// Builds the request with the translator (its BackendException
		/// completes the call as failed, not counted) and sends it. request
		/// is not used after start() returns.

	void cancel();
		/// Closes the connection at once and completes as Cancelled; does
		/// nothing when already completed.

	void pause();
	void resume();
		/// Stop and restart reading the answer.

	bool isPaused() const;
	bool isDone() const;

	int attempts() const;
		/// Requests sent so far (1 without retries).

private:
	enum class State
	{
		Idle,
		Resolving,
		Connecting,
		Writing,
		WaitingHead,
		Body,
		ErrorBody,
		BackingOff,
		Done
	};

	LoopExchange(LoopThread& loop, const Nash::ProviderBackend& provider,
		std::shared_ptr<const NashUpstream::UpstreamSettings> settings, Nash::ChatEventSink& sink,
		Completion completion, NashUpstream::UpstreamObserver* observer);

	void buildRequest(const Nash::UpstreamRequest& upstream);
	void resolveAndStart();
	void resolved(bool ok, const Poco::Net::SocketAddress& address, const std::string& problem);
	void attempt();
	void connected();
	void onSocket(int events);
	void writeSome();
	void readSome();
	void feed(const char* data, std::size_t length);
	void onBodyBytes(const char* data, std::size_t length);
	void onHead();
	void onAnswerComplete(bool reusable);
	void onEndOfInput();
	void onTimer();
	void armTimer(Clock::duration delay);
	void armReadTimer();
	void beforeHeadFailed(NashUpstream::UpstreamObserver::Failure kind, const std::string& detail, bool stale);
	void bodyBroke(const std::string& detail);
	void backOff(long milliseconds);
	void releaseConnection();
	void closeConnection();
	void watchEvents();
	template <typename Work> void translating(Work&& work);
	void fail(NashUpstream::UpstreamObserver::Failure kind, const std::string& message, int status = 0);
	void failUncounted(const std::string& message, int status = 0);
	void finish(Outcome outcome);
	std::string describe() const;
	bool reading() const;

	LoopThread& _loop;
	const Nash::ProviderBackend& _provider;
	std::shared_ptr<const NashUpstream::UpstreamSettings> _settings;
	Nash::ChatEventSink& _sink;
	Completion _completion;
	NashUpstream::UpstreamObserver* _observer;
	State _state = State::Idle;
	bool _hasAddress = false;
	Poco::Net::SocketAddress _address;
	std::string _request;
		/// The request's bytes, kept for retries until an answer is taken.
	std::size_t _written = 0;
	std::unique_ptr<Nash::ChatDecoder> _decoder;
	std::unique_ptr<ResponseParser> _parser;
	Poco::Net::StreamSocket _socket;
	bool _connected = false;
	bool _watched = false;
	bool _reused = false;
	bool _sent = false;
	bool _paused = false;
	int _retries = 0;
		/// Retries with back-off so far (stale pooled connections not counted).
	int _attempts = 0;
	Clock::duration _connectTimeout;
	Clock::duration _firstByteTimeout;
	Clock::duration _idleTimeout;
	int _maxRetries = 0;
	LoopThread::Timer _timer;
	Clock::time_point _lastActivity;
	Clock::time_point _sentAt;
	std::string _errorBody;
	bool _errorBodyTooLong = false;
};


} // namespace Nash


#endif // Nash_LoopExchange_INCLUDED
