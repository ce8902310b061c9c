//
// OllamaBackend.h
//


#ifndef Nash_OllamaBackend_INCLUDED
#define Nash_OllamaBackend_INCLUDED


#include "NashUpstream/ModelCatalog.h"
#include "NashUpstream/ProviderCall.h"
#include "NashUpstream/UpstreamClient.h"
#include "NashUpstream/UpstreamObserver.h"
#include "Nash/ModelBackend.h"
#include "Poco/JSON/Object.h"
#include <memory>
#include <string>
#include <vector>


namespace Nash {


class OllamaBackend: public ModelBackend, public NashUpstream::ObservableUpstream
	/// Ollama's native API (POST {base_url}/api/chat, streamed as NDJSON),
	/// rather than its OpenAI-compatible /v1, which the openai plugin already
	/// reaches: the native one takes Ollama's own message fields (images,
	/// tool_name) and options, and lists the installed models.
	///
	/// Configuration: base_url (else OLLAMA_HOST, which may be "host",
	/// "host:port" or a URL, as for the ollama command; else
	/// http://127.0.0.1:11434), models (default: the models the server lists
	/// at /api/tags when the backend is configured), default_model (default:
	/// the first of those, else llama3.2), discovery_timeout_ms (default 1500:
	/// how long configuration waits for /api/tags), api_key (optional: sent as
	/// a bearer token, for an Ollama behind an authenticating proxy), and the
	/// upstream keys of NashUpstream::UpstreamSettings.
	///
	/// Without base_url and OLLAMA_HOST, configuration fails when no server
	/// answers at the default address, so that an installation without
	/// Ollama does not offer a backend that cannot work. With either, the
	/// server may come up later.
{
public:
	void configure(const std::string& instanceName, const Poco::Util::AbstractConfiguration& section) override;
	std::vector<std::string> models() const override;
	std::string defaultModel() const override;
	bool acceptsAnyModel() const override;
	void streamChat(const ChatRequest& request, ChatEventSink& sink, const CancellationToken& cancellation) override;
	ChatResult complete(const ChatRequest& request, const CancellationToken& cancellation) override;
	void observeUpstream(NashUpstream::UpstreamObserver* observer) override;
		/// Counts the exchanges of streamChat() and complete(), before or
		/// after configure().

	Poco::JSON::Object::Ptr requestBody(const ChatRequest& request, bool stream) const;
		/// The JSON sent upstream for request. Throws Nash::BackendException
		/// when a tool call's arguments are not a JSON object.

	std::string baseUrl() const;
		/// The URL of the Ollama server this backend talks to.

	static std::string baseUrlOfHost(const std::string& host);
		/// The base URL for an OLLAMA_HOST value: http:// added when it has
		/// no scheme, port 11434 when it has no port, and 0.0.0.0 (the
		/// server's "every interface") as 127.0.0.1. Throws
		/// Poco::InvalidArgumentException naming OLLAMA_HOST when it is no
		/// address.

private:
	NashUpstream::ProviderCall call() const;
	bool discoverModels(const NashUpstream::UpstreamSettings& upstream, const Poco::Timespan& timeout,
		std::vector<std::string>& names, std::string& problem) const;

	std::string _name;
	std::string _apiKey;
	NashUpstream::ModelCatalog _catalog;
	std::unique_ptr<NashUpstream::UpstreamClient> _client;
	NashUpstream::UpstreamObserver* _observer = nullptr;
		// Kept for the client configure() makes.
};


} // namespace Nash


#endif // Nash_OllamaBackend_INCLUDED
