//
// AppChatHandler.cpp
//


#include "core/api/app/AppChatHandler.h"
#include "core/api/app/AppErrors.h"
#include "core/api/app/AppEvents.h"
#include "core/api/app/BaseUrlPolicy.h"
#include "core/chat/ToolLoop.h"
#include "core/http/RequestBody.h"
#include "core/http/SseWriter.h"
#include "core/metrics/Metrics.h"
#include "NashUpstream/Redaction.h"
#include "Poco/AutoPtr.h"
#include "Poco/DateTimeFormatter.h"
#include "Poco/LocalDateTime.h"
#include "Poco/Logger.h"
#include "Poco/String.h"
#include "Poco/Util/MapConfiguration.h"
#include <sstream>


namespace Nash {


namespace {


class AppEventListener: public ToolLoopListener
	/// Writes the loop's rounds as the app's events, each the moment it
	/// exists; a failed write means the app is gone, which stops the loop.
{
public:
	AppEventListener(SseWriter& writer, CancellationToken& cancellation, AccessLog::Entry& entry):
		_writer(writer),
		_cancellation(cancellation),
		_entry(entry)
	{
	}

	void content(const std::string& text) override
	{
		write(AppEvents::streamContent(text));
	}

	void toolCallStarted(const ToolCallRecord& call) override
	{
		write(AppEvents::streamToolName(call.name));
	}

	void toolCallArguments(const ToolCallRecord&, const std::string& fragment) override
	{
		write(AppEvents::streamToolArgs(fragment));
	}

	void roundFinished(const std::string& finishReason) override
	{
		write(AppEvents::streamEmpty() + AppEvents::finishReason(finishReason));
	}

	void waiting(double seconds) override
	{
		write(AppEvents::sleepSeconds(seconds));
	}

	void toolResult(const ToolCallRecord&, const ToolOutcome& outcome) override
	{
		write(AppEvents::toolResult(outcome.text));
	}

	void write(const std::string& frames)
	{
		if (_cancellation.isCancelled()) return;
		_entry.markFirstByte();
		if (!_writer.write(frames)) _cancellation.cancel();
	}

private:
	SseWriter& _writer;
	CancellationToken& _cancellation;
	AccessLog::Entry& _entry;
};


std::string withoutTrailingSlashes(std::string url)
{
	while (!url.empty() && url.back() == '/') url.pop_back();
	return url;
}


std::string baseUrlFor(const std::string& plugin, const std::string& given)
	/// The app sends Anthropic's base without /v1 (as its SDK takes it) and
	/// OpenAI's without /v1 too; a base that already names the endpoint is
	/// taken as well.
{
	std::string base = withoutTrailingSlashes(Poco::trim(given));
	auto strip = [&](const std::string& suffix) {
		if (Poco::endsWith(base, suffix)) base.erase(base.size() - suffix.size());
	};
	if (plugin == "anthropic")
	{
		strip("/messages");
		return base;
	}
	strip("/chat/completions");
	if (!Poco::endsWith(base, std::string("/v1"))) base += "/v1";
	return base;
}


} // namespace


AppChatHandler::AppChatHandler(ServerContext& context): ChatHandler(context)
{
}


void AppChatHandler::handle(Poco::Net::HTTPServerRequest& request, Poco::Net::HTTPServerResponse& response, AccessLog::Entry& entry)
{
	answer(request, response, entry, RequestBody::read(request, context().settings.maxBodyBytes));
}


void AppChatHandler::answer(Poco::Net::HTTPServerRequest& request, Poco::Net::HTTPServerResponse& response, AccessLog::Entry& entry, const std::string& body)
{
	const ServerSettings& settings = context().settings;

	// (RequestBody::read() refused bodies not declared as JSON already, so
	// a cross-origin page cannot send one without a preflight.)
	Poco::JSON::Array::Ptr problems;
	Poco::JSON::Object::Ptr object = AppChatRequest::parseBody(body, problems);
	if (object) problems = AppChatRequest::problems(object);
	if (problems->size() > 0)
	{
		sendJson(response, 422, AppChatRequest::detailBody(problems), entry);
		return;
	}
	AppChatRequest app = AppChatRequest::from(object);
	std::string plugin = pluginFor(app.provider, app.model);
	entry.dialect = "app";
	// The provider is the client's word: only a plugin's name labels metrics.
	entry.backend = "app:" + (plugin.empty() ? std::string("unsupported") : plugin);
	entry.model = app.model;
	auto slot = holdStreamSlot(response);

	SseWriter writer(beginEventStream(request, response, entry, "text/event-stream; charset=utf-8"));
	auto refuse = [&](const std::string& error) {
		entry.markFirstByte();
		entry.outcome = "refused";
		writer.write(AppEvents::error(error));
		writer.write(AppEvents::done());
		entry.bytes = writer.bytesWritten();
	};

	// Refusals that must come before anything connects anywhere.
	if (Poco::trim(app.apiKey).empty())
		return refuse("AuthenticationError: api_key is empty; add your provider's API key in the app's settings (the server never uses a key of its own for the app)");
	if (plugin.empty())
		return refuse("BadRequestError: provider '" + app.provider + "' is not supported; use anthropic or openai");
	if (Poco::trim(app.model).empty())
		return refuse("BadRequestError: model is empty");
	if (!BaseUrlPolicy(settings.appAllowedBaseUrls).allows(app.apiBaseUrl))
	{
		std::string allowed;
		for (const auto& url: settings.appAllowedBaseUrls) allowed += (allowed.empty() ? "" : ", ") + url;
		return refuse("PermissionDeniedError: api_base_url " + NashUpstream::Redaction::url(app.apiBaseUrl) + " is not allowed (configure [app] allowed_base_urls; allowed now: " + allowed + ")");
	}
	if (!context().plugins.isLoaded(plugin))
		return refuse("ServiceUnavailableError: the " + plugin + " plugin is not loaded on this server");

	std::unique_ptr<BlockingBackend> backend;
	try
	{
		backend = backendFor(app, plugin);
	}
	catch (Poco::Exception& exc)
	{
		return refuse("BadRequestError: " + NashUpstream::Redaction::text(exc.message(), {app.apiKey}));
	}

	auto cancellation = std::make_shared<CancellationToken>();
	auto watch = watchClient(request, cancellation, settings.backendTimeLimitSeconds);

	ChatRequest chat;
	chat.model = app.model;
	chat.temperature = settings.appTemperature;
	chat.maxTokens = settings.appMaxTokens;
	chat.extra = new Poco::JSON::Object;
	ChatMessage system;
	system.role = "system";
	system.content = systemPrompt();
	chat.messages.push_back(system);
	chat.messages.insert(chat.messages.end(), app.messages.begin(), app.messages.end());

	std::unique_ptr<ToolBox> tools;
	try
	{
		tools = allowedTools(context(), {}, *cancellation);
	}
	catch (Poco::Exception& exc)
	{
		return refuse("APIConnectionError: the tools of the MCP servers could not be listed: " + exc.message());
	}

	ToolLoopSettings loopSettings = toolLoopSettings(entry);
	loopSettings.oneToolPerAnswer = true;
	loopSettings.shortenOldResults = true;
	ToolLoop loop(loopSettings);
	AppEventListener listener(writer, *cancellation, entry);
	ToolLoopResult result;
	ChatOutcome outcome = run(entry.backend, std::string(), [&] {
		result = loop.run(*backend, chat, tools.get(), listener, *cancellation);
	}, cancellation, watch, entry);

	if (!outcome.complete)
	{
		outcome.error.message = NashUpstream::Redaction::text(outcome.error.message, {app.apiKey});
		entry.markFirstByte();
		writer.write(AppEvents::error(AppErrors::text(outcome)));
	}
	else if (!result.errorClass.empty())
	{
		entry.outcome = "error";
		writer.write(AppEvents::error(result.errorClass + ": " + result.errorMessage));
	}
	else if (result.newMessages && result.newMessages->size() > 0)
	{
		listener.write(AppEvents::newRawLlmMessages(result.newMessages));
	}
	writer.write(AppEvents::done());
	entry.bytes = writer.bytesWritten();
	if (writer.failed()) entry.outcome = "client-gone";
}


std::string AppChatHandler::pluginFor(const std::string& provider, const std::string& model)
{
	std::string name = Poco::toLower(Poco::trim(provider));
	if (name == "anthropic" || name == "openai") return name;
	if (!name.empty()) return std::string();
	std::string lower = Poco::toLower(model);
	for (const char* prefix: {"gpt", "o1", "o3", "o4", "chatgpt"})
	{
		if (lower.compare(0, std::char_traits<char>::length(prefix), prefix) == 0) return "openai";
	}
	return "anthropic";
}


bool AppChatHandler::forwardedHeader(const std::string& name, const std::string& value)
{
	if (name.empty() || value.find_first_of("\r\n") != std::string::npos) return false;
	for (char c: name)
	{
		// A token of RFC 9110, without '.', which the configuration reads
		// as a separator.
		bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || std::string("!#$%&'*+-^_`|~").find(c) != std::string::npos;
		if (!ok) return false;
	}
	std::string lower = Poco::toLower(name);
	for (const char* refused: {"host", "content-length", "content-type", "transfer-encoding", "connection", "x-api-key", "authorization",
		"anthropic-version", "cookie", "te", "trailer", "upgrade", "keep-alive", "expect"})
	{
		if (lower == refused) return false;
	}
	return lower.compare(0, 6, "proxy-") != 0;
}


std::unique_ptr<BlockingBackend> AppChatHandler::backendFor(const AppChatRequest& app, const std::string& plugin)
{
	Poco::AutoPtr<Poco::Util::MapConfiguration> section(new Poco::Util::MapConfiguration);
	section->setString("base_url", baseUrlFor(plugin, app.apiBaseUrl));
	section->setString("api_key", app.apiKey);
	section->setString("models", app.model);
	section->setString("max_tokens", std::to_string(context().settings.appMaxTokens));
	for (const auto& header: app.headers)
	{
		if (forwardedHeader(header.first, header.second)) section->setString("header." + header.first, header.second);
	}
	std::unique_ptr<BlockingBackend> backend = context().plugins.createBackend(plugin);
	if (!backend) throw Poco::NotFoundException("the " + plugin + " plugin offers no backend");
	backend->configure("app", *section);
	Metrics::observeBackend(*backend, "app:" + plugin);
	return backend;
}


std::string AppChatHandler::systemPrompt()
{
	std::string prompt = context().settings.appSystemPrompt;
	return Poco::replace(prompt, std::string("{date}"), Poco::DateTimeFormatter::format(Poco::LocalDateTime(), "%Y-%m-%d"));
}


} // namespace Nash
