//
// UpstreamClient.h
//


#ifndef NashUpstream_UpstreamClient_INCLUDED
#define NashUpstream_UpstreamClient_INCLUDED


#include "NashUpstream/UpstreamObserver.h"
#include "NashUpstream/UpstreamSettings.h"
#include "Nash/CancellationToken.h"
#include "Poco/Net/HTTPClientSession.h"
#include "Poco/Net/NameValueCollection.h"
#include <atomic>
#include <istream>
#include <memory>
#include <mutex>
#include <string>
#include <vector>


namespace NashUpstream {


class UpstreamClient;
class SessionAborter; // aborts a session on cancellation without outliving it (UpstreamClient.cpp)


class UpstreamExchange
	/// One answered request: the status and headers, and the body to read as
	/// it arrives. Reading blocks at most the idle timeout between bytes and
	/// ends early when the request is cancelled. Destroying the exchange
	/// gives its connection back for reuse when the body was read to the end
	/// and the upstream keeps connections alive; otherwise closes it.
{
public:
	~UpstreamExchange();

	int status() const;
	const std::string& reason() const;
	const Poco::Net::NameValueCollection& headers() const;

	std::size_t read(char* buffer, std::size_t size);
		/// Reads up to size bytes of the body; 0 at its end. Throws
		/// Poco::TimeoutException when the upstream is silent longer than
		/// the idle timeout and Poco::IOException when the connection breaks
		/// (also when it was aborted by cancellation: check the token, and
		/// when it ends before the Content-Length the answer announced).

	std::string readAll(std::size_t limit);
		/// The rest of the body, at most limit bytes (for error answers and
		/// non-streaming calls). Throws like read() and
		/// Poco::DataFormatException beyond limit.

	bool isCancelled() const;

private:
	friend class UpstreamClient;
	UpstreamExchange(UpstreamClient& client, std::unique_ptr<Poco::Net::HTTPClientSession> session, const Nash::CancellationToken& cancellation);

	UpstreamClient& _client;
	std::unique_ptr<Poco::Net::HTTPClientSession> _session;
	const Nash::CancellationToken& _cancellation;
	Nash::CancellationToken::Registration _registration = 0;
	std::shared_ptr<SessionAborter> _aborter;
	int _status = 0;
	std::string _reason;
	Poco::Net::NameValueCollection _headers;
	std::istream* _body = nullptr;
	Poco::Int64 _expectedLength = -1;
		// The announced Content-Length, -1 when the body has none (chunked,
		// or delimited by the connection's close).
	Poco::Int64 _receivedLength = 0;
	bool _ended = false;
	bool _failed = false;
	bool _keepAlive = false;
};


class UpstreamClient
	/// HTTP(S) to one upstream API, shared by every request of a backend:
	/// keeps idle connections for reuse (no new TCP or TLS handshake for the
	/// next request), applies the connect, first-byte and idle timeouts,
	/// retries with back-off before any byte of an answer reached the caller
	/// (connection failures, 429 and 5xx answers, honouring Retry-After),
	/// and closes the connection at once when the request is cancelled.
{
public:
	explicit UpstreamClient(UpstreamSettings settings);
	~UpstreamClient();

	std::unique_ptr<UpstreamExchange> send(const std::string& method, const std::string& path, const std::string& body,
		const std::string& contentType, const HeaderList& headers, const Nash::CancellationToken& cancellation);
		/// Sends a request to baseUri + path with the configured headers and
		/// headers, and returns the answer once its headers arrived: a 2xx, or
		/// the last error answer when retries are exhausted or the error is
		/// not worth retrying (the caller turns it into a message). Throws
		/// Poco::TimeoutException (connect or first byte), Poco::Net::NetException
		/// or Poco::IOException when no answer came at all, and
		/// Poco::Exception when cancelled before the answer.
		///
		/// Tells the observer (if any) of each request, connection, retry and
		/// answer head, and of the failure when it throws for any reason
		/// but cancellation: the caller must not count that failure again.
		/// A failure of an answer it returns (an error status, a body that
		/// breaks off or cannot be read) is the caller's to count.

	void setObserver(UpstreamObserver* observer);
		/// Counts this client's exchanges from now on; null stops. The
		/// observer must outlive the client or be replaced first.

	UpstreamObserver* observer() const;
		/// The observer set, or null: for ProviderCall, which counts the
		/// failures send() leaves to its caller.

	const UpstreamSettings& settings() const;
	std::string describe() const;
		/// scheme://host:port of the upstream (an IPv6 host in brackets),
		/// for messages: never its user information, path or query.

	static bool isRetryable(int status);
	static long retryAfterMilliseconds(const Poco::Net::NameValueCollection& headers);
		/// The Retry-After header in milliseconds (seconds or HTTP date); -1 when absent.

private:
	friend class UpstreamExchange;

	std::unique_ptr<Poco::Net::HTTPClientSession> acquire(bool& reused);
		/// A session from the idle pool (reused), else a new one, which is
		/// not connected yet: Poco connects it on the first request. Idle
		/// sessions the upstream closed meanwhile are dropped on the way.
	void release(std::unique_ptr<Poco::Net::HTTPClientSession> session);
	std::unique_ptr<Poco::Net::HTTPClientSession> connect();

	UpstreamSettings _settings;
	std::string _pathPrefix;
	std::mutex _mutex;
	std::vector<std::unique_ptr<Poco::Net::HTTPClientSession>> _idle;
	std::atomic<UpstreamObserver*> _observer{nullptr};
};


} // namespace NashUpstream


#endif // NashUpstream_UpstreamClient_INCLUDED
