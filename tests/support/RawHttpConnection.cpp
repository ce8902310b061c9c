//
// RawHttpConnection.cpp
//


#include "RawHttpConnection.h"
#include "Poco/Exception.h"
#include "Poco/Net/SocketAddress.h"
#include "Poco/NumberParser.h"
#include "Poco/String.h"
#include "Poco/Timespan.h"


namespace NashTest {


RawHttpConnection::RawHttpConnection(int port):
	_socket(Poco::Net::SocketAddress("127.0.0.1", static_cast<Poco::UInt16>(port)))
{
}


void RawHttpConnection::send(const std::string& bytes)
{
	std::size_t sent = 0;
	while (sent < bytes.size())
	{
		int n = _socket.sendBytes(bytes.data() + sent, static_cast<int>(bytes.size() - sent));
		if (n <= 0) throw Poco::IOException("could not send to the server");
		sent += static_cast<std::size_t>(n);
	}
}


void RawHttpConnection::shutdownSend()
{
	_socket.shutdownSend();
}


bool RawHttpConnection::fill(int timeoutMs)
{
	if (_eof) return false;
	try
	{
		if (!_socket.poll(Poco::Timespan(static_cast<Poco::Timespan::TimeDiff>(timeoutMs) * 1000), Poco::Net::Socket::SELECT_READ))
			return false;
		char buffer[16384];
		int n = _socket.receiveBytes(buffer, sizeof(buffer));
		if (n <= 0)
		{
			_eof = true;
			return false;
		}
		_buffer.append(buffer, static_cast<std::size_t>(n));
		return true;
	}
	catch (Poco::Exception&)
	{
		// A reset is an end too.
		_eof = true;
		return false;
	}
}


bool RawHttpConnection::readLine(std::string& line, int timeoutMs)
{
	for (;;)
	{
		auto end = _buffer.find("\r\n");
		if (end != std::string::npos)
		{
			line = _buffer.substr(0, end);
			_buffer.erase(0, end + 2);
			return true;
		}
		if (!fill(timeoutMs)) return false;
	}
}


bool RawHttpConnection::readBytes(std::size_t count, std::string& out, int timeoutMs)
{
	while (_buffer.size() < count)
	{
		if (!fill(timeoutMs)) return false;
	}
	out = _buffer.substr(0, count);
	_buffer.erase(0, count);
	return true;
}


bool RawHttpConnection::readResponse(Response& response, int timeoutMs, bool headRequest)
{
	response = Response();
	std::string line;
	if (!readLine(line, timeoutMs)) return false;
	response.statusLine = line;
	response.raw = line + "\r\n";
	if (line.size() < 12 || line.compare(0, 9, "HTTP/1.1 ") != 0) return false;
	response.status = Poco::NumberParser::parse(line.substr(9, 3));
	for (;;)
	{
		if (!readLine(line, timeoutMs)) return false;
		response.raw += line + "\r\n";
		if (line.empty()) break;
		auto colon = line.find(':');
		if (colon == std::string::npos) return false;
		response.headers[Poco::toLower(line.substr(0, colon))] = Poco::trim(line.substr(colon + 1));
	}
	bool bodiless = headRequest || response.status < 200 || response.status == 204 || response.status == 304;
	if (bodiless) return true;
	auto te = response.headers.find("transfer-encoding");
	auto cl = response.headers.find("content-length");
	if (te != response.headers.end() && Poco::icompare(te->second, "chunked") == 0)
	{
		response.chunked = true;
		for (;;)
		{
			if (!readLine(line, timeoutMs)) return false;
			response.raw += line + "\r\n";
			std::size_t size = static_cast<std::size_t>(Poco::NumberParser::parseHex(line.substr(0, line.find(';'))));
			std::string data;
			if (!readBytes(size + 2, data, timeoutMs)) return false;
			response.raw += data;
			if (size == 0) return true;
			response.body += data.substr(0, size);
		}
	}
	if (cl != response.headers.end())
	{
		std::string data;
		if (!readBytes(static_cast<std::size_t>(Poco::NumberParser::parseUnsigned64(cl->second)), data, timeoutMs)) return false;
		response.body = data;
		response.raw += data;
		return true;
	}
	response.delimitedByClose = true;
	while (fill(timeoutMs))
	{
	}
	response.body = _buffer;
	response.raw += _buffer;
	_buffer.clear();
	return _eof;
}


bool RawHttpConnection::closedByServer(int timeoutMs)
{
	while (fill(timeoutMs))
	{
	}
	return _eof && _buffer.empty();
}


const std::string& RawHttpConnection::leftover() const
{
	return _buffer;
}


} // namespace NashTest
