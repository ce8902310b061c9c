//
// HttpConnectionFactory.h
//


#ifndef Nash_HttpConnectionFactory_INCLUDED
#define Nash_HttpConnectionFactory_INCLUDED


#include "core/RequestDeadlineWatchdog.h"
#include "core/RequestHeadLimits.h"
#include "Poco/Net/HTTPRequestHandlerFactory.h"
#include "Poco/Net/HTTPServerParams.h"
#include "Poco/Net/StreamSocket.h"
#include "Poco/Net/TCPServerConnectionFactory.h"
#include <atomic>
#include <map>
#include <mutex>


namespace Nash {


class HttpConnection;


class HttpConnectionFactory: public Poco::Net::TCPServerConnectionFactory
	/// Makes an HttpConnection for each accepted socket and knows the open
	/// ones, so that a stopping server can end idle kept-alive connections
	/// instead of waiting out their timeouts.
{
public:
	struct Limits
	{
		int requestTimeoutSeconds = 60;
		int maxHeaderFields = 100;
		std::size_t maxHeaderBytes = 16 * 1024;
	};

	HttpConnectionFactory(Poco::Net::HTTPRequestHandlerFactory::Ptr router, Poco::Net::HTTPServerParams::Ptr params, const Limits& limits);
	~HttpConnectionFactory() override;

	Poco::Net::TCPServerConnection* createConnection(const Poco::Net::StreamSocket& socket) override;

	void startWatchdog();
	void stopAll();
		/// No connection starts another request; the open ones are shut down.

	bool stopped() const;

	Poco::Net::HTTPRequestHandlerFactory& router();
	Poco::Net::HTTPServerParams::Ptr params() const;
	RequestDeadlineWatchdog& watchdog();
	const RequestHeadLimits& headLimits() const;
	int requestTimeoutSeconds() const;

	void opened(HttpConnection* connection, const Poco::Net::StreamSocket& socket);
	void closed(HttpConnection* connection);

private:
	Poco::Net::HTTPRequestHandlerFactory::Ptr _router;
	Poco::Net::HTTPServerParams::Ptr _params;
	RequestHeadLimits _headLimits;
	int _requestTimeoutSeconds;
	RequestDeadlineWatchdog _watchdog;
	std::atomic<bool> _stopped{false};
	std::mutex _mutex;
	std::map<HttpConnection*, Poco::Net::StreamSocket> _open;
};


} // namespace Nash


#endif // Nash_HttpConnectionFactory_INCLUDED
