//
// ChatStreamHandler.cpp
//


#include "core/api/nash/ChatStreamHandler.h"
#include "core/api/app/AppChatHandler.h"
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

	void write(const std::string& payload)
	{
		if (_cancellation.isCancelled()) return;
		_entry.markFirstByte();
		if (!_writer.event(payload)) _cancellation.cancel();
	}

private:
	SseWriter& _writer;
	CancellationToken& _cancellation;
	AccessLog::Entry& _entry;
};


class ToolLoopEvents: public ToolLoopListener
	/// The tool loop in the original's stream: text as content events, and
	/// two events its clients do not know and skip: each call the server
	/// runs ({"tool_call"}) and its result ({"tool_result"}).
{
public:
	explicit ToolLoopEvents(StreamingSink& sink): _sink(sink)
	{
	}

	void content(const std::string& text) override
	{
		_sink.content(text);
	}

	void toolCallStarted(const ToolCallRecord&) override
	{
	}

	void toolCallArguments(const ToolCallRecord&, const std::string&) override
	{
	}

	void roundFinished(const std::string&) override
	{
	}

	void waiting(double) override
	{
	}

	void toolResult(const ToolCallRecord& call, const ToolOutcome& outcome) override
	{
		_sink.write(StreamEvents::toolLoopCall(call.id, call.name, call.arguments));
		_sink.write(StreamEvents::toolLoopResult(call.id, call.name, outcome.text, outcome.isError));
	}

private:
	StreamingSink& _sink;
};


std::vector<std::string> toolServers(ChatRequest& request, bool& wanted)
	/// "mcp_tools": true (every server's tools), a list of server names, or
	/// false/absent (no tool loop). Taken out of the fields a backend sees.
{
	wanted = false;
	std::vector<std::string> servers;
	if (!request.extra || !request.extra->has("mcp_tools")) return servers;
	Poco::Dynamic::Var value = request.extra->get("mcp_tools");
	request.extra->remove("mcp_tools");
	const std::string refusal = "mcp_tools must be true, false or a list of MCP server names";
	if (value.type() == typeid(bool))
	{
		wanted = value.extract<bool>();
	}
	else if (!value.isEmpty())
	{
		Poco::JSON::Array::Ptr list = value.type() == typeid(Poco::JSON::Array::Ptr) ? value.extract<Poco::JSON::Array::Ptr>() : nullptr;
		if (!list) throw HttpError(400, refusal);
		for (std::size_t i = 0; i < list->size(); ++i)
		{
			Poco::Dynamic::Var name = list->get(static_cast<unsigned>(i));
			if (!name.isString()) throw HttpError(400, refusal);
			servers.push_back(name.extract<std::string>());
		}
		wanted = !servers.empty();
	}
	if (wanted && request.extra->has("tools"))
		throw HttpError(400, "A request gives either its own tools or mcp_tools, not both");
	return servers;
}


} // namespace


ChatStreamHandler::ChatStreamHandler(ServerContext& context): ChatHandler(context)
{
}


void ChatStreamHandler::handle(Poco::Net::HTTPServerRequest& request, Poco::Net::HTTPServerResponse& response, AccessLog::Entry& entry)
{
	const ServerSettings& settings = context().settings;

	// Everything that can be refused is decided before the first byte.
	std::string body = RequestBody::read(request, settings.maxBodyBytes);
	Poco::JSON::Object::Ptr object;
	try
	{
		object = RequestBody::parseObject(body, false);
	}
	catch (HttpError&)
	{
		// With the app's dialect on, its client is the likelier sender, and
		// it is answered 422 as its server did.
		if (!settings.appEnabled) throw;
		AppChatHandler(context()).answer(request, response, entry, body);
		return;
	}
	// With the app's dialect off, such fields are unknown fields of the
	// original's dialect, which it ignores, as the original did.
	if (settings.appEnabled && AppChatRequest::isAppBody(object))
	{
		AppChatHandler(context()).answer(request, response, entry, body);
		return;
	}
	ChatInput input = ChatRequestParser::parse(object);
	bool loop = false;
	std::vector<std::string> servers = toolServers(input.request, loop);
	entry.sessionId = input.sessionId;
	BackendRoute route = this->route(input, entry, false);
	SystemPrompt::ensureFirst(input.request.messages, settings.chatSystemPrompt);
	ConversationLimits limits(settings.maxMessages, settings.maxTokens);
	auto slot = holdStreamSlot(response);
	auto cancellation = std::make_shared<CancellationToken>();
	auto watch = watchClient(request, cancellation, settings.backendTimeLimitSeconds);

	if (!loop && !limits.exceededBy(input.request.messages))
	{
		// What the stream needs until its end, which may come after this
		// returned (a relayed stream).
		struct Answer
		{
			std::string sessionId;
			std::shared_ptr<CancellationToken> cancellation;
			std::unique_ptr<SseWriter> writer;
			std::unique_ptr<StreamingSink> sink;
		};
		auto answer = std::make_shared<Answer>();
		answer->sessionId = input.sessionId;
		answer->cancellation = cancellation;
		StreamParts parts;
		parts.open = [answer](std::ostream& out, AccessLog::Entry& entry) -> ChatEventSink& {
			answer->writer.reset(new SseWriter(out));
			answer->writer->event(StreamEvents::session(answer->sessionId));
			answer->sink.reset(new StreamingSink(*answer->writer, *answer->cancellation, entry));
			return *answer->sink;
		};
		parts.close = [answer](const ChatOutcome& outcome, AccessLog::Entry& entry) {
			SseWriter& writer = *answer->writer;
			if (!outcome.complete)
			{
				entry.markFirstByte();
				writer.event(StreamEvents::error(outcome.error.message));
			}
			writer.event(StreamEvents::session(answer->sessionId));
			writer.done();
			entry.bytes = writer.bytesWritten();
			if (writer.failed()) entry.outcome = "client-gone";
		};
		streamAnswer(request, response, entry, route, input.request, std::move(slot), cancellation, std::move(watch), std::move(parts));
		return;
	}

	SseWriter writer(beginEventStream(request, response, entry));

	writer.event(StreamEvents::session(input.sessionId));
	if (limits.exceededBy(input.request.messages))
	{
		entry.markFirstByte();
		writer.event(limits.warningEvent(input.request.messages));
		entry.outcome = "warning";
	}
	else
	{
		runToolLoop(route, input.request, servers, writer, cancellation, watch, entry);
	}
	writer.event(StreamEvents::session(input.sessionId));
	writer.done();
	entry.bytes = writer.bytesWritten();
	if (writer.failed()) entry.outcome = "client-gone";
}


void ChatStreamHandler::runToolLoop(const BackendRoute& route, ChatRequest& request, const std::vector<std::string>& servers, SseWriter& writer,
	const std::shared_ptr<CancellationToken>& cancellation, const ClientDisconnectWatcher::Registration& watch, AccessLog::Entry& entry)
{
	std::unique_ptr<ToolBox> tools;
	std::string refusal;
	try
	{
		tools = allowedTools(context(), servers, *cancellation);
		if (!tools) refusal = context().mcp ? "No MCP tool is allowed for the tool loop; list them in [app] tools"
			: "This server has no MCP servers; mcp_tools cannot be used";
	}
	catch (Poco::Exception& exc)
	{
		refusal = "The tools of the MCP servers could not be listed: " + exc.message();
	}
	if (!refusal.empty())
	{
		entry.markFirstByte();
		entry.outcome = "error";
		writer.event(StreamEvents::error(refusal));
		return;
	}

	ToolLoopSettings loopSettings = toolLoopSettings(entry);
	ToolLoop loop(loopSettings);
	StreamingSink sink(writer, *cancellation, entry);
	ToolLoopEvents events(sink);
	ToolLoopResult result;
	ChatOutcome outcome = run(route.backendName, request.sessionId, [&] {
		result = loop.run(*route.backend, request, tools.get(), events, *cancellation);
	}, cancellation, watch, entry);
	std::string error = !outcome.complete ? outcome.error.message
		: result.errorClass.empty() ? std::string() : result.errorClass + ": " + result.errorMessage;
	if (!error.empty())
	{
		entry.markFirstByte();
		writer.event(StreamEvents::error(error));
	}
}


} // namespace Nash
