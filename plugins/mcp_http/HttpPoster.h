//
// HttpPoster.h
//
// One message of the client POSTed to a Streamable HTTP server, and the
// answer read back.
//


#ifndef Nash_HttpPoster_INCLUDED
#define Nash_HttpPoster_INCLUDED


#include "HttpAnswer.h"
#include "HttpConnector.h"
#include "HttpExchanges.h"
#include "HttpSessionState.h"
#include "HttpTransportSettings.h"
#include "SseEventReader.h"
#include "Poco/Logger.h"
#include "Poco/Net/HTTPResponse.h"
#include <chrono>
#include <functional>
#include <istream>
#include <string>


namespace Nash {


class HttpPoster
	/// Answers: 202 for notifications and responses; JSON (one message or
	/// a batch); or an event stream, whose "message" events are delivered
	/// in order (events with empty data, the priming event of 2025-11-25,
	/// are skipped). When a stream ends before the answer to its request,
	/// it is resumed with GET and Last-Event-ID after the "retry:" the
	/// server asked for (at most 3 times).
	///
	/// No message is taken into memory beyond max_message_size: a larger
	/// one sets HttpAnswer::tooLarge, and the rest of the answer is left
	/// unread (and not resumed).
{
public:
	using MessageHandler = std::function<void(const std::string& message)>;

	HttpPoster(const HttpTransportSettings& settings, const HttpConnector& connector, HttpSessionState& state, HttpExchanges& exchanges);
		/// All four must outlive the poster.

	HttpAnswer post(HttpExchanges::Exchange& slot, const std::string& body, const std::string& sessionId, const std::string& requestId,
		const MessageHandler& onMessage, bool adoptSessionId, std::chrono::milliseconds readTimeout);
		/// POSTs body (with sessionId, unless empty) on a connection
		/// attached to slot, and hands every message of the answer to
		/// onMessage. requestId: the id of the request body carries, as
		/// text; empty for other messages. adoptSessionId: a session id in
		/// a 2xx answer becomes the session's before any message is handed
		/// on. Throws Poco exceptions when the server cannot be reached or
		/// the exchange is closing.

private:
	void readJson(std::istream& in, const Poco::Net::HTTPResponse& response, const MessageHandler& onMessage, HttpAnswer& answer);
	void readEvents(std::istream& in, const MessageHandler& onMessage, std::string& lastEventId, std::chrono::milliseconds& retry,
		HttpAnswer& answer);
	bool resume(HttpExchanges::Exchange& slot, const std::string& sessionId, const MessageHandler& onMessage,
		std::string& lastEventId, std::chrono::milliseconds& retry, HttpAnswer& answer);
	Poco::Logger& logger() const;

	const HttpTransportSettings& _settings;
	const HttpConnector& _connector;
	HttpSessionState& _state;
	HttpExchanges& _exchanges;
};


} // namespace Nash


#endif // Nash_HttpPoster_INCLUDED
