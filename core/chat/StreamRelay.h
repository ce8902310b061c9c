//
// StreamRelay.h
//
// A streamed answer relayed on an event-loop thread.
//


#ifndef Nash_StreamRelay_INCLUDED
#define Nash_StreamRelay_INCLUDED


#include "core/chat/ChatOutcome.h"
#include "core/chat/MeteredSink.h"
#include "core/http/AccessLog.h"
#include "core/http/ClientDisconnectWatcher.h"
#include "core/http/HttpConnection.h"
#include "core/loop/LoopExchange.h"
#include "core/loop/LoopThread.h"
#include "Nash/CancellationToken.h"
#include "Nash/ChatRequest.h"
#include <chrono>
#include <functional>
#include <memory>
#include <ostream>
#include <streambuf>
#include <string>


namespace Nash {


class StreamRelay: public std::enable_shared_from_this<StreamRelay>
	/// One streamed chat answer that holds no thread while it waits: a
	/// provider's bytes come in through a LoopExchange, its decoder and the
	/// dialect's encoder turn them into events, and the events go to the
	/// client through a write buffer of this relay, all on one LoopThread.
	///
	/// The worker that served the request sets the relay up (the dialect's
	/// first events are written to out(), into the buffer) and detaches the
	/// connection; start() then moves everything to the loop thread, which
	/// sends the head and the events, runs the exchange, calls the closing
	/// (the dialect's last events) with the outcome, ends the chunked body,
	/// records the access-log entry and gives the connection back.
	///
	/// Back-pressure: events are framed as chunks into the buffer and written
	/// without blocking; above HIGH_WATER_BYTES buffered the exchange pauses
	/// (the upstream's socket is no longer read, so TCP slows it down), below
	/// LOW_WATER_BYTES it resumes. A client that takes no byte for the write
	/// timeout while bytes wait for it is taken as gone. The buffer holds at
	/// most the high-water mark plus what one read of the upstream decodes to.
	///
	/// Cancellation: the client closing its connection (seen on the loop:
	/// readable with nothing to read), a write to it failing, the time limit
	/// and the shutdown (the ClientDisconnectWatcher, which watches the
	/// token without the socket) cancel the token, which posts cancel() of
	/// the exchange to the loop.
{
public:
	using Closing = std::function<void(const ChatOutcome& outcome, AccessLog::Entry& entry)>;
		/// Writes the dialect's last events (to out()) for how the answer ended.
	using Judge = std::function<ChatOutcome(const LoopExchange::Outcome& outcome, const ClientDisconnectWatcher::Registration& watch,
		const CancellationToken& cancellation, AccessLog::Entry& entry)>;
		/// Says how the answer ended, as ChatHandler::run() does.

	struct Parts
	{
		std::shared_ptr<AccessLog::Entry> entry;
		std::shared_ptr<CancellationToken> cancellation;
		std::unique_ptr<ClientDisconnectWatcher::Registration> watch;
		std::shared_ptr<void> slot;
			/// The stream slot, released when the relay ends.
		const ProviderBackend* provider = nullptr;
		std::shared_ptr<const NashUpstream::UpstreamSettings> upstream;
		NashUpstream::UpstreamObserver* observer = nullptr;
		Poco::Net::SocketAddress address;
		ChatRequest request;
		Judge judge;
		Closing closing;
		int writeTimeoutSeconds = 30;
	};

	static constexpr std::size_t HIGH_WATER_BYTES = 64 * 1024;
	static constexpr std::size_t LOW_WATER_BYTES = 16 * 1024;

	static std::shared_ptr<StreamRelay> create(LoopThread& loop, Parts parts);
		/// A relay on loop, which was assigned to it (EventLoop::assign()):
		/// the relay unassigns it when it goes.

	~StreamRelay();
	StreamRelay(const StreamRelay&) = delete;
	StreamRelay& operator = (const StreamRelay&) = delete;

	void setHead(const std::string& head, bool chunked);
		/// The answer's head (ServerResponse::detach()); chunked: the events
		/// are framed as chunks, else the body ends with the connection.

	std::ostream& out();
		/// Where the dialect's SseWriter writes: each flush is one chunk.

	AccessLog::Entry& entry();

	void setSink(ChatEventSink& sink);
		/// Where the backend's events go (the dialect's sink, which writes to out()).

	void start(const std::shared_ptr<HttpConnection>& connection);
		/// Any thread, once: the relay runs on its loop thread from now.

private:
	class ChunkBuffer: public std::streambuf
	{
	public:
		explicit ChunkBuffer(StreamRelay& relay);

	protected:
		int overflow(int c) override;
		std::streamsize xsputn(const char* data, std::streamsize count) override;
		int sync() override;

	private:
		StreamRelay& _relay;
		std::string _frame;
	};

	StreamRelay(LoopThread& loop, Parts parts);

	void run(const std::shared_ptr<HttpConnection>& connection);
	bool writeFrame(const std::string& bytes);
	void flush();
	void onClient(int events);
	void onStall();
	void completed(const LoopExchange::Outcome& outcome);
	void end(bool clean);
	void failClient();
	void unassign();

	LoopThread& _loop;
	Parts _parts;
	ChunkBuffer _buffer;
	std::ostream _out;
	bool _chunked = true;
	std::string _pending;
	std::size_t _pendingPos = 0;
	bool _clientFailed = false;
	bool _closing = false;
	bool _ended = false;
	bool _running = false;
	bool _assigned = true;
	bool _flushDue = false;
	bool _watchReads = true;
	std::chrono::steady_clock::time_point _lastWrite;
	LoopThread::Timer _stallTimer;
	std::shared_ptr<HttpConnection> _connection;
	Poco::Net::StreamSocket _socket;
	CancellationToken::Registration _onCancel = 0;
	Poco::Timestamp _waitStarted;
	ChatEventSink* _sink = nullptr;
	std::unique_ptr<MeteredSink> _metered;
	std::shared_ptr<LoopExchange> _exchange;
		// Last, so that it goes first: it calls the sinks above.
};


} // namespace Nash


#endif // Nash_StreamRelay_INCLUDED
