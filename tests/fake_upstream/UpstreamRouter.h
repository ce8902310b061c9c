//
// UpstreamRouter.h
//


#ifndef FakeUpstream_UpstreamRouter_INCLUDED
#define FakeUpstream_UpstreamRouter_INCLUDED


#include "AnthropicDialect.h"
#include "OllamaDialect.h"
#include "OpenAiDialect.h"
#include "UpstreamContext.h"
#include "Poco/Net/HTTPRequestHandlerFactory.h"


namespace FakeUpstream {


class UpstreamRouter: public Poco::Net::HTTPRequestHandlerFactory
	/// Chooses the handler by method and path (query strings ignored). Never
	/// returns null: Poco would answer that with 501.
{
public:
	explicit UpstreamRouter(UpstreamContext& context);

	Poco::Net::HTTPRequestHandler* createRequestHandler(const Poco::Net::HTTPServerRequest& request) override;

	void abortConnections();
		/// Shuts down every open connection, as HTTPServer::stopAll(true)
		/// does; the server here is a plain TCPServer (see
		/// FakeUpstreamApplication), which has no such call.

private:
	UpstreamContext& _context;
	OpenAiDialect _openAi;
	AnthropicDialect _anthropic;
	OllamaDialect _ollama;
};


} // namespace FakeUpstream


#endif // FakeUpstream_UpstreamRouter_INCLUDED
