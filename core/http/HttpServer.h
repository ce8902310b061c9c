//
// HttpServer.h
//


#ifndef Nash_HttpServer_INCLUDED
#define Nash_HttpServer_INCLUDED


#include "core/http/HttpConnection.h"
#include "core/http/RequestParser.h"
#include "Poco/Net/HTTPRequestHandlerFactory.h"
#include "Poco/Net/HTTPServerParams.h"
#include "Poco/Net/ServerSocket.h"
#include <atomic>
#include <cstddef>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>


namespace Nash {


class ConnectionPoller;
class WorkerPool;


class HttpServer
	/// The HTTP/1.1 server: a poller thread accepts connections and reads
	/// request heads without holding a thread per connection, and a pool of
	/// workers serves the requests (a stream holds its worker until it ends).
	/// Silent, idle and slowly sending clients therefore cost no thread, and
	/// /health is answered while every other worker streams.
{
public:
	struct Settings
	{
		RequestParser::Limits head;
		int headTimeoutSeconds = 10;
			/// From a new connection (or the first byte of a kept-alive
			/// one's next request) to the end of the request head.
		int requestTimeoutSeconds = 60;
			/// From the first byte of a request to the last byte of its body.
		int readTimeoutSeconds = 30;
			/// The longest silence while a body is read, and the longest a
			/// write to a client that does not read may wait.
		bool keepAlive = true;
		int keepAliveTimeoutSeconds = 10;
		int maxKeepAliveRequests = 1000;
		int maxConnections = 10000;
		int maxConnectionsPerClient = 512;
			/// 0: no limit.
		int minThreads = 4;
		int maxThreads = 512;
		int maxQueued = 1024;
		int threadIdleSeconds = 60;
		int threadStackKiB = 256;
		std::size_t drainLimitBytes = 1024 * 1024;
			/// The most of an unread body read and dropped after the answer
			/// to keep the connection; a larger rest closes it.
		int lingerSeconds = 2;
		std::string software;
			/// The Server header; empty: none.
	};

	HttpServer(const Poco::Net::ServerSocket& listener, Poco::Net::HTTPRequestHandlerFactory::Ptr router,
		Poco::Net::HTTPServerParams::Ptr params, const Settings& settings);
	~HttpServer();
	HttpServer(const HttpServer&) = delete;
	HttpServer& operator = (const HttpServer&) = delete;

	void start();

	void stopAccepting();
		/// No new connection is accepted, idle ones are closed, and each
		/// connection closes after the request it is serving.

	void shutdownAll();
		/// Ends every open connection now.

	void join();
		/// Stops the poller and waits for every worker.

	bool stopping() const;
	std::size_t openConnections() const;
	const Settings& settings() const;
	Poco::Net::HTTPRequestHandlerFactory& router();
	const Poco::Net::HTTPServerParams& params() const;
	Poco::Net::HTTPServerParams::Ptr sharedParams() const;

	bool admit(const std::string& clientKey, std::string& refusal);
		/// Counts a new connection of this client; false (and why) when a
		/// connection limit is reached.
	void release(const std::string& clientKey);
		/// Uncounts an admitted connection that never opened.
	void opened(HttpConnection* connection);
	void closed(HttpConnection* connection);

	void dispatch(const std::shared_ptr<HttpConnection>& connection);
		/// Poller: has a worker serve connection.
	void handBack(const std::shared_ptr<HttpConnection>& connection, HttpConnection::Next next);
		/// Worker: returns connection to the poller (or closes it).
	void resume(const std::shared_ptr<HttpConnection>& connection, HttpConnection::Next next);
		/// A relay, its answer written: a worker serves the next request
		/// already read (Serve), or the poller takes the connection back.

private:
	Settings _settings;
	Poco::Net::HTTPRequestHandlerFactory::Ptr _router;
	Poco::Net::HTTPServerParams::Ptr _params;
	std::atomic<bool> _stopping{false};
	mutable std::mutex _mutex;
	std::map<std::string, int> _perClient;
	std::set<HttpConnection*> _open;
	// Last, so that they go first: a connection they drop still finds the
	// members above.
	std::unique_ptr<WorkerPool> _workers;
	std::unique_ptr<ConnectionPoller> _poller;
};


} // namespace Nash


#endif // Nash_HttpServer_INCLUDED
