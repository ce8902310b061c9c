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


#include "Nash/McpTransport.h"
#include "Poco/Logger.h"
#include "Poco/Net/HTTPClientSession.h"
#include "Poco/URI.h"
#include <chrono>
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
{
public:
	using SessionFactory = std::function<std::shared_ptr<Poco::Net::HTTPClientSession>(const Poco::URI& uri, std::chrono::milliseconds readTimeout)>;

	LegacySseTransport(const std::string& serverName, const Poco::URI& uri, const std::map<std::string, std::string>& headers,
		std::chrono::milliseconds connectTimeout, SessionFactory sessions);
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
	void closeOnce(const std::string& reason);
	bool nextEvent(std::string& event, std::string& data);

	std::string _serverName;
	Poco::URI _uri;
	std::map<std::string, std::string> _headers;
	std::chrono::milliseconds _connectTimeout;
	SessionFactory _sessions;
	Poco::Logger& _logger;

	mutable std::mutex _mutex;
	McpTransportListener* _listener = nullptr;
	std::shared_ptr<Poco::Net::HTTPClientSession> _stream;
	std::istream* _in = nullptr;
	Poco::URI _endpoint;
	std::thread _reader;
	bool _open = false;
	bool _stopping = false;
	bool _closed = false;
};


} // namespace Nash


#endif // Nash_LegacySseTransport_INCLUDED
