//
// OllamaBackend.h
//


#ifndef Nash_OllamaBackend_INCLUDED
#define Nash_OllamaBackend_INCLUDED


#include "NashUpstream/ModelCatalog.h"
#include "Nash/ProviderBackend.h"
#include "Poco/JSON/Object.h"
#include <memory>
#include <string>
#include <vector>


namespace Nash {


class OllamaBackend: public ProviderBackend
	/// Ollama's native API (POST {base_url}/api/chat, streamed as NDJSON),
	/// rather than its OpenAI-compatible /v1, which the openai plugin already
	/// reaches: the native one takes Ollama's own message fields (images,
	/// tool_name) and options, and lists the installed models.
	///
	/// Configuration: base_url (else OLLAMA_HOST, which may be "host",
	/// "host:port" or a URL, as for the ollama command; else
	/// http://127.0.0.1:11434), models (default: the models the server lists
	/// at /api/tags when the backend is configured, by the setup request),
	/// default_model (default: the first of those, else llama3.2),
	/// discovery_timeout_ms (default 1500: how long configuration waits for
	/// /api/tags), api_key (optional: sent as a bearer token, for an Ollama
	/// behind an authenticating proxy), and the upstream keys of
	/// NashUpstream::UpstreamSettings, which the server reads.
	///
	/// Without base_url and OLLAMA_HOST, configuration fails when no server
	/// answers at the default address, so that an installation without
	/// Ollama does not offer a backend that cannot work. With either, the
	/// server may come up later.
	///
	/// A translator: the streamed answer is decoded by OllamaDecoder.
{
public:
	void configure(const std::string& instanceName, const Poco::Util::AbstractConfiguration& section) override;
		/// Reads the keys. Without a models key, the models are those
		/// setupAnswer() finds; until then only the default model.

	std::vector<std::string> models() const override;
	std::string defaultModel() const override;
	bool acceptsAnyModel() const override;
	std::string providerName() const override;

	std::string baseUrl() const override;
		/// The URL of the Ollama server this backend talks to.

	std::vector<std::string> secrets() const override;
	UpstreamRequest chatRequest(const ChatRequest& request, bool stream) const override;
		/// Throws Nash::BackendException (400) when the conversation cannot
		/// be expressed in Ollama's terms (see requestBody()).

	std::unique_ptr<ChatDecoder> streamDecoder(const ChatRequest& request, std::size_t maxEventBytes) const override;
	ChatResult decodeAnswer(const std::string& body) const override;

	UpstreamRequest setupRequest() const override;
		/// GET /api/tags, waiting at most discovery_timeout_ms and not
		/// retried: it runs while the server starts. None when the models
		/// are configured.

	void setupAnswer(const UpstreamAnswer& answer) override;
		/// Takes the models the server listed. An answer that lists nothing
		/// usable (an error status, not the list) leaves only the default
		/// model: the server is there, and requests work with any model
		/// name. Throws Poco::Exception when no server answered and neither
		/// base_url nor OLLAMA_HOST was given.

	Poco::JSON::Object::Ptr requestBody(const ChatRequest& request, bool stream) const;
		/// The JSON sent upstream for request. Throws Nash::BackendException
		/// when a tool call's arguments are not a JSON object.

	static std::string baseUrlOfHost(const std::string& host);
		/// The base URL for an OLLAMA_HOST value: http:// added when it has
		/// no scheme, port 11434 when it has no port, and 0.0.0.0 (the
		/// server's "every interface") as 127.0.0.1. Throws
		/// Poco::InvalidArgumentException naming OLLAMA_HOST when it is no
		/// address.

private:
	void discovered(const std::vector<std::string>& names);
		/// The catalog of the models found (maybe none), with the default.

	std::string _name;
	std::string _baseUrl;
	std::string _apiKey;
	bool _addressGiven = false;
	bool _discover = false;
		// No models configured: they are asked for with the setup request.
	int _discoveryTimeoutMs = 1500;
	std::string _defaultModelSetting;
	NashUpstream::ModelCatalog _catalog;
};


} // namespace Nash


#endif // Nash_OllamaBackend_INCLUDED
