//
// AnthropicBackend.h
//


#ifndef Nash_AnthropicBackend_INCLUDED
#define Nash_AnthropicBackend_INCLUDED


#include "NashUpstream/ModelCatalog.h"
#include "Nash/ProviderBackend.h"
#include "Poco/JSON/Object.h"
#include <cstddef>
#include <memory>
#include <string>
#include <vector>


namespace Nash {


class AnthropicBackend: public ProviderBackend
	/// Anthropic's Messages API (POST {base_url}/v1/messages), as a
	/// translator: the server makes the exchange.
	///
	/// The conversation arrives in OpenAI's shape and is translated: system
	/// messages become the "system" text, tool results ("tool" messages)
	/// become tool_result blocks at the start of a user turn, an assistant's
	/// tool_calls become tool_use blocks, and OpenAI function tools and
	/// tool_choice become Anthropic's. Consecutive messages of one role are
	/// merged into one turn and blank texts left out, so that the turns
	/// alternate as the Messages API requires.
	///
	/// Configuration: api_key (else ANTHROPIC_API_KEY; required for
	/// api.anthropic.com), base_url (else ANTHROPIC_BASE_URL, else
	/// https://api.anthropic.com; without /v1, as Anthropic's own SDKs
	/// expect, though a base ending in /v1 is understood too),
	/// anthropic_version (default 2023-06-01), max_tokens (default 4096: the
	/// API requires a limit, used when a request names none), models,
	/// default_model (default claude-sonnet-4-5), and the upstream keys the
	/// server reads (NashUpstream::UpstreamSettings; header.anthropic-beta =
	/// ... for beta features). The key goes upstream as x-api-key, with
	/// anthropic-version; both win over header.* keys of the same names.
{
public:
	void configure(const std::string& instanceName, const Poco::Util::AbstractConfiguration& section) override;
	std::vector<std::string> models() const override;
	std::string defaultModel() const override;
	bool acceptsAnyModel() const override;
	std::string providerName() const override;
	std::string baseUrl() const override;
	std::vector<std::string> secrets() const override;
	UpstreamRequest chatRequest(const ChatRequest& request, bool stream) const override;
		/// POST messagesPath() with requestBody(request, stream); a streamed
		/// request asks for text/event-stream.

	std::unique_ptr<ChatDecoder> streamDecoder(const ChatRequest& request, std::size_t maxEventBytes) const override;
		/// An AnthropicDecoder.

	ChatResult decodeAnswer(const std::string& body) const override;
		/// The text blocks of a Messages API answer, joined; its stop reason
		/// (as AnthropicDecoder::finishReason()) and usage.

	Poco::JSON::Object::Ptr requestBody(const ChatRequest& request, bool stream) const;
		/// The JSON sent upstream for request. Throws Nash::BackendException
		/// when the conversation cannot be expressed in Anthropic's terms (a
		/// tool call whose arguments are not a JSON object).

	const std::string& messagesPath() const;
		/// The path of the Messages API below base_url.

private:
	std::string _name;
	std::string _apiKey;
	std::string _version;
	std::string _baseUrl;
	std::string _path;
	int _maxTokens = 4096;
	NashUpstream::ModelCatalog _catalog;
};


} // namespace Nash


#endif // Nash_AnthropicBackend_INCLUDED
