//
// LegacySseTransport.h
//
// The HTTP+SSE transport of MCP 2024-11-05, which servers that predate
// Streamable HTTP still speak: one long GET event stream carries every
// message of the server; the client POSTs its messages to the endpoint the
// stream names first.
//


#ifndef Nash_LegacySseTransport_INCLUDED
#define Nash_LegacySseTransport_INCLUDED


#include "SseEventReader.h"
#include "Nash/McpTransport.h"
#include "Poco/Logger.h"
#include "Poco/Net/HTTPClientSession.h"
#include "Poco/URI.h"
#include <chrono>
#include <cstddef>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>


namespace Nash {


class LegacySseTransport
	/// Used by HttpTransport: for servers configured with type "sse" (key
	/// legacy_sse), and as the fallback when a Streamable HTTP initialize
	/// is answered 400, 404 or 405. Not a plugin class of its own.
	///
	/// start() opens the GET stream at the URL and waits (up to the connect
	/// timeout) for its "endpoint" event; a thread then delivers the
	/// stream's "message" events. send() POSTs one message to the endpoint
	/// (resolved against the URL) and expects 2xx (202 normally); the
	/// answer comes on the stream. When the stream ends the server is gone:
	/// transportClosed().
	///
	/// The stream is read with SseEventReader, as HttpTransport reads its
	/// streams: an event over max_message_size is dropped while it streams
	/// by, and the request it answered (its id told by its first and last
	/// bytes, McpMessageText::responseId()) gets an error answer at once,
	/// the same as when the Streamable HTTP transport drops an answer. The
	/// stream is read on: it carries every message of the session.
{
public:
	using SessionFactory = std::function<std::shared_ptr<Poco::Net::HTTPClientSession>(const Poco::URI& uri, std::chrono::milliseconds readTimeout)>;

	LegacySseTransport(const std::string& serverName, const Poco::URI& uri, const std::map<std::string, std::string>& headers,
		std::chrono::milliseconds connectTimeout, std::size_t maxMessageSize, SessionFactory sessions);
		/// maxMessageSize: bytes of one event's data (max_message_size).
	~LegacySseTransport();

	void start(McpTransportListener& listener);
		/// Throws Poco::IOException (or a Net exception) when the stream
		/// cannot be opened or names no endpoint in time.

	void send(const std::string& message);
		/// Throws Poco::IOException when the POST fails or is refused.

	void stop();
	bool isOpen() const;

private:
	void read();
	void deliver(const std::string& message);
	void refuseOversized();
	void closeOnce(const std::string& reason);

	std::string _serverName;
	Poco::URI _uri;
	std::map<std::string, std::string> _headers;
	std::chrono::milliseconds _connectTimeout;
	std::size_t _maxMessageSize;
	SessionFactory _sessions;
	Poco::Logger& _logger;

	mutable std::mutex _mutex;
	McpTransportListener* _listener = nullptr;
	std::shared_ptr<Poco::Net::HTTPClientSession> _stream;
	std::unique_ptr<SseEventReader> _events;
	Poco::URI _endpoint;
	std::thread _reader;
	bool _open = false;
	bool _stopping = false;
	bool _closed = false;
};


} // namespace Nash


#endif // Nash_LegacySseTransport_INCLUDED
