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

	auto cancellation = std::make_shared<CancellationToken>();
	auto watch = watchClient(request, cancellation, settings.backendTimeLimitSeconds);
	Usage estimate;
	estimate.promptTokens = TokenEstimate::ofPrompt(input.request.messages);
	std::string id = newId("chatcmpl-");
	long long created = static_cast<long long>(Poco::Timestamp().epochTime());

	if (!call.stream)
	{
		ChatCompletionsEncoder encoder(id, created, modelName, false);
		EncodingSink<ChatCompletionsEncoder> sink(encoder, nullptr, *cancellation, entry);
		ChatOutcome outcome = run(route, input.request, sink, cancellation, watch, entry, answerAtOnce(input.request, false));
		if (!outcome.complete) return sendError(response, outcome.error, entry);
		estimate.completionTokens = TokenEstimate::ofText(encoder.text());
		encoder.finishChunk();
		sendJson(response, 200, encoder.completion(estimate), entry);
		return;
	}

	// What the stream needs until its end, which may come after this
	// returned (a relayed stream).
	struct Answer
	{
		Answer(const std::string& id, long long created, const std::string& model, bool includeUsage):
			encoder(id, created, model, includeUsage)
		{
		}

		ChatCompletionsEncoder encoder;
		Usage estimate;
		std::shared_ptr<CancellationToken> cancellation;
		std::unique_ptr<SseWriter> writer;
		std::unique_ptr<EncodingSink<ChatCompletionsEncoder>> sink;
	};
	auto answer = std::make_shared<Answer>(id, created, modelName, call.includeUsage);
	answer->estimate = estimate;
	answer->cancellation = cancellation;
	StreamParts parts;
	parts.open = [answer](std::ostream& out, AccessLog::Entry& entry) -> ChatEventSink& {
		answer->writer.reset(new SseWriter(out));
		answer->writer->event(answer->encoder.roleChunk());
		answer->sink.reset(new EncodingSink<ChatCompletionsEncoder>(answer->encoder, answer->writer.get(), *answer->cancellation, entry));
		return *answer->sink;
	};
	parts.close = [answer](const ChatOutcome& outcome, AccessLog::Entry& entry) {
		SseWriter& writer = *answer->writer;
		if (!outcome.complete)
		{
			// After the stream began, an error is one event, and the stream
			// ends without [DONE]: a client must not take it for a whole answer.
			writer.event(OpenAiErrors::body(outcome.error));
		}
		else
		{
			answer->estimate.completionTokens = TokenEstimate::ofText(answer->encoder.text());
			writer.event(answer->encoder.finishChunk());
			std::string usage = answer->encoder.usageChunk(answer->estimate);
			if (!usage.empty()) writer.event(usage);
			writer.done();
		}
		entry.bytes = writer.bytesWritten();
		if (writer.failed()) entry.outcome = "client-gone";
	};
	streamAnswer(request, response, entry, route, input.request, std::move(slot), cancellation, std::move(watch), std::move(parts));
}


} // namespace Nash
