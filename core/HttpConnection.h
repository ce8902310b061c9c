//
// HttpConnection.h
//


#ifndef Nash_HttpConnection_INCLUDED
#define Nash_HttpConnection_INCLUDED


#include "Poco/Net/HTTPServerSession.h"
#include "Poco/Net/TCPServerConnection.h"
#include <string>


namespace Nash {


class HttpConnectionFactory;


class HttpConnection: public Poco::Net::TCPServerConnection
	/// One client connection: reads its requests one after the other and
	/// hands each to the router, like Poco's own HTTP server connection, with
	/// what that one lacks: a deadline for the whole request (408), limits on
	/// the head with their proper statuses (431, 414) and a JSON error body
	/// for each refusal.
{
public:
	HttpConnection(const Poco::Net::StreamSocket& socket, HttpConnectionFactory& factory);

	void run() override;

private:
	void refuse(Poco::Net::HTTPServerSession& session, int status, const std::string& message);
		/// Answers status with message and ends the connection.

	HttpConnectionFactory& _factory;
};


} // namespace Nash


#endif // Nash_HttpConnection_INCLUDED
