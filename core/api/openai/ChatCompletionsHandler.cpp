//
// ChatCompletionsHandler.cpp
//


#include "core/api/openai/ChatCompletionsHandler.h"
#include "core/api/openai/ChatCompletionsEncoder.h"
#include "core/api/openai/ChatCompletionsRequest.h"
#include "core/api/openai/OpenAiErrors.h"
#include "core/chat/TokenEstimate.h"
#include "core/http/RequestBody.h"
#include "core/http/SseWriter.h"
#include "core/chat/EncodingSink.h"
#include "Poco/Timestamp.h"


namespace Nash {


ChatCompletionsHandler::ChatCompletionsHandler(ServerContext& context): ChatHandler(context)
{
}


ErrorAnswer ChatCompletionsHandler::errorAnswer(const ErrorReply& reply) const
{
	return OpenAiErrors::answer(reply);
}


void ChatCompletionsHandler::handle(Poco::Net::HTTPServerRequest& request, Poco::Net::HTTPServerResponse& response, AccessLog::Entry& entry)
{
	const ServerSettings& settings = context().settings;

	// Everything that can be refused is decided before the first byte.
	std::string body = RequestBody::read(request, settings.maxBodyBytes);
	ChatCompletionsRequest call = ChatCompletionsRequest::parse(RequestBody::parseObject(body, false));
	ChatInput& input = call.input;
	entry.sessionId = input.sessionId;
	BackendRoute route = this->route(input, entry, true);
	std::string modelName = input.modelSpec.empty() ? route.backendName + "/" + route.model : input.modelSpec;
	auto slot = holdStreamSlot(response);

	ChatCompletionsEncoder encoder(newId("chatcmpl-"), static_cast<long long>(Poco::Timestamp().epochTime()), modelName, call.stream && call.includeUsage);
	auto cancellation = std::make_shared<CancellationToken>();
	auto watch = watchClient(request, cancellation, settings.backendTimeLimitSeconds);
	Usage estimate;
	estimate.promptTokens = TokenEstimate::ofPrompt(input.request.messages);

	std::unique_ptr<SseWriter> writer;
	if (call.stream)
	{
		writer.reset(new SseWriter(beginEventStream(request, response, entry)));
		writer->event(encoder.roleChunk());
	}

	EncodingSink<ChatCompletionsEncoder> sink(encoder, writer.get(), *cancellation, entry);
	ChatOutcome outcome = run(route, input.request, sink, cancellation, watch, entry, answerAtOnce(input.request, call.stream));
	estimate.completionTokens = TokenEstimate::ofText(encoder.text());
	if (!writer)
	{
		if (!outcome.complete) return sendError(response, outcome.error, entry);
		encoder.finishChunk();
		sendJson(response, 200, encoder.completion(estimate), entry);
		return;
	}
	if (!outcome.complete)
	{
		// After the stream began, an error is one event, and the stream
		// ends without [DONE]: a client must not take it for a whole answer.
		writer->event(OpenAiErrors::body(outcome.error));
	}
	else
	{
		writer->event(encoder.finishChunk());
		std::string usage = encoder.usageChunk(estimate);
		if (!usage.empty()) writer->event(usage);
		writer->done();
	}
	entry.bytes = writer->bytesWritten();
	if (writer->failed()) entry.outcome = "client-gone";
}


} // namespace Nash
