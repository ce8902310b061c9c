//
// LegacySseTransport.cpp
//


#include "LegacySseTransport.h"
#include "JsonRpcMessages.h"
#include "Poco/Exception.h"
#include "Poco/Net/HTTPRequest.h"
#include "Poco/Net/HTTPResponse.h"
#include "Poco/String.h"


namespace Nash {


LegacySseTransport::LegacySseTransport(const std::string& serverName, const Poco::URI& uri, const std::map<std::string, std::string>& headers,
	std::chrono::milliseconds connectTimeout, std::size_t maxMessageSize, SessionFactory sessions):
	_serverName(serverName),
	_uri(uri),
	_headers(headers),
	_connectTimeout(connectTimeout),
	_maxMessageSize(maxMessageSize),
	_sessions(std::move(sessions)),
	_logger(Poco::Logger::get("Nash.Mcp." + serverName))
{
}


LegacySseTransport::~LegacySseTransport()
{
	stop();
}


void LegacySseTransport::start(McpTransportListener& listener)
{
	stop();
	// The stream lives as long as the session: no read timeout beyond a
	// day, stop() aborts it.
	auto session = _sessions(_uri, std::chrono::hours(24));
	session->setTimeout(Poco::Timespan(_connectTimeout.count() * 1000), Poco::Timespan(_connectTimeout.count() * 1000),
		Poco::Timespan(_connectTimeout.count() * 1000));
	Poco::Net::HTTPRequest request(Poco::Net::HTTPRequest::HTTP_GET, _uri.getPathEtc().empty() ? "/" : _uri.getPathEtc(), Poco::Net::HTTPMessage::HTTP_1_1);
	for (const auto& header: _headers) request.set(header.first, header.second);
	request.set("Accept", "text/event-stream");
	session->sendRequest(request);
	Poco::Net::HTTPResponse response;
	std::istream& in = session->receiveResponse(response);
	if (response.getStatus() != Poco::Net::HTTPResponse::HTTP_OK ||
		Poco::toLower(response.getContentType()).compare(0, 17, "text/event-stream") != 0)
	{
		throw Poco::IOException("MCP server '" + _serverName + "': GET for the event stream answered HTTP " +
			std::to_string(static_cast<int>(response.getStatus())) + " " + response.getContentType());
	}
	std::unique_ptr<SseEventReader> events(new SseEventReader(in, _maxMessageSize));
	// The first event names where our messages go (events with neither a
	// name nor data, such as a lone "retry:", do not count).
	SseEventReader::Event event;
	SseEventReader::Result result;
	do
	{
		result = events->next(event);
	}
	while (result == SseEventReader::EVENT && event.type.empty() && !event.hasData);
	if (result != SseEventReader::EVENT || event.type != "endpoint" || event.data.empty())
		throw Poco::IOException("MCP server '" + _serverName + "': the event stream did not begin with an endpoint event");
	Poco::URI endpoint(_uri, event.data);
	// From now on the stream may stay silent as long as the server likes.
	session->setTimeout(Poco::Timespan(_connectTimeout.count() * 1000), Poco::Timespan(_connectTimeout.count() * 1000), Poco::Timespan(86400, 0));
	{
		std::lock_guard<std::mutex> lock(_mutex);
		_listener = &listener;
		_stream = session;
		_events = std::move(events);
		_endpoint = endpoint;
		_open = true;
		_stopping = false;
		_closed = false;
	}
	_logger.information("MCP server '%s' speaks HTTP+SSE (2024-11-05); messages go to %s", _serverName, endpoint.getPath());
	_reader = std::thread([this] { read(); });
}


void LegacySseTransport::read()
{
	SseEventReader::Event event;
	try
	{
		for (;;)
		{
			SseEventReader::Result result = _events->next(event);
			if (result == SseEventReader::END) break;
			if (result == SseEventReader::TOO_LARGE) refuseOversized();
			else if ((event.type.empty() || event.type == "message") && !event.data.empty()) deliver(event.data);
		}
	}
	catch (Poco::Exception& exc)
	{
		closeOnce("the event stream broke: " + exc.displayText());
		return;
	}
	closeOnce("the server ended the event stream");
}


void LegacySseTransport::refuseOversized()
	/// Drops the event that went over the limit, and fails the request it
	/// answered: as soon as its first bytes tell the request (most servers
	/// write the id first), else once its last bytes do.
{
	_logger.error("MCP server '%s' sent an event larger than %z bytes (max_message_size); dropped it", _serverName, _maxMessageSize);
	std::string refusal = JsonRpcMessages::oversizedAnswer(_events->oversizedHead(), std::string(), _maxMessageSize);
	if (!refusal.empty()) deliver(refusal);
	// A stream that ends in the middle of the event is reported by read().
	if (_events->skipOversized() && refusal.empty())
	{
		refusal = JsonRpcMessages::oversizedAnswer(_events->oversizedHead(), _events->oversizedTail(), _maxMessageSize);
		if (!refusal.empty()) deliver(refusal);
	}
}


void LegacySseTransport::deliver(const std::string& message)
{
	McpTransportListener* listener;
	{
		std::lock_guard<std::mutex> lock(_mutex);
		if (_stopping || _closed) return;
		listener = _listener;
	}
	listener->messageReceived(message);
}


void LegacySseTransport::closeOnce(const std::string& reason)
{
	McpTransportListener* listener;
	{
		std::lock_guard<std::mutex> lock(_mutex);
		if (_closed || _stopping) return;
		_closed = true;
		listener = _listener;
	}
	_logger.warning("MCP server '%s' is gone: %s", _serverName, reason);
	if (listener) listener->transportClosed(reason);
}


void LegacySseTransport::send(const std::string& message)
{
	Poco::URI endpoint;
	{
		std::lock_guard<std::mutex> lock(_mutex);
		if (!_open || _stopping || _closed) throw Poco::IOException("MCP server '" + _serverName + "' is not connected");
		endpoint = _endpoint;
	}
	try
	{
		auto session = _sessions(endpoint, _connectTimeout);
		Poco::Net::HTTPRequest request(Poco::Net::HTTPRequest::HTTP_POST, endpoint.getPathEtc(), Poco::Net::HTTPMessage::HTTP_1_1);
		for (const auto& header: _headers) request.set(header.first, header.second);
		request.setContentType("application/json");
		request.setContentLength(static_cast<std::streamsize>(message.size()));
		session->sendRequest(request).write(message.data(), static_cast<std::streamsize>(message.size()));
		Poco::Net::HTTPResponse response;
		session->receiveResponse(response).ignore(1 << 20);
		if (response.getStatus() < 200 || response.getStatus() >= 300)
			throw Poco::IOException("HTTP " + std::to_string(static_cast<int>(response.getStatus())) + " " + response.getReason());
	}
	catch (Poco::IOException&)
	{
		throw;
	}
	catch (Poco::Exception& exc)
	{
		throw Poco::IOException(exc.displayText());
	}
}


void LegacySseTransport::stop()
{
	{
		std::lock_guard<std::mutex> lock(_mutex);
		if (!_open) return;
		_stopping = true;
		// Shutting the socket down ends the reader's blocked read; closing
		// it is left to the session's destructor, after the reader ended.
		try
		{
			if (_stream) _stream->socket().shutdown();
		}
		catch (Poco::Exception&)
		{
		}
	}
	if (_reader.joinable()) _reader.join();
	std::lock_guard<std::mutex> lock(_mutex);
	_stream.reset();
	_events.reset();
	_listener = nullptr;
	_open = false;
	_closed = true;
}


bool LegacySseTransport::isOpen() const
{
	std::lock_guard<std::mutex> lock(_mutex);
	return _open && !_stopping && !_closed;
}


} // namespace Nash
