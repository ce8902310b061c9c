//
// HttpPoster.cpp
//


#include "HttpPoster.h"
#include "JsonRpcMessages.h"
#include "McpMessageText.h"
#include "Poco/Exception.h"
#include "Poco/JSON/Array.h"
#include "Poco/JSON/Object.h"
#include "Poco/Net/HTTPRequest.h"
#include "Poco/String.h"
#include <algorithm>


namespace Nash {


namespace {


const int MAX_RESUMES = 3;
const std::size_t ERROR_BODY_LIMIT = 2000;
const long MAX_RETRY_MS = 60000;


bool readBounded(std::istream& in, std::string& text, std::size_t limit)
	/// Reads to the end of in, or stops after limit + 1 bytes; false then.
{
	char buffer[16384];
	while (in)
	{
		in.read(buffer, sizeof(buffer));
		std::size_t n = static_cast<std::size_t>(in.gcount());
		if (n == 0) break;
		text.append(buffer, n);
		if (text.size() > limit) return false;
	}
	return true;
}


bool isEventStream(const Poco::Net::HTTPResponse& response)
{
	return Poco::toLower(response.getContentType()).compare(0, 17, "text/event-stream") == 0;
}


} // namespace


HttpPoster::HttpPoster(const HttpTransportSettings& settings, const HttpConnector& connector, HttpSessionState& state, HttpExchanges& exchanges):
	_settings(settings),
	_connector(connector),
	_state(state),
	_exchanges(exchanges)
{
}


Poco::Logger& HttpPoster::logger() const
{
	return Poco::Logger::get("Nash.Mcp." + _settings.serverName);
}


HttpAnswer HttpPoster::post(HttpExchanges::Exchange& slot, const std::string& body, const std::string& sessionId, const std::string& requestId,
	const MessageHandler& onMessage, bool adoptSessionId, std::chrono::milliseconds readTimeout)
{
	HttpAnswer answer;
	auto session = _connector.open(_settings.uri, readTimeout);
	_exchanges.attach(slot, session);
	Poco::Net::HTTPRequest request(Poco::Net::HTTPRequest::HTTP_POST, _settings.path(), Poco::Net::HTTPMessage::HTTP_1_1);
	answer.bearer = _state.prepare(request, sessionId);
	request.setContentType("application/json");
	request.set("Accept", "application/json, text/event-stream");
	request.setContentLength(static_cast<std::streamsize>(body.size()));
	std::ostream& out = session->sendRequest(request);
	out.write(body.data(), static_cast<std::streamsize>(body.size()));
	out.flush();
	Poco::Net::HTTPResponse response;
	std::istream& in = session->receiveResponse(response);
	answer.status = response.getStatus();
	answer.reason = response.getReason();
	answer.sessionId = response.get("Mcp-Session-Id", "");
	answer.wwwAuthenticate = response.get("WWW-Authenticate", "");
	if (adoptSessionId && !answer.sessionId.empty() && answer.succeeded())
	{
		// Before the answer is delivered: the client's next message (the
		// initialized notification) must already carry it.
		_state.setSessionId(answer.sessionId);
	}
	if (!answer.succeeded())
	{
		char buffer[ERROR_BODY_LIMIT];
		in.read(buffer, sizeof(buffer));
		answer.body.assign(buffer, static_cast<std::size_t>(in.gcount()));
		answer.body = Poco::trim(answer.body);
		return answer;
	}

	MessageHandler tracked = [&](const std::string& message)
	{
		if (JsonRpcMessages::answers(message, requestId)) answer.answered = true;
		onMessage(message);
	};
	if (!isEventStream(response))
	{
		readJson(in, response, tracked, answer);
		return answer;
	}
	std::string lastEventId;
	std::chrono::milliseconds retry(1000);
	readEvents(in, tracked, lastEventId, retry, answer);
	for (int i = 0; i < MAX_RESUMES && !answer.answered && !answer.tooLarge && !requestId.empty() && !lastEventId.empty() && !_exchanges.closing(); ++i)
	{
		if (!resume(slot, sessionId.empty() ? _state.sessionId() : sessionId, tracked, lastEventId, retry, answer)) break;
	}
	return answer;
}


void HttpPoster::readJson(std::istream& in, const Poco::Net::HTTPResponse& response, const MessageHandler& onMessage, HttpAnswer& answer)
{
	std::string text;
	if ((response.hasContentLength() && response.getContentLength64() > static_cast<Poco::Int64>(_settings.maxMessageSize)) ||
	    !readBounded(in, text, _settings.maxMessageSize))
	{
		logger().error("MCP server '%s' answered with more than %z bytes (max_message_size); dropped it", _settings.serverName, _settings.maxMessageSize);
		answer.tooLarge = true;
		return;
	}
	if (text.find_first_not_of(" \t\r\n") == std::string::npos) return;
	Poco::Dynamic::Var parsed;
	try
	{
		parsed = McpMessageText::parse(text);
	}
	catch (Poco::Exception&)
	{
		// The listener fails the request at once when it can tell the id;
		// otherwise HttpTransport does.
		answer.unreadable = McpMessageText::problemOf(text);
		logger().warning("MCP server '%s' answered with a body that %s: %s", _settings.serverName, answer.unreadable, text.substr(0, 200));
		onMessage(text);
		return;
	}
	if (parsed.type() == typeid(Poco::JSON::Array::Ptr))
	{
		Poco::JSON::Array::Ptr batch = parsed.extract<Poco::JSON::Array::Ptr>();
		for (std::size_t i = 0; i < batch->size(); ++i)
		{
			Poco::JSON::Object::Ptr item = batch->getObject(static_cast<unsigned>(i));
			if (item) onMessage(JsonRpcMessages::toJson(item));
		}
		return;
	}
	onMessage(text);
}


void HttpPoster::readEvents(std::istream& in, const MessageHandler& onMessage, std::string& lastEventId, std::chrono::milliseconds& retry,
	HttpAnswer& answer)
{
	SseEventReader reader(in, _settings.maxMessageSize, lastEventId);
	SseEventReader::Event event;
	for (;;)
	{
		SseEventReader::Result result = reader.next(event);
		lastEventId = reader.lastEventId();
		if (reader.retryMilliseconds() >= 0) retry = std::chrono::milliseconds(std::min(reader.retryMilliseconds(), MAX_RETRY_MS));
		if (result == SseEventReader::END) return;
		if (result == SseEventReader::TOO_LARGE)
		{
			// The stream carries this request's answer: most likely the
			// event is that answer, and nothing after it is worth the wait.
			logger().error("MCP server '%s' sent an event larger than %z bytes (max_message_size); dropped the stream",
				_settings.serverName, _settings.maxMessageSize);
			answer.tooLarge = true;
			return;
		}
		// Empty data (the priming event) carries nothing.
		if (!event.data.empty() && (event.type.empty() || event.type == "message")) onMessage(event.data);
		if (answer.answered) return; // the stream has done its work
	}
}


bool HttpPoster::resume(HttpExchanges::Exchange& slot, const std::string& sessionId, const MessageHandler& onMessage,
	std::string& lastEventId, std::chrono::milliseconds& retry, HttpAnswer& answer)
{
	// The server asked to wait this long before reconnecting.
	if (_exchanges.waitClosing(retry)) return false;
	try
	{
		auto session = _connector.open(_settings.uri, _settings.readTimeout);
		_exchanges.attach(slot, session);
		Poco::Net::HTTPRequest request(Poco::Net::HTTPRequest::HTTP_GET, _settings.path(), Poco::Net::HTTPMessage::HTTP_1_1);
		_state.prepare(request, sessionId);
		request.set("Accept", "text/event-stream");
		request.set("Last-Event-ID", lastEventId);
		session->sendRequest(request);
		Poco::Net::HTTPResponse response;
		std::istream& in = session->receiveResponse(response);
		if (response.getStatus() != Poco::Net::HTTPResponse::HTTP_OK || !isEventStream(response))
		{
			logger().information("MCP server '%s' did not resume its event stream (HTTP %d)", _settings.serverName, static_cast<int>(response.getStatus()));
			return false;
		}
		std::string before = lastEventId;
		readEvents(in, onMessage, lastEventId, retry, answer);
		return answer.answered || lastEventId != before;
	}
	catch (Poco::Exception& exc)
	{
		logger().information("MCP server '%s': resuming the event stream failed: %s", _settings.serverName, exc.displayText());
		return false;
	}
}


} // namespace Nash
