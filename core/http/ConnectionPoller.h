//
// ConnectionPoller.h
//


#ifndef Nash_ConnectionPoller_INCLUDED
#define Nash_ConnectionPoller_INCLUDED


#include "core/http/HttpConnection.h"
#include "Poco/Net/DatagramSocket.h"
#include "Poco/Net/PollSet.h"
#include "Poco/Net/ServerSocket.h"
#include "Poco/Runnable.h"
#include "Poco/Thread.h"
#include <atomic>
#include <chrono>
#include <map>
#include <memory>
#include <mutex>
#include <utility>
#include <vector>


namespace Nash {


class HttpServer;


class ConnectionPoller: public Poco::Runnable
	/// One thread that accepts connections and watches every connection no
	/// worker is serving: new ones and kept-alive ones waiting for a request,
	/// ones whose head is arriving, and closing ones lingering. It reads
	/// without blocking; a complete head goes to a worker. Each waiting
	/// connection has a deadline (the head timeout, the keep-alive timeout,
	/// the linger time) that the thread enforces.
{
public:
	ConnectionPoller(HttpServer& server, const Poco::Net::ServerSocket& listener);
	~ConnectionPoller() override;

	void start();

	void stopAccepting();
		/// Closes the listening socket and the connections waiting for a
		/// request (from the poller's thread, at its next turn).

	void stop();
		/// Ends the thread and drops every connection it holds.

	void handBack(const std::shared_ptr<HttpConnection>& connection, HttpConnection::Next next);
		/// From a worker: watch connection again (Wait, Linger) or drop it.

	void run() override;

private:
	using Clock = HttpConnection::Clock;

	void acceptAll(Clock::time_point now);
	void refuseConnection(Poco::Net::StreamSocket& socket, const std::string& client, const std::string& reason);
	void readable(poco_socket_t fd, Clock::time_point now);
	void takeHandedBack(Clock::time_point now);
	void enforceDeadlines(Clock::time_point now);
	void watch(const std::shared_ptr<HttpConnection>& connection);
	void unwatch(poco_socket_t fd);
	void closeWaiting();
	void wake();
	void dispatch(const std::shared_ptr<HttpConnection>& connection);

	HttpServer& _server;
	Poco::Net::ServerSocket _listener;
	bool _listening = false;
	Poco::Net::PollSet _pollSet;
	Poco::Net::DatagramSocket _waker;
	Poco::Net::SocketAddress _wakerAddress;
	std::map<poco_socket_t, std::shared_ptr<HttpConnection>> _connections;
	std::map<poco_socket_t, bool> _lingering;
	Clock::time_point _lastDeadlineCheck;
	std::mutex _mutex;
	std::vector<std::pair<std::shared_ptr<HttpConnection>, HttpConnection::Next>> _handedBack;
	bool _stopAccepting = false;
	std::atomic<bool> _stop{false};
	Poco::Thread _thread;
	bool _started = false;
	Clock::time_point _lastRefusalLog;
	int _refusalsNotLogged = 0;
};


} // namespace Nash


#endif // Nash_ConnectionPoller_INCLUDED
