//
// OpenAiBackend.h
//


#ifndef Nash_OpenAiBackend_INCLUDED
#define Nash_OpenAiBackend_INCLUDED


#include "NashUpstream/ModelCatalog.h"
#include "NashUpstream/ProviderCall.h"
#include "NashUpstream/UpstreamClient.h"
#include "NashUpstream/UpstreamObserver.h"
#include "Nash/ModelBackend.h"
#include "Poco/JSON/Object.h"
#include <memory>
#include <set>
#include <string>


namespace Nash {


class OpenAiBackend: public ModelBackend, public NashUpstream::ObservableUpstream
	/// The OpenAI Chat Completions API (POST {base_url}/chat/completions), and
	/// with it every OpenAI-compatible server: vLLM, llama.cpp's server,
	/// LM Studio, OpenRouter, Groq, Ollama's /v1 ...
	///
	/// Configuration: api_key (else OPENAI_API_KEY), base_url (else
	/// OPENAI_BASE_URL, else https://api.openai.com/v1), organization,
	/// models, default_model, stream_usage (default true: ask for the final
	/// usage chunk), pass_fields (extra request fields forwarded besides the
	/// usual OpenAI ones), and the upstream keys of NashUpstream::UpstreamSettings.
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
		/// The JSON sent upstream for request.

private:
	NashUpstream::ProviderCall call() const;
	void handleChunk(NashUpstream::ProviderCall& call, const Poco::JSON::Object::Ptr& chunk, ChatEventSink& sink) const;

	std::string _name;
	std::string _apiKey;
	NashUpstream::ModelCatalog _catalog;
	bool _streamUsage = true;
	std::set<std::string> _passFields;
	std::unique_ptr<NashUpstream::UpstreamClient> _client;
	NashUpstream::UpstreamObserver* _observer = nullptr;
		// Kept for the client configure() makes.
};


} // namespace Nash


#endif // Nash_OpenAiBackend_INCLUDED
