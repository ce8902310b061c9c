//
// ChatStreamHandler.cpp
//


#include "core/api/nash/ChatStreamHandler.h"
#include "core/api/nash/ChatRequestParser.h"
#include "core/chat/ConversationLimits.h"
#include "core/http/HttpError.h"
#include "core/http/RequestBody.h"
#include "core/http/SseWriter.h"
#include "core/api/nash/StreamEvents.h"
#include "core/chat/SystemPrompt.h"
#include "Nash/ChatEventSink.h"
#include "Poco/Logger.h"


namespace Nash {


namespace {


class StreamingSink: public ChatEventSink
	/// Writes what the backend produces to the client the moment it arrives;
	/// a write that fails means the client left, which cancels the backend.
{
public:
	StreamingSink(SseWriter& writer, CancellationToken& cancellation, AccessLog::Entry& entry):
		_writer(writer),
		_cancellation(cancellation),
		_entry(entry)
	{
	}

	void content(const std::string& text) override
	{
		if (text.empty()) return;
		write(StreamEvents::content(text));
	}

	void toolCallDelta(const ToolCallDelta& delta) override
	{
		write(StreamEvents::toolCall(delta));
	}

	void usage(const Usage&) override
	{
		// The seed's stream has no usage event; the access log has no use for it yet.
	}

	void finish(const std::string&) override
	{
	}

private:
	void write(const std::string& payload)
	{
		if (_cancellation.isCancelled()) return;
		_entry.markFirstByte();
		if (!_writer.event(payload)) _cancellation.cancel();
	}

	SseWriter& _writer;
	CancellationToken& _cancellation;
	AccessLog::Entry& _entry;
};


} // namespace


ChatStreamHandler::ChatStreamHandler(ServerContext& context): JsonHandler(context)
{
}


void ChatStreamHandler::handle(Poco::Net::HTTPServerRequest& request, Poco::Net::HTTPServerResponse& response, AccessLog::Entry& entry)
{
	const ServerSettings& settings = context().settings;

	// Everything that can be refused is decided before the first byte.
	std::string body = RequestBody::read(request, settings.maxBodyBytes);
	ChatInput input = ChatRequestParser::parse(RequestBody::parseObject(body, false));
	entry.sessionId = input.sessionId;
	BackendRoute route = context().backends.resolve(input.modelSpec);
	entry.backend = route.backendName;
	entry.model = route.model;
	input.request.model = route.model;
	SystemPrompt::ensureFirst(input.request.messages, settings.chatSystemPrompt);
	ConversationLimits limits(settings.maxMessages, settings.maxTokens);

	// Each stream holds a thread: beyond the limit, say when to come back.
	if (++context().openStreams > settings.maxStreams)
	{
		--context().openStreams;
		response.set("Retry-After", "1");
		throw HttpError(503, "Too many open streams (" + std::to_string(settings.maxStreams) + "); try again shortly", "error");
	}
	struct StreamCount
	{
		std::atomic<int>& count;
		~StreamCount() { --count; }
	} streamCount{context().openStreams};

	setNoDelay(request);
	response.setStatusAndReason(Poco::Net::HTTPResponse::HTTP_OK);
	response.setContentType("text/event-stream");
	response.set("Cache-Control", "no-cache");
	response.set("X-Accel-Buffering", "no");
	response.setChunkedTransferEncoding(true);
	entry.status = 200;
	std::ostream& out = response.send();

	SseWriter writer(out);
	auto cancellation = std::make_shared<CancellationToken>();
	auto watch = watchClient(request, cancellation, settings.backendTimeLimitSeconds);

	writer.event(StreamEvents::session(input.sessionId));
	if (limits.exceededBy(input.request.messages))
	{
		entry.markFirstByte();
		writer.event(limits.warningEvent(input.request.messages));
		entry.outcome = "warning";
	}
	else
	{
		StreamingSink sink(writer, *cancellation, entry);
		std::string failure;
		try
		{
			route.backend->streamChat(input.request, sink, *cancellation);
		}
		catch (std::exception& exc)
		{
			failure = StreamEvents::messageOf(exc);
		}
		if (cancellation->isCancelled() && context().stopping)
		{
			writer.event(StreamEvents::error("The server is shutting down; the answer was cut short"));
			entry.outcome = "shutdown";
		}
		else if (watch.timedOut())
		{
			Poco::Logger::get("nash.chat").warning("Backend '%s' ran past the time limit of %d s in session %s; cut short",
				route.backendName, settings.backendTimeLimitSeconds, input.sessionId);
			entry.markFirstByte();
			writer.event(StreamEvents::error(timeLimitMessage(settings.backendTimeLimitSeconds)));
			entry.outcome = "time-limit";
		}
		else if (cancellation->isCancelled())
		{
			// The client closed its side (or all of the connection): if it
			// still reads, it must not take the cut answer for a whole one.
			writer.event(StreamEvents::error("The client closed its side of the connection; the answer was cut short"));
			entry.outcome = "client-gone";
		}
		else if (!failure.empty())
		{
			Poco::Logger::get("nash.chat").warning("Backend '%s' failed in session %s: %s", route.backendName, input.sessionId, failure);
			entry.markFirstByte();
			writer.event(StreamEvents::error(failure));
			entry.outcome = "error";
		}
		else
		{
			entry.outcome = "done";
		}
	}
	writer.event(StreamEvents::session(input.sessionId));
	writer.done();
	entry.bytes = writer.bytesWritten();
	if (writer.failed()) entry.outcome = "client-gone";
}


} // namespace Nash
