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


ChatStreamHandler::ChatStreamHandler(ServerContext& context): ChatHandler(context)
{
}


void ChatStreamHandler::handle(Poco::Net::HTTPServerRequest& request, Poco::Net::HTTPServerResponse& response, AccessLog::Entry& entry)
{
	const ServerSettings& settings = context().settings;

	// Everything that can be refused is decided before the first byte.
	std::string body = RequestBody::read(request, settings.maxBodyBytes);
	ChatInput input = ChatRequestParser::parse(RequestBody::parseObject(body, false));
	entry.sessionId = input.sessionId;
	BackendRoute route = this->route(input, entry, false);
	SystemPrompt::ensureFirst(input.request.messages, settings.chatSystemPrompt);
	ConversationLimits limits(settings.maxMessages, settings.maxTokens);
	auto slot = holdStreamSlot(response);

	SseWriter writer(beginEventStream(request, response, entry));
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
		ChatOutcome outcome = run(route, input.request, sink, cancellation, watch, entry);
		if (!outcome.complete)
		{
			entry.markFirstByte();
			writer.event(StreamEvents::error(outcome.error.message));
		}
	}
	writer.event(StreamEvents::session(input.sessionId));
	writer.done();
	entry.bytes = writer.bytesWritten();
	if (writer.failed()) entry.outcome = "client-gone";
}


} // namespace Nash
