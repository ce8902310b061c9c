//
// AppChatHandler.h
//
// POST /v1/chat/completions/stream in the Nash desktop app's dialect.
//


#ifndef Nash_AppChatHandler_INCLUDED
#define Nash_AppChatHandler_INCLUDED


#include "core/api/app/AppChatRequest.h"
#include "core/chat/ChatHandler.h"
#include "Nash/BlockingBackend.h"
#include <memory>


namespace Nash {


class AppChatHandler: public ChatHandler
	/// The app's turn: the user's own provider (key, base URL on the
	/// allow-list, headers) for this request only, the tool loop over the
	/// allowed MCP tools, and the app's typed events (docs/app.md). Errors
	/// after the head are in-band "<Class>: <message>" events, then [DONE].
{
public:
	explicit AppChatHandler(ServerContext& context);

	void answer(Poco::Net::HTTPServerRequest& request, Poco::Net::HTTPServerResponse& response, AccessLog::Entry& entry, const std::string& body);
		/// Answers body, which the original's handler read and found to be
		/// of this dialect (or not JSON at all while the dialect is on).

	static std::string pluginFor(const std::string& provider, const std::string& model);
		/// "anthropic" or "openai" for the request's provider, or by the
		/// model's name when none is given; empty for a provider we do not
		/// speak.

	static bool forwardedHeader(const std::string& name, const std::string& value);
		/// Whether a header of the request's "headers" goes to the provider:
		/// not the ones that carry credentials, framing or routing.

protected:
	void handle(Poco::Net::HTTPServerRequest& request, Poco::Net::HTTPServerResponse& response, AccessLog::Entry& entry) override;

private:
	std::unique_ptr<BlockingBackend> backendFor(const AppChatRequest& app, const std::string& plugin);
		/// A backend of plugin configured with the request's credentials,
		/// used for this request only.

	std::string systemPrompt();
};


} // namespace Nash


#endif // Nash_AppChatHandler_INCLUDED
