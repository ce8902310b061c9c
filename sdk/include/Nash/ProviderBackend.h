//
// ProviderBackend.h
//


#ifndef Nash_ProviderBackend_INCLUDED
#define Nash_ProviderBackend_INCLUDED


#include "Nash/ChatDecoder.h"
#include "Nash/ChatEvents.h"
#include "Nash/ChatRequest.h"
#include "Nash/ModelBackend.h"
#include <cstddef>
#include <memory>
#include <string>
#include <utility>
#include <vector>


namespace Nash {


struct UpstreamRequest
	/// One HTTP request to a provider's API.
{
	std::string method = "POST";
	std::string path;
		/// Appended to the path of the backend's base URL ("/chat/completions").
		/// Empty: no request (see ProviderBackend::setupRequest()).
	std::vector<std::pair<std::string, std::string>> headers;
		/// Besides the ones the server sends itself (Host, Content-Type:
		/// application/json when there is a body, Content-Length, and the
		/// header.<Name> keys of the configuration). Authentication goes here.
	std::string body;
	int timeoutMilliseconds = 0;
		/// 0: the configured timeouts and retries. Otherwise the connect,
		/// first-byte and idle timeouts are all this, and nothing is retried.
};


struct UpstreamAnswer
	/// What came back for a ProviderBackend's setup request.
{
	bool answered = false;
		/// False when no answer came (unreachable, timed out): problem says why.
	int status = 0;
	std::string body;
	std::string problem;
};


class ProviderBackend: public ModelBackend
	/// A backend for a provider's HTTP API, as a translator: it builds the
	/// upstream request for a chat call and decodes the answer, and does no
	/// I/O. The server sends the request and reads the answer for it, with
	/// what every provider needs alike: a pool of kept-alive connections,
	/// TLS, the connect, first-byte and idle timeouts, retries before the
	/// first byte of an answer (connection failures, 429 and 5xx, honouring
	/// Retry-After), cancellation when the client leaves, the error answers
	/// turned into messages, and the secrets kept out of every message.
	///
	/// The server reads the upstream keys of the backend's section itself
	/// (base_url, the timeouts, retries, TLS, header.<Name>; see the SDK's
	/// README); configure() reads the provider's own keys.
{
public:
	virtual std::string providerName() const = 0;
		/// How messages name the upstream ("OpenAI-compatible upstream 'gpt'").

	virtual std::string baseUrl() const = 0;
		/// The URL the API's paths are relative to, as configure() settled it
		/// (its base_url key, an environment variable, the provider's default).

	virtual std::vector<std::string> secrets() const = 0;
		/// What must never appear in a message or a log line (API keys).

	virtual UpstreamRequest chatRequest(const ChatRequest& request, bool stream) const = 0;
		/// The request for one chat call: streamed (decoded by
		/// streamDecoder()) or not (decoded by decodeAnswer()). Throws
		/// BackendException when the request cannot be expressed in the
		/// provider's API.

	virtual std::unique_ptr<ChatDecoder> streamDecoder(const ChatRequest& request, std::size_t maxEventBytes) const = 0;
		/// A decoder for the streamed answer to request. maxEventBytes is the
		/// configured bound of one event or line of the stream; longer ones
		/// are malformed.

	virtual ChatResult decodeAnswer(const std::string& body) const = 0;
		/// The whole answer of a call that did not stream. Throws
		/// BackendException (with its Cause) when body is not an answer.

	virtual UpstreamRequest setupRequest() const
		/// A request the server makes once, right after configure(), before
		/// the backend serves (to list the models a server has). The default
		/// makes none.
	{
		return UpstreamRequest();
	}

	virtual void setupAnswer(const UpstreamAnswer& answer)
		/// The answer to setupRequest(). May throw a Poco::Exception to refuse
		/// the configuration (the backend is then not offered).
	{
		(void) answer;
	}
};


} // namespace Nash


#endif // Nash_ProviderBackend_INCLUDED
