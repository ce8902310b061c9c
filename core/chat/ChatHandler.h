//
// ChatHandler.h
//
// The path a chat call takes through the server, whatever its dialect.
//


#ifndef Nash_ChatHandler_INCLUDED
#define Nash_ChatHandler_INCLUDED


#include "core/api/nash/ChatRequestParser.h"
#include "core/chat/BackendRegistry.h"
#include "core/chat/ChatOutcome.h"
#include "core/chat/ToolBox.h"
#include "core/chat/ToolLoop.h"
#include "core/http/JsonHandler.h"
#include "core/metrics/Metrics.h"
#include "Nash/ChatEventSink.h"
#include <atomic>
#include <functional>
#include <ostream>


namespace Nash {


class ChatHandler: public JsonHandler
	/// The base of the dialects' chat endpoints: one pipeline (routing, the
	/// limit on open answers, the event-stream response, the backend run
	/// with cancellation and its outcome), with decoding and encoding left
	/// to each dialect.
{
public:
	explicit ChatHandler(ServerContext& context);

	static std::unique_ptr<ToolBox> allowedTools(ServerContext& context, const std::vector<std::string>& servers, const CancellationToken& cancellation);
		/// The MCP tools of servers (every server when empty) that [app]
		/// tools allows, with the configured limits; null when there is no
		/// MCP server or no tool is allowed. Throws McpError when no server
		/// answers the listing.

protected:
	class StreamSlot
		/// One of server.max_streams answers in progress, held for as long
		/// as it exists.
	{
	public:
		explicit StreamSlot(std::atomic<int>& count);
		~StreamSlot();
		void admitted();
			/// Within the limit: counted as an open stream in the metrics.
		StreamSlot(const StreamSlot&) = delete;
		StreamSlot& operator = (const StreamSlot&) = delete;

	private:
		std::atomic<int>& _count;
		Metrics* _metrics = nullptr;
	};

	static std::string newId(const std::string& prefix);
		/// prefix and 32 random hex digits: the id of an answer.

	BackendRoute route(ChatInput& input, AccessLog::Entry& entry, bool unknownModelIsNotFound);
		/// The backend and model for input (its model set), noted in entry.
		/// An unknown model is 400 in the original's dialect, 404 (not
		/// found) in the dialects of OpenAI and Anthropic.

	std::unique_ptr<StreamSlot> holdStreamSlot(Poco::Net::HTTPServerResponse& response);
		/// A slot, or HttpError 503 with Retry-After when all are taken
		/// (server.max_streams): an answer holds sockets and memory, and a
		/// thread unless it is relayed, while the model works.

	std::ostream& beginEventStream(Poco::Net::HTTPServerRequest& request, Poco::Net::HTTPServerResponse& response, AccessLog::Entry& entry,
		const std::string& contentType = "text/event-stream");
		/// Sends the head of a 200 text/event-stream answer, chunked and
		/// not buffered by proxies; the events follow on the stream.

	static bool answerAtOnce(const ChatRequest& request, bool stream);
		/// Whether run() may ask the backend for the whole answer at once
		/// (complete()) rather than a stream: the client does not stream,
		/// and offers no tools (a whole answer carries no tool calls).
		/// Providers answer a whole answer sooner than its stream.

	ChatOutcome run(const BackendRoute& route, const ChatRequest& request, ChatEventSink& sink, const std::shared_ptr<CancellationToken>& cancellation,
		const ClientDisconnectWatcher::Registration& watch, AccessLog::Entry& entry, bool whole = false);
		/// Runs the backend's stream (with whole, its complete(), the
		/// answer then given to sink in one piece) and says how it ended: complete, or
		/// cut short by shutdown (Overloaded), the time limit (TimedOut),
		/// the client leaving (ClientGone) or the backend failing (its
		/// kind). Sets entry.outcome and logs what the operator should see.

	struct StreamParts
		/// A dialect's part of a streamed answer. The functions may be called
		/// after handle() returned, on another thread (a relayed stream):
		/// what they use they own (captured by value or shared).
	{
		std::function<ChatEventSink&(std::ostream& out, AccessLog::Entry& entry)> open;
			/// Writes the first events (through an SseWriter on out) and
			/// returns the sink for the backend's events.
		std::function<void(const ChatOutcome& outcome, AccessLog::Entry& entry)> close;
			/// Writes the last events for how the answer ended, and sets
			/// entry.bytes (and its outcome when the client failed).
		std::string contentType = "text/event-stream";
	};

	void streamAnswer(Poco::Net::HTTPServerRequest& request, Poco::Net::HTTPServerResponse& response, AccessLog::Entry& entry,
		const BackendRoute& route, const ChatRequest& chatRequest, std::unique_ptr<StreamSlot> slot,
		const std::shared_ptr<CancellationToken>& cancellation, ClientDisconnectWatcher::Registration watch, StreamParts parts);
		/// Streams the backend's answer to the client, the dialect's parts
		/// around it. A provider over http:// is relayed on the event loop
		/// (StreamRelay): the worker returns at once, and the stream holds
		/// no thread. Any other backend streams on this worker.

	ToolLoopSettings toolLoopSettings(AccessLog::Entry& entry);
		/// The configured bounds of the tool loop, metered into entry.

	ChatOutcome run(const std::string& backendName, const std::string& sessionId, const std::function<void()>& work,
		const std::shared_ptr<CancellationToken>& cancellation, const ClientDisconnectWatcher::Registration& watch, AccessLog::Entry& entry);
		/// Like run() above for any work that calls backends (the tool
		/// loop): runs work and says how it ended.

private:
	static ChatOutcome conclude(ServerContext& context, const std::string& backendName, const std::string& sessionId, ChatOutcome outcome,
		const CancellationToken& cancellation, const ClientDisconnectWatcher::Registration& watch, AccessLog::Entry& entry);
		/// Why the answer is incomplete, when it is (see run()), logged.
};


} // namespace Nash


#endif // Nash_ChatHandler_INCLUDED
