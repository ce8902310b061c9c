//
// HttpTestClient.h
//


#ifndef Nash_HttpTestClient_INCLUDED
#define Nash_HttpTestClient_INCLUDED


#include "Poco/JSON/Object.h"
#include "Poco/Net/HTTPClientSession.h"
#include "Poco/Net/HTTPResponse.h"
#include "Poco/Net/NameValueCollection.h"
#include <memory>
#include <string>
#include <vector>


namespace NashTest {


struct HttpResult
{
	int status = 0;
	Poco::Net::NameValueCollection headers;
	std::string body;

	Poco::JSON::Object::Ptr json() const;
		/// The body parsed as a JSON object; throws when it is not one.
};


class EventStream
	/// An open streaming response, read event by event.
{
public:
	EventStream(std::unique_ptr<Poco::Net::HTTPClientSession> session, int status, Poco::Net::NameValueCollection headers, std::istream& body);

	bool nextEvent(std::string& data);
		/// Reads up to the next "data: " event and returns its payload; false at
		/// the end of the stream.

	void disconnect();
		/// Closes the connection without reading further.

	int status;
	Poco::Net::NameValueCollection headers;
	std::string lastId;
		/// The "id:" of the last event read, empty before one had it.

private:
	std::unique_ptr<Poco::Net::HTTPClientSession> _session;
	std::istream& _body;
};


class HttpTestClient
	/// Plain HTTP/1.1 to a server on 127.0.0.1.
{
public:
	explicit HttpTestClient(int port);

	HttpResult get(const std::string& path);
	HttpResult post(const std::string& path, const std::string& body, const std::string& contentType = "application/json");
	HttpResult request(const std::string& method, const std::string& path, const std::string& body, const std::string& contentType, const std::vector<std::pair<std::string, std::string>>& headers = {});

	std::unique_ptr<EventStream> openStream(const std::string& path, const std::string& body);
	std::unique_ptr<EventStream> openStream(const std::string& method, const std::string& path, const std::string& body,
		const std::vector<std::pair<std::string, std::string>>& headers);
		/// Posts body and returns the response for reading as it arrives.

	std::string raw(const std::string& requestText, int timeoutMs = 10000);
		/// Sends requestText as it is over a new connection and returns every
		/// byte the server sends until it closes the connection (or until the
		/// end of a chunked body), transfer encoding included.

	static std::vector<std::string> dataEvents(const std::string& body);
		/// Splits an event-stream body into the payloads of its data events.

private:
	int _port;
};


} // namespace NashTest


#endif // Nash_HttpTestClient_INCLUDED
