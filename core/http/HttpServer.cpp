//
// HttpServer.cpp
//


#include "core/http/HttpServer.h"
#include "core/http/ConnectionPoller.h"
#include "core/http/WorkerPool.h"
#include "Poco/Exception.h"
#include "Poco/Logger.h"


namespace Nash {


HttpServer::HttpServer(const Poco::Net::ServerSocket& listener, Poco::Net::HTTPRequestHandlerFactory::Ptr router,
	Poco::Net::HTTPServerParams::Ptr params, const Settings& settings):
	_settings(settings),
	_router(router),
	_params(params),
	_workers(new WorkerPool(settings.minThreads, settings.maxThreads, settings.maxQueued, settings.threadIdleSeconds, settings.threadStackKiB)),
	_poller(new ConnectionPoller(*this, listener))
{
}


HttpServer::~HttpServer()
{
	join();
}


void HttpServer::start()
{
	_poller->start();
}


void HttpServer::stopAccepting()
{
	_stopping = true;
	_poller->stopAccepting();
}


void HttpServer::shutdownAll()
{
	std::lock_guard<std::mutex> lock(_mutex);
	for (HttpConnection* connection: _open) connection->shutdown();
}


void HttpServer::join()
{
	_stopping = true;
	if (_poller) _poller->stop();
	if (_workers) _workers->stop();
}


bool HttpServer::stopping() const
{
	return _stopping;
}


std::size_t HttpServer::openConnections() const
{
	std::lock_guard<std::mutex> lock(_mutex);
	return _open.size();
}


const HttpServer::Settings& HttpServer::settings() const
{
	return _settings;
}


Poco::Net::HTTPRequestHandlerFactory& HttpServer::router()
{
	return *_router;
}


const Poco::Net::HTTPServerParams& HttpServer::params() const
{
	return *_params;
}


Poco::Net::HTTPServerParams::Ptr HttpServer::sharedParams() const
{
	return _params;
}


bool HttpServer::admit(const std::string& clientKey, std::string& refusal)
{
	std::lock_guard<std::mutex> lock(_mutex);
	// Connections counted here and not yet open are few (the poller makes
	// them one at a time), so the open set is the count.
	if (static_cast<int>(_open.size()) >= _settings.maxConnections)
	{
		refusal = "The server has " + std::to_string(_open.size()) + " connections open, its limit (server.max_connections); try again shortly";
		return false;
	}
	int& count = _perClient[clientKey];
	if (_settings.maxConnectionsPerClient > 0 && count >= _settings.maxConnectionsPerClient)
	{
		if (count == 0) _perClient.erase(clientKey);
		refusal = "This client has " + std::to_string(count) + " connections open, the limit per client address (server.max_connections_per_client)";
		return false;
	}
	++count;
	return true;
}


void HttpServer::opened(HttpConnection* connection)
{
	std::lock_guard<std::mutex> lock(_mutex);
	_open.insert(connection);
}


void HttpServer::closed(HttpConnection* connection)
{
	std::lock_guard<std::mutex> lock(_mutex);
	_open.erase(connection);
	auto it = _perClient.find(connection->clientKey());
	if (it != _perClient.end() && --it->second <= 0) _perClient.erase(it);
}


void HttpServer::release(const std::string& clientKey)
{
	std::lock_guard<std::mutex> lock(_mutex);
	auto it = _perClient.find(clientKey);
	if (it != _perClient.end() && --it->second <= 0) _perClient.erase(it);
}


void HttpServer::dispatch(const std::shared_ptr<HttpConnection>& connection)
{
	std::shared_ptr<HttpConnection> served = connection;
	bool queued = _workers->submit([this, served]() {
		HttpConnection::Next next = served->serve();
		if (next == HttpConnection::Next::Detached)
			served->startRelay();
		else
			_poller->handBack(served, next);
	});
	if (!queued) _poller->handBack(connection, connection->answerBusy());
}


void HttpServer::resume(const std::shared_ptr<HttpConnection>& connection, HttpConnection::Next next)
{
	if (next == HttpConnection::Next::Serve)
		dispatch(connection);
	else
		_poller->handBack(connection, next);
}


void HttpServer::handBack(const std::shared_ptr<HttpConnection>& connection, HttpConnection::Next next)
{
	_poller->handBack(connection, next);
}


} // namespace Nash
