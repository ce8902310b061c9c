//
// HttpConnector.cpp
//


#include "HttpConnector.h"
#include "Poco/String.h"
#ifdef NASH_MCP_HTTP_TLS
#include "Poco/Net/Context.h"
#include "Poco/Net/HTTPSClientSession.h"
#endif


namespace Nash {


HttpConnector::HttpConnector(std::chrono::milliseconds connectTimeout, bool tlsVerify):
	_connectTimeout(connectTimeout),
	_tlsVerify(tlsVerify)
{
}


std::shared_ptr<Poco::Net::HTTPClientSession> HttpConnector::open(const Poco::URI& uri, std::chrono::milliseconds readTimeout) const
{
	std::shared_ptr<Poco::Net::HTTPClientSession> session;
#ifdef NASH_MCP_HTTP_TLS
	if (Poco::toLower(uri.getScheme()) == "https")
	{
		Poco::Net::Context::Ptr context(new Poco::Net::Context(Poco::Net::Context::TLS_CLIENT_USE, "",
			_tlsVerify ? Poco::Net::Context::VERIFY_RELAXED : Poco::Net::Context::VERIFY_NONE, 9, true));
		session = std::make_shared<Poco::Net::HTTPSClientSession>(uri.getHost(), uri.getPort(), context);
	}
#endif
	if (!session) session = std::make_shared<Poco::Net::HTTPClientSession>(uri.getHost(), uri.getPort());
	session->setKeepAlive(false);
	session->setTimeout(Poco::Timespan(_connectTimeout.count() * 1000), Poco::Timespan(_connectTimeout.count() * 1000),
		Poco::Timespan(readTimeout.count() * 1000));
	return session;
}


} // namespace Nash
