//
// ChatCompletionsHandler.cpp
//


#include "core/api/openai/ChatCompletionsHandler.h"
#include "core/api/openai/ChatCompletionsEncoder.h"
#include "core/api/openai/ChatCompletionsRequest.h"
#include "core/api/nash/StreamEvents.h"
#include "core/chat/TokenEstimate.h"
#include "core/http/RequestBody.h"
#include "core/http/SseWriter.h"
#include "Nash/ChatEventSink.h"
#include "Poco/Logger.h"
#include "Poco/Timestamp.h"
#include "Poco/UUIDGenerator.h"
#include <mutex>


namespace Nash {


namespace {


class EncodingSink: public ChatEventSink
	/// Hands each event to the encoder; when streaming, writes the chunk at
	/// once, and a write that fails (the client left) cancels the backend.
{
public:
	EncodingSink(ChatCompletionsEncoder& encoder, SseWriter* writer, CancellationToken& cancellation, AccessLog::Entry& entry):
		_encoder(encoder),
		_writer(writer),
		_cancellation(cancellation),
		_entry(entry)
	{
	}

	void content(const std::string& text) override
	{
		std::lock_guard<std::mutex> lock(_mutex);
		write(_encoder.contentChunk(text));
	}

	void toolCallDelta(const ToolCallDelta& delta) override
	{
		std::lock_guard<std::mutex> lock(_mutex);
		write(_encoder.toolCallChunk(delta));
	}

	void usage(const Usage& usage) override
	{
		std::lock_guard<std::mutex> lock(_mutex);
		_encoder.usage(usage);
	}

	void finish(const std::string& reason) override
	{
		std::lock_guard<std::mutex> lock(_mutex);
		_finishReason = reason;
	}

	std::string finishReason()
	{
		std::lock_guard<std::mutex> lock(_mutex);
		return _finishReason;
	}

private:
	void write(const std::string& chunk)
	{
		_entry.markFirstByte();
		if (chunk.empty() || !_writer || _cancellation.isCancelled()) return;
		if (!_writer->event(chunk)) _cancellation.cancel();
	}

	ChatCompletionsEncoder& _encoder;
	SseWriter* _writer;
	CancellationToken& _cancellation;
	AccessLog::Entry& _entry;
	std::mutex _mutex;
	std::string _finishReason;
};


std::string completionId()
{
	std::string uuid = Poco::UUIDGenerator::defaultGenerator().createRandom().toString();
	std::string id = "chatcmpl-";
	for (char c: uuid)
	{
		if (c != '-') id += c;
	}
	return id;
}


} // namespace


ChatCompletionsHandler::ChatCompletionsHandler(ServerContext& context): JsonHandler(context)
{
}


std::string ChatCompletionsHandler::errorBody(const ErrorReply& reply) const
{
	return ChatCompletionsEncoder::error(reply.status, reply.message);
}


void ChatCompletionsHandler::handle(Poco::Net::HTTPServerRequest& request, Poco::Net::HTTPServerResponse& response, AccessLog::Entry& entry)
{
	const ServerSettings& settings = context().settings;

	// Everything that can be refused is decided before the first byte.
	std::string body = RequestBody::read(request, settings.maxBodyBytes);
	ChatCompletionsRequest call = ChatCompletionsRequest::parse(RequestBody::parseObject(body, false));
	ChatInput& input = call.input;
	entry.sessionId = input.sessionId;
	BackendRoute route;
	try
	{
		route = context().backends.resolve(input.modelSpec);
	}
	catch (HttpError& exc)
	{
		// OpenAI answers a model it does not know with 404.
		if (exc.status() != 400) throw;
		throw HttpError(404, exc.message());
	}
	entry.backend = route.backendName;
	entry.model = route.model;
	input.request.model = route.model;
	std::string modelName = input.modelSpec.empty() ? route.backendName + "/" + route.model : input.modelSpec;

	// An answer holds a thread while the model works, streamed or not.
	if (++context().openStreams > settings.maxStreams)
	{
		--context().openStreams;
		response.set("Retry-After", "1");
		throw HttpError(503, "Too many open streams (" + std::to_string(settings.maxStreams) + "); try again shortly");
	}
	struct StreamCount
	{
		std::atomic<int>& count;
		~StreamCount() { --count; }
	} streamCount{context().openStreams};

	ChatCompletionsEncoder encoder(completionId(), static_cast<long long>(Poco::Timestamp().epochTime()), modelName, call.stream && call.includeUsage);
	auto cancellation = std::make_shared<CancellationToken>();
	auto watch = watchClient(request, cancellation, settings.backendTimeLimitSeconds);
	Usage estimate;
	estimate.promptTokens = TokenEstimate::of(input.request.messages);

	std::unique_ptr<SseWriter> writer;
	if (call.stream)
	{
		setNoDelay(request);
		response.setStatusAndReason(Poco::Net::HTTPResponse::HTTP_OK);
		response.setContentType("text/event-stream");
		response.set("Cache-Control", "no-cache");
		response.set("X-Accel-Buffering", "no");
		response.setChunkedTransferEncoding(true);
		entry.status = 200;
		writer.reset(new SseWriter(response.send()));
		writer->event(encoder.roleChunk());
	}

	EncodingSink sink(encoder, writer.get(), *cancellation, entry);
	int failureStatus = 0;
	std::string failure;
	try
	{
		route.backend->streamChat(input.request, sink, *cancellation);
	}
	catch (Poco::Exception& exc)
	{
		ErrorReply reply = ErrorResponder::fromException(exc);
		failureStatus = reply.status;
		failure = StreamEvents::messageOf(exc);
	}
	catch (std::exception& exc)
	{
		failureStatus = 500;
		failure = StreamEvents::messageOf(exc);
	}

	// Why the answer is incomplete, when it is.
	if (cancellation->isCancelled() && context().stopping)
	{
		failureStatus = 503;
		failure = "The server is shutting down; the answer was cut short";
		entry.outcome = "shutdown";
	}
	else if (watch.timedOut())
	{
		Poco::Logger::get("nash.chat").warning("Backend '%s' ran past the time limit of %d s; cut short", route.backendName, settings.backendTimeLimitSeconds);
		failureStatus = 504;
		failure = timeLimitMessage(settings.backendTimeLimitSeconds);
		entry.outcome = "time-limit";
	}
	else if (cancellation->isCancelled())
	{
		failureStatus = 400;
		failure = "The client closed its side of the connection; the answer was cut short";
		entry.outcome = "client-gone";
	}
	else if (!failure.empty())
	{
		Poco::Logger::get("nash.chat").warning("Backend '%s' failed: %s", route.backendName, failure);
		entry.outcome = "error";
	}
	else
	{
		entry.outcome = "done";
	}

	estimate.completionTokens = static_cast<long long>((TokenEstimate::characters(encoder.text()) + 3) / 4);
	if (!writer)
	{
		if (!failure.empty()) throw HttpError(failureStatus, failure);
		encoder.finishChunk(sink.finishReason());
		sendJson(response, 200, encoder.completion(estimate), entry);
		return;
	}
	if (!failure.empty())
	{
		// After the stream began, an error is one event, and the stream
		// ends without [DONE]: a client must not take it for a whole answer.
		writer->event(ChatCompletionsEncoder::error(failureStatus, failure));
	}
	else
	{
		writer->event(encoder.finishChunk(sink.finishReason()));
		std::string usage = encoder.usageChunk(estimate);
		if (!usage.empty()) writer->event(usage);
		writer->done();
	}
	entry.bytes = writer->bytesWritten();
	if (writer->failed()) entry.outcome = "client-gone";
}


} // namespace Nash
