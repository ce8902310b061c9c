//
// ServerRequest.h
//


#ifndef Nash_ServerRequest_INCLUDED
#define Nash_ServerRequest_INCLUDED


#include "core/http/RequestHead.h"
#include "Poco/Net/HTTPServerParams.h"
#include "Poco/Net/HTTPServerRequest.h"
#include "Poco/Net/SocketAddress.h"
#include "Poco/Net/StreamSocket.h"
#include <cstddef>
#include <istream>
#include <memory>
#include <streambuf>
#include <string>


#include <functional>
#include <memory>
#include <string>


namespace Nash {


class HttpConnection;


class ServerRequest: public Poco::Net::HTTPServerRequest
	/// A request whose head RequestParser has read, with its body still on
	/// the connection: readBody() takes it from there as the handler asks,
	/// so that nothing of it is ever read as a request of its own.
{
public:
	ServerRequest(HttpConnection& connection, const RequestHead& head, Poco::Net::HTTPServerResponse& response,
		const Poco::Net::HTTPServerParams& params);
	~ServerRequest() override;

	std::istream& stream() override;
		/// The body as a stream. A failure while reading it (malformed
		/// framing, the deadline, the client gone) ends the stream with
		/// badbit set; readBody() throws it instead.
	const Poco::Net::SocketAddress& clientAddress() const override;
	const Poco::Net::SocketAddress& serverAddress() const override;
	const Poco::Net::HTTPServerParams& serverParams() const override;
	Poco::Net::HTTPServerResponse& response() const override;
	bool secure() const override;

	std::size_t readBody(char* buffer, std::size_t size);
		/// Up to size bytes of the body; 0 at its end. Sends "100 Continue"
		/// first when the client asked for it. Throws HttpError: 400 when the
		/// body's framing is broken or the client closed before its end,
		/// 408 when the request's deadline passed.

	bool awaitingContinue() const;
		/// The client asked for "100 Continue" and has not had it (nor a
		/// final answer): it may not send its body until it does.

	bool bodyWithheld() const;
		/// The client asked for "100 Continue" and never had it, and its
		/// body is not complete: after a final answer it may send the body
		/// or not, so the connection cannot carry another request.

	bool hasBody() const;
		/// Content-Length above 0 or chunked.
	bool bodyComplete() const;
		/// The body has been read to its end (or there is none).

	const RequestHead& head() const;
	Poco::Net::StreamSocket& socket();
		/// The client's connection, for the disconnect watcher and socket options.

	std::string detach(std::function<void(const std::shared_ptr<HttpConnection>& connection)> relay);
		/// The answer is written elsewhere (ServerResponse::detach(), whose
		/// head this returns): once the worker is done with the connection,
		/// relay is given it and owns it until it resumes it.

	static ServerRequest* of(Poco::Net::HTTPServerRequest& request);
		/// request as a ServerRequest, or null (a request from elsewhere,
		/// such as a test's).

private:
	class BodyBuffer;

	HttpConnection& _connection;
	const RequestHead& _head;
	Poco::Net::HTTPServerResponse& _response;
	const Poco::Net::HTTPServerParams& _params;
	std::unique_ptr<BodyBuffer> _bodyBuffer;
	std::unique_ptr<std::istream> _stream;
	bool _continueSent = false;
};


} // namespace Nash


#endif // Nash_ServerRequest_INCLUDED
