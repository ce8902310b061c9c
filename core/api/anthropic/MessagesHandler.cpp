//
// MessagesHandler.cpp
//


#include "core/api/anthropic/MessagesHandler.h"
#include "core/api/anthropic/AnthropicErrors.h"
#include "core/api/anthropic/MessagesEncoder.h"
#include "core/api/anthropic/MessagesRequest.h"
#include "core/chat/EncodingSink.h"
#include "core/chat/TokenEstimate.h"
#include "core/http/RequestBody.h"
#include "core/http/SseWriter.h"


namespace Nash {


MessagesHandler::MessagesHandler(ServerContext& context): ChatHandler(context)
{
}


ErrorAnswer MessagesHandler::errorAnswer(const ErrorReply& reply) const
{
	return AnthropicErrors::answer(reply);
}


void MessagesHandler::handle(Poco::Net::HTTPServerRequest& request, Poco::Net::HTTPServerResponse& response, AccessLog::Entry& entry)
{
	const ServerSettings& settings = context().settings;

	// Everything that can be refused is decided before the first byte.
	std::string body = RequestBody::read(request, settings.maxBodyBytes);
	MessagesRequest call = MessagesRequest::parse(RequestBody::parseObject(body, false));
	ChatInput& input = call.input;
	entry.sessionId = input.sessionId;
	BackendRoute route = this->route(input, entry, true);
	std::string modelName = input.modelSpec.empty() ? route.backendName + "/" + route.model : input.modelSpec;
	auto slot = holdStreamSlot(response);

	std::string id = newId("msg_");
	long long inputEstimate = TokenEstimate::ofPrompt(input.request.messages);
	auto cancellation = std::make_shared<CancellationToken>();
	auto watch = watchClient(request, cancellation, settings.backendTimeLimitSeconds);

	if (!call.stream)
	{
		MessagesEncoder encoder(id, modelName, inputEstimate);
		EncodingSink<MessagesEncoder> sink(encoder, nullptr, *cancellation, entry);
		ChatOutcome outcome = run(route, input.request, sink, cancellation, watch, entry, answerAtOnce(input.request, false));
		if (!outcome.complete) return sendError(response, outcome.error, entry);
		sendJson(response, 200, encoder.message(TokenEstimate::ofText(encoder.text())), entry);
		return;
	}

	// What the stream needs until its end, which may come after this
	// returned (a relayed stream).
	struct Answer
	{
		Answer(const std::string& id, const std::string& model, long long inputEstimate): encoder(id, model, inputEstimate)
		{
		}

		MessagesEncoder encoder;
		std::shared_ptr<CancellationToken> cancellation;
		std::unique_ptr<SseWriter> writer;
		std::unique_ptr<EncodingSink<MessagesEncoder>> sink;
	};
	auto answer = std::make_shared<Answer>(id, modelName, inputEstimate);
	answer->cancellation = cancellation;
	StreamParts parts;
	parts.open = [answer](std::ostream& out, AccessLog::Entry& entry) -> ChatEventSink& {
		answer->writer.reset(new SseWriter(out));
		answer->writer->write(answer->encoder.start());
		answer->sink.reset(new EncodingSink<MessagesEncoder>(answer->encoder, answer->writer.get(), *answer->cancellation, entry));
		return *answer->sink;
	};
	parts.close = [answer](const ChatOutcome& outcome, AccessLog::Entry& entry) {
		SseWriter& writer = *answer->writer;
		// After the stream began, a failure is an error event and the stream
		// ends without message_stop: a client must not take it for a whole answer.
		writer.write(outcome.complete ? answer->encoder.end(TokenEstimate::ofText(answer->encoder.text())) : MessagesEncoder::error(outcome.error));
		entry.bytes = writer.bytesWritten();
		if (writer.failed()) entry.outcome = "client-gone";
	};
	streamAnswer(request, response, entry, route, input.request, std::move(slot), cancellation, std::move(watch), std::move(parts));
}


} // namespace Nash
