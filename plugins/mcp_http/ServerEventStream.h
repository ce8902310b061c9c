//
// ServerEventStream.h
//
// The GET event stream of Streamable HTTP: what the server sends outside of
// answers.
//


#ifndef Nash_ServerEventStream_INCLUDED
#define Nash_ServerEventStream_INCLUDED


#include "HttpConnector.h"
#include "HttpExchanges.h"
#include "HttpSessionState.h"
#include "HttpTransportSettings.h"
#include "Poco/Logger.h"
#include <functional>
#include <string>


namespace Nash {


class ServerEventStream
	/// The server's own requests (ping, elicitation/create), list_changed
	/// and log messages. Opened once the client sent
	/// notifications/initialized, and reopened with Last-Event-ID after the
	/// server's "retry:" (longer after each failure in a row, at most 5)
	/// while the transport is open. A server that answers the GET with 405
	/// offers no such stream.
	///
	/// An event over max_message_size is dropped and the stream read on (it
	/// carries every message of the server, not one request's): when the
	/// event was an answer whose id shows at one of its ends, that request
	/// gets an error answer at once.
{
public:
	using MessageHandler = std::function<void(const std::string& message)>;

	ServerEventStream(const HttpTransportSettings& settings, const HttpConnector& connector, HttpSessionState& state, HttpExchanges& exchanges);
		/// All four must outlive the stream.

	void run(HttpExchanges::Exchange& slot, const MessageHandler& onMessage);
		/// Reads the stream until the exchanges close or the server is
		/// given up; hands each message to onMessage.

private:
	void read(std::istream& in, const MessageHandler& onMessage, std::string& lastEventId, std::chrono::milliseconds& retry);
	Poco::Logger& logger() const;

	const HttpTransportSettings& _settings;
	const HttpConnector& _connector;
	HttpSessionState& _state;
	HttpExchanges& _exchanges;
};


} // namespace Nash


#endif // Nash_ServerEventStream_INCLUDED
