//
// HttpTestClient.cpp
//


#include "HttpTestClient.h"
#include "Poco/JSON/Parser.h"
#include "Poco/Net/HTTPRequest.h"
#include "Poco/Net/SocketAddress.h"
#include "Poco/Net/StreamSocket.h"
#include "Poco/StreamCopier.h"
#include "Poco/Timespan.h"
#include <sstream>


namespace NashTest {


Poco::JSON::Object::Ptr HttpResult::json() const
{
	Poco::JSON::Parser parser;
	return parser.parse(body).extract<Poco::JSON::Object::Ptr>();
}


EventStream::EventStream(std::unique_ptr<Poco::Net::HTTPClientSession> session, int status_, Poco::Net::NameValueCollection headers_, std::istream& body):
	status(status_),
	headers(std::move(headers_)),
	_session(std::move(session)),
	_body(body)
{
}


bool EventStream::nextEvent(std::string& data)
{
	std::string line;
	while (std::getline(_body, line))
	{
		if (line.compare(0, 4, "id: ") == 0) lastId = line.substr(4);
		if (line.compare(0, 6, "data: ") == 0)
		{
			data = line.substr(6);
			return true;
		}
	}
	return false;
}


void EventStream::disconnect()
{
	_session->abort();
}


HttpTestClient::HttpTestClient(int port): _port(port)
{
}


HttpResult HttpTestClient::get(const std::string& path)
{
	return request("GET", path, "", "");
}


HttpResult HttpTestClient::post(const std::string& path, const std::string& body, const std::string& contentType)
{
	return request("POST", path, body, contentType);
}


HttpResult HttpTestClient::request(const std::string& method, const std::string& path, const std::string& body, const std::string& contentType, const std::vector<std::pair<std::string, std::string>>& headers)
{
	Poco::Net::HTTPClientSession session("127.0.0.1", static_cast<Poco::UInt16>(_port));
	session.setTimeout(Poco::Timespan(30, 0));
	Poco::Net::HTTPRequest req(method, path, Poco::Net::HTTPMessage::HTTP_1_1);
	if (!contentType.empty()) req.setContentType(contentType);
	for (const auto& header: headers) req.set(header.first, header.second);
	if (method != "GET" || !body.empty()) req.setContentLength(static_cast<std::streamsize>(body.size()));
	std::ostream& out = session.sendRequest(req);
	out << body;
	Poco::Net::HTTPResponse resp;
	std::istream& in = session.receiveResponse(resp);
	HttpResult result;
	result.status = resp.getStatus();
	for (const auto& header: resp) result.headers.add(header.first, header.second);
	Poco::StreamCopier::copyToString(in, result.body);
	return result;
}


std::unique_ptr<EventStream> HttpTestClient::openStream(const std::string& path, const std::string& body)
{
	return openStream("POST", path, body, {});
}


std::unique_ptr<EventStream> HttpTestClient::openStream(const std::string& method, const std::string& path, const std::string& body,
	const std::vector<std::pair<std::string, std::string>>& headers)
{
	std::unique_ptr<Poco::Net::HTTPClientSession> session(new Poco::Net::HTTPClientSession("127.0.0.1", static_cast<Poco::UInt16>(_port)));
	session->setTimeout(Poco::Timespan(30, 0));
	Poco::Net::HTTPRequest req(method, path, Poco::Net::HTTPMessage::HTTP_1_1);
	if (method != "GET")
	{
		req.setContentType("application/json");
		req.setContentLength(static_cast<std::streamsize>(body.size()));
	}
	for (const auto& header: headers) req.set(header.first, header.second);
	session->sendRequest(req) << body;
	Poco::Net::HTTPResponse resp;
	std::istream& in = session->receiveResponse(resp);
	Poco::Net::NameValueCollection received;
	for (const auto& header: resp) received.add(header.first, header.second);
	int status = resp.getStatus();
	return std::unique_ptr<EventStream>(new EventStream(std::move(session), status, std::move(received), in));
}


std::string HttpTestClient::raw(const std::string& requestText, int timeoutMs)
{
	Poco::Net::StreamSocket socket;
	socket.connect(Poco::Net::SocketAddress("127.0.0.1", static_cast<Poco::UInt16>(_port)));
	socket.setReceiveTimeout(Poco::Timespan(static_cast<long>(timeoutMs) * 1000));
	socket.sendBytes(requestText.data(), static_cast<int>(requestText.size()));
	std::string received;
	char buffer[4096];
	for (;;)
	{
		int n = 0;
		try
		{
			n = socket.receiveBytes(buffer, sizeof(buffer));
		}
		catch (Poco::TimeoutException&)
		{
			break;
		}
		if (n <= 0) break;
		received.append(buffer, n);
		// A chunked body ends with the zero-length chunk; the connection may stay open.
		if (received.size() >= 5 && received.compare(received.size() - 5, 5, "0\r\n\r\n") == 0) break;
	}
	return received;
}


std::vector<std::string> HttpTestClient::dataEvents(const std::string& body)
{
	std::vector<std::string> events;
	std::istringstream in(body);
	std::string line;
	while (std::getline(in, line))
	{
		if (line.compare(0, 6, "data: ") == 0) events.push_back(line.substr(6));
	}
	return events;
}


} // namespace NashTest
