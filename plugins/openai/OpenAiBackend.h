//
// OpenAiBackend.h
//


#ifndef Nash_OpenAiBackend_INCLUDED
#define Nash_OpenAiBackend_INCLUDED


#include "NashUpstream/ModelCatalog.h"
#include "Nash/ProviderBackend.h"
#include "Poco/JSON/Object.h"
#include <memory>
#include <set>
#include <string>
#include <vector>


namespace Nash {


class OpenAiBackend: public ProviderBackend
	/// The OpenAI Chat Completions API (POST {base_url}/chat/completions), and
	/// with it every OpenAI-compatible server: vLLM, llama.cpp's server,
	/// LM Studio, OpenRouter, Groq, Ollama's /v1 ...
	///
	/// Configuration: api_key (else OPENAI_API_KEY), base_url (else
	/// OPENAI_BASE_URL, else https://api.openai.com/v1), organization,
	/// models, default_model, stream_usage (default true: ask for the final
	/// usage chunk), pass_fields (extra request fields forwarded besides the
	/// usual OpenAI ones), and the upstream keys of NashUpstream::UpstreamSettings,
	/// which the server reads.
	///
	/// A translator: the streamed answer is decoded by OpenAiDecoder.
{
public:
	void configure(const std::string& instanceName, const Poco::Util::AbstractConfiguration& section) override;
		/// Throws Poco::InvalidArgumentException when no API key is given for
		/// OpenAI's own API (api.openai.com), which refuses every call
		/// without one.

	std::vector<std::string> models() const override;
	std::string defaultModel() const override;
	bool acceptsAnyModel() const override;
	std::string providerName() const override;
	std::string baseUrl() const override;
	std::vector<std::string> secrets() const override;
	UpstreamRequest chatRequest(const ChatRequest& request, bool stream) const override;
	std::unique_ptr<ChatDecoder> streamDecoder(const ChatRequest& request, std::size_t maxEventBytes) const override;
	ChatResult decodeAnswer(const std::string& body) const override;

	Poco::JSON::Object::Ptr requestBody(const ChatRequest& request, bool stream) const;
		/// The JSON sent upstream for request.

private:
	std::string _name;
	std::string _baseUrl;
	std::string _apiKey;
	std::string _organization;
	NashUpstream::ModelCatalog _catalog;
	bool _streamUsage = true;
	std::set<std::string> _passFields;
};


} // namespace Nash


#endif // Nash_OpenAiBackend_INCLUDED
