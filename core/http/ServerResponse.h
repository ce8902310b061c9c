//
// ServerResponse.h
//


#ifndef Nash_ServerResponse_INCLUDED
#define Nash_ServerResponse_INCLUDED


#include "core/http/RequestHead.h"
#include "Poco/Net/HTTPServerResponse.h"
#include "Poco/Net/HTTPServerSession.h"
#include <memory>
#include <ostream>
#include <string>


namespace Nash {


class ServerResponse: public Poco::Net::HTTPServerResponse
	/// The answer to one request, framed for the client that sent it: the
	/// status line always says HTTP/1.1 (RFC 9110 2.5); an HTTP/1.0 client
	/// gets no chunked encoding (a stream ends when the connection closes)
	/// and "Connection: keep-alive" when it may send another request; an
	/// answer to HEAD, a 1xx, 204 or 304 has no body, whatever the handler
	/// writes.
{
public:
	ServerResponse(Poco::Net::HTTPServerSession& session, const RequestHead& request);
	~ServerResponse() override;

	void sendContinue() override;
	std::ostream& send() override;
	void sendFile(const std::string& path, const std::string& mediaType) override;
	void sendBuffer(const void* buffer, std::size_t length) override;
	void redirect(const std::string& uri, HTTPStatus status = HTTP_FOUND) override;
	void requireAuthentication(const std::string& realm) override;
	bool sent() const override;

	void finish();
		/// Ends the body (the last chunk of a chunked one) and flushes it.
		/// Throws when the client cannot be written to.

	bool delimitedByClose() const;
		/// The body's end is the connection's end: nothing may follow.

	void setStatusBeyondPoco(int status, const std::string& reason);
		/// A status above 511 (Anthropic's 529), which Poco's HTTPStatus
		/// cannot hold: written on the status line as given.

	int statusCode() const;
		/// The status the answer carries.

	std::string detach();
		/// The head of a streamed answer, as bytes, for whoever writes the
		/// answer instead of this object (a StreamRelay, on an event loop):
		/// the answer counts as sent, and finish() writes nothing.
		/// Chunked, unless the client speaks HTTP/1.0 (delimitedByClose()).

	bool detached() const;

private:
	void writeHead(std::ostream& out);

	Poco::Net::HTTPServerSession& _session;
	const RequestHead& _request;
	std::unique_ptr<std::ostream> _stream;
	bool _delimitedByClose = false;
	bool _detached = false;
	int _statusBeyondPoco = 0;
};


} // namespace Nash


#endif // Nash_ServerResponse_INCLUDED
