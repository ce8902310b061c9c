//
// ProviderCall.h
//


#ifndef NashUpstream_ProviderCall_INCLUDED
#define NashUpstream_ProviderCall_INCLUDED


#include "NashUpstream/UpstreamClient.h"
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
{
public:
	ProviderCall(UpstreamClient& client, std::string provider, std::vector<std::string> secrets);

	std::unique_ptr<UpstreamExchange> open(const std::string& method, const std::string& path, const std::string& body,
		const HeaderList& headers, const Nash::CancellationToken& cancellation);
		/// Sends the request; returns the exchange of a 2xx answer. Throws
		/// Nash::BackendException for an error answer (with the upstream's
		/// own message), a timeout or an unreachable upstream.

	std::unique_ptr<UpstreamExchange> openUnlessCancelled(const std::string& method, const std::string& path, const std::string& body,
		const HeaderList& headers, const Nash::CancellationToken& cancellation);
		/// Like open(), but returns null where open() would throw because
		/// the call was cancelled before the answer arrived (the client went
		/// away while the upstream was silent): a streaming backend then
		/// returns without an error, as ModelBackend::streamChat() requires.

	bool pump(UpstreamExchange& exchange, const std::function<void(const char*, std::size_t)>& feed);
		/// Reads the body to its end, handing each piece to feed as it
		/// arrives. Returns false when the call was cancelled (nothing more
		/// is read), true at the end of the body. Throws
		/// Nash::BackendException when the upstream goes silent or the
		/// connection breaks; exceptions of feed pass through.

	Poco::JSON::Object::Ptr readJson(UpstreamExchange& exchange, std::size_t limit);
		/// The whole body as a JSON object (non-streaming answers). Throws
		/// Nash::BackendException when it is not one.

	Poco::JSON::Object::Ptr parseJson(const std::string& text);
		/// One JSON object of a stream. Throws Nash::BackendException naming
		/// the provider when text is not one.

	[[noreturn]] void fail(const std::string& message, int upstreamStatus = 0) const;
		/// Throws Nash::BackendException with message, made safe by
		/// Redaction::text() with the secrets, and the provider's HTTP
		/// status as its code when the provider refused (0 otherwise).

	const std::string& provider() const;

private:
	UpstreamClient& _client;
	std::string _provider;
	std::vector<std::string> _secrets;
};


} // namespace NashUpstream


#endif // NashUpstream_ProviderCall_INCLUDED
