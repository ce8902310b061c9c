//
// SummarizeHandler.cpp
//


#include "core/api/nash/SummarizeHandler.h"
#include "core/api/nash/ChatRequestParser.h"
#include "core/http/HttpError.h"
#include "core/json/JsonText.h"
#include "core/http/RequestBody.h"
#include "core/chat/SessionId.h"
#include "core/chat/Summarizer.h"


namespace Nash {


SummarizeHandler::SummarizeHandler(ServerContext& context): JsonHandler(context)
{
}


void SummarizeHandler::handle(Poco::Net::HTTPServerRequest& request, Poco::Net::HTTPServerResponse& response, AccessLog::Entry& entry)
{
	const ServerSettings& settings = context().settings;
	std::string body = RequestBody::read(request, settings.maxBodyBytes);
	Poco::JSON::Object::Ptr json = RequestBody::parseObject(body, false);

	if (!json->has("messages") || json->get("messages").isEmpty())
		throw HttpError::badRequest("No messages to summarize");
	std::vector<ChatMessage> messages = ChatRequestParser::parseMessages(json);
	if (messages.empty())
		throw HttpError::badRequest("No messages to summarize");
	std::string sessionId = SessionId::fromRequest(json->get("session_id"));
	entry.sessionId = sessionId;
	std::string modelSpec = ChatRequestParser::parseModel(json);
	if (modelSpec.empty()) modelSpec = settings.summarizeModel;
	BackendRoute route = context().backends.resolve(modelSpec);
	entry.backend = route.backendName;
	entry.model = route.model;
	entry.modelLabel = route.modelLabel;

	auto cancellation = std::make_shared<CancellationToken>();
	auto watch = watchClient(request, cancellation, settings.backendTimeLimitSeconds);
	Summarizer summarizer(settings.summarizeSystemPrompt);
	Poco::JSON::Object::Ptr answer;
	try
	{
		answer = summarizer.summarize(route, messages, sessionId, *cancellation, &entry.meter);
	}
	catch (Poco::Exception&)
	{
		if (watch.timedOut()) throw HttpError(504, timeLimitMessage(settings.backendTimeLimitSeconds), "error");
		if (watch.clientGone()) throw clientGoneError();
		throw;
	}
	// A backend may return what it had when it was cancelled: not a summary.
	if (watch.timedOut()) throw HttpError(504, timeLimitMessage(settings.backendTimeLimitSeconds), "error");
	if (watch.clientGone() || cancellation->isCancelled()) throw clientGoneError();
	sendJson(response, 200, JsonText::write(answer), entry);
}


} // namespace Nash
