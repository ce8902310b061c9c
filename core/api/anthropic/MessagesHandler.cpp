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

	MessagesEncoder encoder(newId("msg_"), modelName, TokenEstimate::ofPrompt(input.request.messages));
	auto cancellation = std::make_shared<CancellationToken>();
	auto watch = watchClient(request, cancellation, settings.backendTimeLimitSeconds);

	std::unique_ptr<SseWriter> writer;
	if (call.stream)
	{
		writer.reset(new SseWriter(beginEventStream(request, response, entry)));
		writer->write(encoder.start());
	}

	EncodingSink<MessagesEncoder> sink(encoder, writer.get(), *cancellation, entry);
	ChatOutcome outcome = run(route, input.request, sink, cancellation, watch, entry, answerAtOnce(input.request, call.stream));
	long long outputEstimate = TokenEstimate::ofText(encoder.text());
	if (!writer)
	{
		if (!outcome.complete) return sendError(response, outcome.error, entry);
		sendJson(response, 200, encoder.message(outputEstimate), entry);
		return;
	}
	// After the stream began, a failure is an error event and the stream
	// ends without message_stop: a client must not take it for a whole answer.
	writer->write(outcome.complete ? encoder.end(outputEstimate) : MessagesEncoder::error(outcome.error));
	entry.bytes = writer->bytesWritten();
	if (writer->failed()) entry.outcome = "client-gone";
}


} // namespace Nash
