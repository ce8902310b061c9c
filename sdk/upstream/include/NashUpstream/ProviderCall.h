//
// ProviderCall.h
//


#ifndef NashUpstream_ProviderCall_INCLUDED
#define NashUpstream_ProviderCall_INCLUDED


#include "NashUpstream/UpstreamClient.h"
#include "NashUpstream/UpstreamObserver.h"
#include "Nash/CancellationToken.h"
#include "Poco/JSON/Object.h"
#include <functional>
#include <memory>
#include <string>
#include <vector>


namespace NashUpstream {


class ProviderCall
	/// One call of a provider's HTTP API on behalf of a backend, with its
	/// failures already in the words a client is shown (as
	/// Nash::BackendException, with the secrets and the credentials of
	/// URLs removed by Redaction).
	///
	/// Counts the call's failure, by kind, with the client's observer (see
	/// UpstreamObserver): once, since a backend makes one ProviderCall a
	/// call, and not at all when the call was cancelled. The failures of
	/// UpstreamClient::send() are counted there; open(), pump(), readJson()
	/// and parseJson() count the rest they find, and the backend counts
	/// what it finds wrong in the answer with fail(kind, ...).
{
public:
	ProviderCall(UpstreamClient& client, std::string provider, std::vector<std::string> secrets);

	std::unique_ptr<UpstreamExchange> open(const std::string& method, const std::string& path, const std::string& body,
		const HeaderList& headers, const Nash::CancellationToken& cancellation);
		/// Sends the request; returns the exchange of a 2xx answer. Throws
		/// Nash::BackendException for an error answer (with the upstream's
		/// own message; counted as Status), a timeout or an unreachable
		/// upstream.

	std::unique_ptr<UpstreamExchange> openUnlessCancelled(const std::string& method, const std::string& path, const std::string& body,
		const HeaderList& headers, const Nash::CancellationToken& cancellation);
		/// Like open(), but returns null where open() would throw because
		/// the call was cancelled before the answer arrived (the client went
		/// away while the upstream was silent): a streaming backend then
		/// returns without an error, as BlockingBackend::streamChat() requires.

	bool pump(UpstreamExchange& exchange, const std::function<void(const char*, std::size_t)>& feed);
		/// Reads the body to its end, handing each piece to feed as it
		/// arrives. Returns false when the call was cancelled (nothing more
		/// is read), true at the end of the body. Throws
		/// Nash::BackendException when the upstream goes silent (counted as
		/// Timeout) or the connection breaks (Cut); exceptions of feed pass
		/// through.

	std::string readBody(UpstreamExchange& exchange, std::size_t limit);
		/// The whole body (non-streaming answers), at most limit bytes.
		/// Throws Nash::BackendException when it is longer (counted as
		/// Malformed), or when reading it fails (Timeout or Cut).

	Poco::JSON::Object::Ptr readJson(UpstreamExchange& exchange, std::size_t limit);
		/// The whole body as a JSON object (non-streaming answers). Throws
		/// Nash::BackendException when it is not one (counted as Malformed),
		/// or when reading it fails (Timeout or Cut).

	Poco::JSON::Object::Ptr parseJson(const std::string& text);
		/// One JSON object of a stream. Throws Nash::BackendException naming
		/// the provider when text is not one (counted as Malformed).

	[[noreturn]] void fail(const std::string& message, int upstreamStatus = 0) const;
		/// Throws Nash::BackendException with message, made safe by
		/// Redaction::text() with the secrets, and the provider's HTTP
		/// status as its code when the provider refused (0 otherwise).
		/// Counts nothing: for a failure already counted, or none of the
		/// upstream's (a cancelled call).

	[[noreturn]] void fail(UpstreamObserver::Failure kind, const std::string& message, int upstreamStatus = 0) const;
		/// Like fail(message, upstreamStatus), and counts the call as failed
		/// with kind: for what a backend finds wrong with an answer (an
		/// error event, a stream that ends before it is complete, a missing
		/// field).

	const std::string& provider() const;

private:
	void count(UpstreamObserver::Failure kind) const;
		/// Tells the observer of the failure unless a failure of this call
		/// was counted before or the call was cancelled.

	UpstreamClient& _client;
	std::string _provider;
	std::vector<std::string> _secrets;
	const Nash::CancellationToken* _cancellation = nullptr;
		// open()'s, to know a cancelled call when failing later.
	mutable bool _failureCounted = false;
};


} // namespace NashUpstream


#endif // NashUpstream_ProviderCall_INCLUDED
