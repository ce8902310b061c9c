//
// ServerResponse.cpp
//


#include "core/http/ServerResponse.h"
#include "Poco/CountingStream.h"
#include "Poco/Exception.h"
#include "Poco/File.h"
#include "Poco/FileStream.h"
#include "Poco/Net/HTTPChunkedStream.h"
#include "Poco/Net/HTTPFixedLengthStream.h"
#include "Poco/Net/HTTPHeaderStream.h"
#include "Poco/Net/HTTPStream.h"
#include "Poco/NullStream.h"
#include "Poco/StreamCopier.h"
#include <sstream>


namespace Nash {


ServerResponse::ServerResponse(Poco::Net::HTTPServerSession& session, const RequestHead& request):
	_session(session),
	_request(request)
{
	setVersion(HTTP_1_1);
}


ServerResponse::~ServerResponse()
{
	try
	{
		_stream.reset();
	}
	catch (...)
	{
	}
}


void ServerResponse::sendContinue()
{
	Poco::Net::HTTPHeaderOutputStream out(_session);
	out << "HTTP/1.1 100 Continue\r\n\r\n";
}


void ServerResponse::setStatusBeyondPoco(int status, const std::string& reason)
{
	// Poco's own status stays a value its enumeration holds, for whatever
	// reads it; the status line says the real one.
	setStatus(HTTP_SERVICE_UNAVAILABLE);
	setReason(reason);
	_statusBeyondPoco = status;
}


int ServerResponse::statusCode() const
{
	return _statusBeyondPoco ? _statusBeyondPoco : static_cast<int>(getStatus());
}


void ServerResponse::writeHead(std::ostream& out)
{
	// An HTTP/1.0 client closes after the answer unless told otherwise.
	if (_request.versionMinor == 0 && getKeepAlive()) set("Connection", "keep-alive");
	if (!_statusBeyondPoco)
	{
		write(out);
		return;
	}
	out << getVersion() << " " << _statusBeyondPoco << " " << getReason() << "\r\n";
	Poco::Net::MessageHeader::write(out);
	out << "\r\n";
}


std::ostream& ServerResponse::send()
{
	poco_assert(!_stream);
	int status = statusCode();
	bool bodiless = _request.method == "HEAD" || status < 200 || status == HTTP_NO_CONTENT || status == HTTP_NOT_MODIFIED;
	if (bodiless)
	{
		if (status < 200 || status == HTTP_NO_CONTENT)
		{
			setChunkedTransferEncoding(false);
			erase("Content-Length");
		}
		else if (getChunkedTransferEncoding())
		{
			// A HEAD answer describes the GET answer, which would be chunked.
			setChunkedTransferEncoding(_request.versionMinor == 1);
		}
		Poco::Net::HTTPHeaderOutputStream head(_session);
		writeHead(head);
		head.flush();
		_stream.reset(new Poco::NullOutputStream);
		return *_stream;
	}
	if (getChunkedTransferEncoding() && _request.versionMinor == 0)
	{
		// HTTP/1.0 has no chunked encoding: the body ends with the connection.
		setChunkedTransferEncoding(false);
	}
	if (getChunkedTransferEncoding())
	{
		{
			Poco::Net::HTTPHeaderOutputStream head(_session);
			writeHead(head);
		}
		_stream.reset(new Poco::Net::HTTPChunkedOutputStream(_session));
	}
	else if (hasContentLength())
	{
		Poco::CountingOutputStream counter;
		writeHead(counter);
		_stream.reset(new Poco::Net::HTTPFixedLengthOutputStream(_session, getContentLength64() + counter.chars()));
		writeHead(*_stream);
	}
	else
	{
		setKeepAlive(false);
		_delimitedByClose = true;
		_stream.reset(new Poco::Net::HTTPOutputStream(_session));
		writeHead(*_stream);
	}
	return *_stream;
}


void ServerResponse::sendFile(const std::string& path, const std::string& mediaType)
{
	poco_assert(!_stream);
	Poco::FileInputStream in(path);
	setContentLength64(static_cast<Poco::Int64>(Poco::File(path).getSize()));
	setContentType(mediaType);
	setChunkedTransferEncoding(false);
	std::ostream& out = send();
	Poco::StreamCopier::copyStream(in, out);
}


void ServerResponse::sendBuffer(const void* buffer, std::size_t length)
{
	poco_assert(!_stream);
	setContentLength64(static_cast<Poco::Int64>(length));
	setChunkedTransferEncoding(false);
	send().write(static_cast<const char*>(buffer), static_cast<std::streamsize>(length));
}


void ServerResponse::redirect(const std::string& uri, HTTPStatus status)
{
	poco_assert(!_stream);
	setStatusAndReason(status);
	set("Location", uri);
	setContentLength(0);
	setChunkedTransferEncoding(false);
	send();
}


void ServerResponse::requireAuthentication(const std::string& realm)
{
	poco_assert(!_stream);
	setStatusAndReason(HTTP_UNAUTHORIZED);
	set("WWW-Authenticate", "Basic realm=\"" + realm + "\"");
}


bool ServerResponse::sent() const
{
	return _stream != nullptr || _detached;
}


std::string ServerResponse::detach()
{
	poco_assert(!_stream && !_detached);
	_detached = true;
	if (_request.versionMinor == 0)
	{
		setChunkedTransferEncoding(false);
		setKeepAlive(false);
		_delimitedByClose = true;
	}
	else
	{
		setChunkedTransferEncoding(true);
	}
	std::ostringstream head;
	writeHead(head);
	return head.str();
}


bool ServerResponse::detached() const
{
	return _detached;
}


void ServerResponse::finish()
{
	if (!_stream) return;
	_stream->flush();
	bool good = _stream->good();
	// Destroying a chunked stream writes its last chunk.
	_stream.reset(new Poco::NullOutputStream);
	if (!good) throw Poco::IOException("The answer could not be written to the client");
}


bool ServerResponse::delimitedByClose() const
{
	return _delimitedByClose;
}


} // namespace Nash
