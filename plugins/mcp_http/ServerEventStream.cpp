//
// ServerEventStream.cpp
//


#include "ServerEventStream.h"
#include "JsonRpcMessages.h"
#include "SseEventReader.h"
#include "Poco/Exception.h"
#include "Poco/Net/HTTPRequest.h"
#include "Poco/Net/HTTPResponse.h"
#include "Poco/String.h"
#include <algorithm>


namespace Nash {


namespace {


const int MAX_FAILURES = 5;
const long MAX_RETRY_MS = 60000;


} // namespace


ServerEventStream::ServerEventStream(const HttpTransportSettings& settings, const HttpConnector& connector, HttpSessionState& state,
	HttpExchanges& exchanges):
	_settings(settings),
	_connector(connector),
	_state(state),
	_exchanges(exchanges)
{
}


Poco::Logger& ServerEventStream::logger() const
{
	return Poco::Logger::get("Nash.Mcp." + _settings.serverName);
}


void ServerEventStream::run(HttpExchanges::Exchange& slot, const MessageHandler& onMessage)
{
	std::string lastEventId;
	std::chrono::milliseconds retry(1000);
	int failures = 0;
	while (!_exchanges.closing())
	{
		try
		{
			auto session = _connector.open(_settings.uri, _settings.readTimeout);
			_exchanges.attach(slot, session);
			Poco::Net::HTTPRequest request(Poco::Net::HTTPRequest::HTTP_GET, _settings.path(), Poco::Net::HTTPMessage::HTTP_1_1);
			_state.prepare(request, _state.sessionId());
			request.set("Accept", "text/event-stream");
			if (!lastEventId.empty()) request.set("Last-Event-ID", lastEventId);
			session->sendRequest(request);
			Poco::Net::HTTPResponse response;
			std::istream& in = session->receiveResponse(response);
			if (response.getStatus() == Poco::Net::HTTPResponse::HTTP_METHOD_NOT_ALLOWED)
			{
				logger().debug("MCP server '%s' offers no GET event stream", _settings.serverName);
				return;
			}
			if (response.getStatus() == Poco::Net::HTTPResponse::HTTP_OK &&
				Poco::toLower(response.getContentType()).compare(0, 17, "text/event-stream") == 0)
			{
				failures = 0;
				read(in, onMessage, lastEventId, retry);
			}
			else
			{
				++failures;
			}
		}
		catch (Poco::Exception& exc)
		{
			if (_exchanges.closing()) return;
			logger().debug("MCP server '%s': the GET event stream failed: %s", _settings.serverName, exc.displayText());
			++failures;
		}
		if (failures >= MAX_FAILURES)
		{
			logger().information("MCP server '%s': giving up on the GET event stream after %d failures", _settings.serverName, failures);
			return;
		}
		// The server's retry, longer after each failure in a row.
		if (_exchanges.waitClosing(retry * (1 << failures))) return;
	}
}


void ServerEventStream::read(std::istream& in, const MessageHandler& onMessage, std::string& lastEventId, std::chrono::milliseconds& retry)
{
	SseEventReader reader(in, _settings.maxMessageSize, lastEventId);
	SseEventReader::Event event;
	for (;;)
	{
		SseEventReader::Result result = reader.next(event);
		if (result == SseEventReader::TOO_LARGE)
		{
			logger().error("MCP server '%s' sent an event larger than %z bytes (max_message_size); dropped it",
				_settings.serverName, _settings.maxMessageSize);
			bool skipped = reader.skipOversized();
			std::string refusal = JsonRpcMessages::oversizedAnswer(reader.oversizedHead(), reader.oversizedTail(), _settings.maxMessageSize);
			if (!refusal.empty()) onMessage(refusal);
			if (!skipped) result = SseEventReader::END;
		}
		lastEventId = reader.lastEventId();
		if (reader.retryMilliseconds() >= 0) retry = std::chrono::milliseconds(std::min(reader.retryMilliseconds(), MAX_RETRY_MS));
		if (result == SseEventReader::END) return;
		if (result == SseEventReader::EVENT && !event.data.empty() && (event.type.empty() || event.type == "message")) onMessage(event.data);
	}
}


} // namespace Nash
