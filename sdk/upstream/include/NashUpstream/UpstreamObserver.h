//
// UpstreamObserver.h
//


#ifndef NashUpstream_UpstreamObserver_INCLUDED
#define NashUpstream_UpstreamObserver_INCLUDED


namespace NashUpstream {


class UpstreamObserver
	/// What the server counts of a backend's upstream exchanges (its
	/// metrics): each request sent, each connection taken from the pool or
	/// opened, each retry, the time to the answer's first byte and each
	/// failure by kind. Called on the thread of the exchange, from many
	/// threads at once; must not throw and must be cheap.
	///
	/// Not part of the plugin ABI (sdk/include/Nash): the server's
	/// ProviderExchange, which runs every ProviderBackend, implements
	/// ObservableUpstream and hands the observer to its UpstreamClient; the
	/// server finds that interface with a dynamic_cast, so a
	/// BlockingBackend without it is simply not counted.
{
public:
	enum class Failure
		/// Classified where the failure is decided: UpstreamClient::send()
		/// (Connect, Timeout, and Cut or Malformed before the head),
		/// ProviderCall (Status, and Timeout, Cut or Malformed of the body)
		/// and the backend, through ProviderCall::fail(kind, ...) (an error
		/// event, a stream that ends early, an answer without its fields).
	{
		Connect,   ///< no connection (refused, unreachable, DNS, TLS)
		Timeout,   ///< the connect, first-byte or idle timeout passed
		Status,    ///< an error status (after retries), or an error event in the stream
		Cut,       ///< the connection broke after the request went out, or the answer ended early
		Malformed  ///< the answer could not be read (not HTTP, JSON or the events expected; too long)
	};

	virtual ~UpstreamObserver();
		/// Defined out of line: the key function (see UpstreamHeadObserver).

	virtual void upstreamRequest() = 0;
		/// One request sent (each attempt of a retried call counts); an
		/// attempt that got no connection sent nothing and is not counted.
	virtual void upstreamConnection(bool reused) = 0;
		/// The request went out on a pooled connection (reused) or a new one;
		/// once per request, right after upstreamRequest(). A pooled session
		/// that Poco silently reconnects (its keep-alive timeout passed, or
		/// the first write failed) counts as new.
	virtual void upstreamRetry() = 0;
		/// An attempt failed before any byte reached the caller and is retried
		/// (a refused connection, a 429 or 5xx answer, a pooled connection
		/// the upstream had closed meanwhile).
	virtual void upstreamFirstByte(double seconds) = 0;
		/// From sending the request to the answer's head, per attempt answered
		/// (retried error answers included). The connect and TLS handshake of
		/// a new connection are not part of it: the time is the upstream's.
	virtual void upstreamFailure(Failure kind) = 0;
		/// A call that failed, once per call, by the kind of its failure. A
		/// call that was cancelled (the client went away) is no failure.
};


class ObservableUpstream
	/// What a backend implements besides its backend interface to have its
	/// upstream exchanges counted.
{
public:
	virtual ~ObservableUpstream();
	virtual void observeUpstream(UpstreamObserver* observer) = 0;
		/// Called once, after configure() and before any call; null stops.
		/// A backend takes it before configure() too (the provider backends
		/// keep it for the client configure() makes).
};


} // namespace NashUpstream


#endif // NashUpstream_UpstreamObserver_INCLUDED
