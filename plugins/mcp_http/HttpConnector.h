//
// HttpConnector.h
//
// Opens the HTTP(S) connections of the http transport and its OAuth client.
//


#ifndef Nash_HttpConnector_INCLUDED
#define Nash_HttpConnector_INCLUDED


#include "Poco/Net/HTTPClientSession.h"
#include "Poco/URI.h"
#include <chrono>
#include <memory>


namespace Nash {


class HttpConnector
	/// One connection per exchange, never kept alive: an answer that is
	/// given up (a cancelled request, stop()) is broken off by shutting its
	/// socket down, which leaves nothing reusable. https:// gets a TLS
	/// session when the build has Poco NetSSL (NASH_MCP_HTTP_TLS).
{
public:
	HttpConnector() = default;

	HttpConnector(std::chrono::milliseconds connectTimeout, bool tlsVerify);
		/// tlsVerify false accepts any certificate (tls_verify).

	std::shared_ptr<Poco::Net::HTTPClientSession> open(const Poco::URI& uri, std::chrono::milliseconds readTimeout) const;
		/// A session for uri's host, with the connect timeout for connecting
		/// and sending, readTimeout for each read. Connects on first use.

private:
	std::chrono::milliseconds _connectTimeout{10000};
	bool _tlsVerify = true;
};


} // namespace Nash


#endif // Nash_HttpConnector_INCLUDED
