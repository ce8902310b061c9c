//
// ProviderExchange.h
//


#ifndef NashUpstream_ProviderExchange_INCLUDED
#define NashUpstream_ProviderExchange_INCLUDED


#include "NashUpstream/UpstreamClient.h"
#include "NashUpstream/UpstreamObserver.h"
#include "Nash/BlockingBackend.h"
#include "Nash/ProviderBackend.h"
#include <memory>
#include <string>
#include <vector>


namespace NashUpstream {


class ProviderExchange: public Nash::BlockingBackend, public ObservableUpstream
	/// A ProviderBackend put to work: the server's side of the exchange with
	/// the provider's API, the same for every provider. It sends the
	/// translator's requests through one UpstreamClient (the pool, TLS,
	/// timeouts, retries, cancellation), turns error answers into messages,
	/// hands the answer's bytes to the translator's decoder, counts the
	/// call's failure by kind for the observer, and removes the provider's
	/// secrets from every message.
{
public:
	explicit ProviderExchange(std::unique_ptr<Nash::ProviderBackend> provider);
	~ProviderExchange() override;

	void configure(const std::string& instanceName, const Poco::Util::AbstractConfiguration& section) override;
		/// Configures the provider, reads the upstream keys of section
		/// (UpstreamSettings, with the provider's base URL as the default)
		/// and makes the provider's setup request, if it has one.

	std::vector<std::string> models() const override;
	std::string defaultModel() const override;
	bool acceptsAnyModel() const override;
	void streamChat(const Nash::ChatRequest& request, Nash::ChatEventSink& sink, const Nash::CancellationToken& cancellation) override;
	Nash::ChatResult complete(const Nash::ChatRequest& request, const Nash::CancellationToken& cancellation) override;
	void observeUpstream(UpstreamObserver* observer) override;
		/// Counts the exchanges of streamChat() and complete(), before or
		/// after configure().

	Nash::ProviderBackend& provider();
	const UpstreamClient& client() const;
		/// After configure().
	std::shared_ptr<const UpstreamSettings> settings() const;
		/// The upstream settings configure() read (null before), shared with
		/// an exchange done elsewhere (the server's event loop).
	UpstreamObserver* observer() const;

	static constexpr std::size_t MAX_ANSWER_BYTES = 64 * 1024 * 1024;
		/// The largest answer of a call that does not stream.

private:
	void setup(const UpstreamSettings& settings);

	std::unique_ptr<Nash::ProviderBackend> _provider;
	std::unique_ptr<UpstreamClient> _client;
	std::shared_ptr<const UpstreamSettings> _settings;
	UpstreamObserver* _observer = nullptr;
		// Kept for the client configure() makes.
};


} // namespace NashUpstream


#endif // NashUpstream_ProviderExchange_INCLUDED
