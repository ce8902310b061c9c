//
// ServerRequest.cpp
//


#include "core/http/ServerRequest.h"
#include "core/http/HttpConnection.h"
#include "core/http/HttpError.h"
#include "core/http/ServerResponse.h"
#include "Poco/Net/HTTPServerResponse.h"
#include "Poco/String.h"


namespace Nash {


class ServerRequest::BodyBuffer: public std::streambuf
{
public:
	explicit BodyBuffer(ServerRequest& request): _request(request)
	{
		setg(_buffer, _buffer, _buffer);
	}

protected:
	int_type underflow() override
	{
		if (gptr() < egptr()) return traits_type::to_int_type(*gptr());
		// A failure becomes the end of the stream with badbit (std::istream
		// sets it when underflow throws); the caller asks the connection why.
		std::size_t n = _request.readBody(_buffer, sizeof(_buffer));
		if (n == 0) return traits_type::eof();
		setg(_buffer, _buffer, _buffer + n);
		return traits_type::to_int_type(*gptr());
	}

private:
	ServerRequest& _request;
	char _buffer[8192];
};


ServerRequest::ServerRequest(HttpConnection& connection, const RequestHead& head, Poco::Net::HTTPServerResponse& response,
	const Poco::Net::HTTPServerParams& params):
	_connection(connection),
	_head(head),
	_response(response),
	_params(params)
{
	setMethod(head.method);
	setURI(head.target);
	setVersion(head.version());
	for (const auto& field: head.fields) add(field.first, field.second);
}


ServerRequest::~ServerRequest()
{
}


std::istream& ServerRequest::stream()
{
	if (!_stream)
	{
		_bodyBuffer.reset(new BodyBuffer(*this));
		_stream.reset(new std::istream(_bodyBuffer.get()));
	}
	return *_stream;
}


const Poco::Net::SocketAddress& ServerRequest::clientAddress() const
{
	return _connection.clientAddress();
}


const Poco::Net::SocketAddress& ServerRequest::serverAddress() const
{
	return _connection.serverAddress();
}


const Poco::Net::HTTPServerParams& ServerRequest::serverParams() const
{
	return _params;
}


Poco::Net::HTTPServerResponse& ServerRequest::response() const
{
	return _response;
}


bool ServerRequest::secure() const
{
	return false;
}


std::size_t ServerRequest::readBody(char* buffer, std::size_t size)
{
	if (awaitingContinue()) _response.sendContinue();
	_continueSent = true;
	return _connection.readBody(buffer, size);
}


bool ServerRequest::awaitingContinue() const
{
	// Only while no final answer has been sent.
	return !_response.sent() && bodyWithheld();
}


bool ServerRequest::bodyWithheld() const
{
	// Only an HTTP/1.1 client may wait for it (RFC 9110 10.1.1).
	if (_continueSent || _head.versionMinor != 1 || _connection.bodyComplete()) return false;
	const std::string* expect = _head.find("Expect");
	return expect && Poco::icompare(*expect, "100-continue") == 0;
}


bool ServerRequest::hasBody() const
{
	return _head.hasBody();
}


bool ServerRequest::bodyComplete() const
{
	return _connection.bodyComplete();
}


const RequestHead& ServerRequest::head() const
{
	return _head;
}


Poco::Net::StreamSocket& ServerRequest::socket()
{
	return _connection.socket();
}


std::string ServerRequest::detach(std::function<void(const std::shared_ptr<HttpConnection>& connection)> relay)
{
	auto* response = dynamic_cast<ServerResponse*>(&_response);
	poco_assert(response);
	std::string head = response->detach();
	_connection.detach(std::move(relay));
	return head;
}


ServerRequest* ServerRequest::of(Poco::Net::HTTPServerRequest& request)
{
	return dynamic_cast<ServerRequest*>(&request);
}


} // namespace Nash
