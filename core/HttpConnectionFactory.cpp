//
// HttpConnectionFactory.cpp
//


#include "core/HttpConnectionFactory.h"
#include "core/HttpConnection.h"
#include "Poco/Exception.h"


namespace Nash {


HttpConnectionFactory::HttpConnectionFactory(Poco::Net::HTTPRequestHandlerFactory::Ptr router, Poco::Net::HTTPServerParams::Ptr params,
	const Limits& limits):
	_router(router),
	_params(params),
	_headLimits(limits.maxHeaderFields, limits.maxHeaderBytes),
	_requestTimeoutSeconds(limits.requestTimeoutSeconds)
{
}


HttpConnectionFactory::~HttpConnectionFactory()
{
	_watchdog.stop();
}


Poco::Net::TCPServerConnection* HttpConnectionFactory::createConnection(const Poco::Net::StreamSocket& socket)
{
	return new HttpConnection(socket, *this);
}


void HttpConnectionFactory::startWatchdog()
{
	_watchdog.start();
}


void HttpConnectionFactory::stopAll()
{
	_stopped = true;
	std::lock_guard<std::mutex> lock(_mutex);
	for (auto& open: _open)
	{
		try
		{
			// Shut down, not closed: the connection's thread still owns the
			// descriptor and closes it when it notices.
			open.second.shutdown();
		}
		catch (Poco::Exception&)
		{
		}
	}
}


bool HttpConnectionFactory::stopped() const
{
	return _stopped;
}


Poco::Net::HTTPRequestHandlerFactory& HttpConnectionFactory::router()
{
	return *_router;
}


Poco::Net::HTTPServerParams::Ptr HttpConnectionFactory::params() const
{
	return _params;
}


RequestDeadlineWatchdog& HttpConnectionFactory::watchdog()
{
	return _watchdog;
}


const RequestHeadLimits& HttpConnectionFactory::headLimits() const
{
	return _headLimits;
}


int HttpConnectionFactory::requestTimeoutSeconds() const
{
	return _requestTimeoutSeconds;
}


void HttpConnectionFactory::opened(HttpConnection* connection, const Poco::Net::StreamSocket& socket)
{
	std::lock_guard<std::mutex> lock(_mutex);
	_open.emplace(connection, socket);
}


void HttpConnectionFactory::closed(HttpConnection* connection)
{
	std::lock_guard<std::mutex> lock(_mutex);
	_open.erase(connection);
}


} // namespace Nash
