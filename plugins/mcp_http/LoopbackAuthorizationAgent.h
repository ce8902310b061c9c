//
// LoopbackAuthorizationAgent.h
//


#ifndef Nash_LoopbackAuthorizationAgent_INCLUDED
#define Nash_LoopbackAuthorizationAgent_INCLUDED


#include "AuthorizationAgent.h"
#include "Poco/Net/ServerSocket.h"
#include "Poco/Net/StreamSocket.h"
#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <thread>


namespace Nash {


class LoopbackAuthorizationAgent: public AuthorizationAgent
	/// The gateway runs without a browser: it logs a warning with the
	/// authorization URL for an operator to open, and listens on the
	/// redirect URI's port for the browser's return (RFC 8252 section 7.3).
	///
	/// The listener is open only while an authorization is pending, at most
	/// the request's timeout, and answers the browser at once. A caller that
	/// gives up (the client's request timed out, the transport stopped)
	/// leaves it open: the next call for the same URL waits on it again or
	/// takes the redirect that came meanwhile, so a restarting client does
	/// not make the user start over. A redirect URI on 127.0.0.1, ::1 or
	/// localhost is bound to the loopback interface, any other host to all
	/// interfaces (for a browser on another machine; put TLS in front).
{
public:
	LoopbackAuthorizationAgent();
	~LoopbackAuthorizationAgent() override;

	std::string authorize(const Request& request) override;

private:
	void open(const Request& request);
	void close(std::unique_lock<std::mutex>& lock);
	void accept(std::shared_ptr<Poco::Net::ServerSocket> socket, Request request);
	static bool serve(Poco::Net::StreamSocket& client, const Request& request, std::string& redirect);

	std::mutex _mutex;
	std::condition_variable _condition;
	std::shared_ptr<Poco::Net::ServerSocket> _socket;
	std::thread _thread;
	bool _closing = false;
	std::string _pendingUrl;
	std::string _redirect;
		// The browser's return, kept until a caller takes it.
	std::chrono::steady_clock::time_point _deadline;
};


} // namespace Nash


#endif // Nash_LoopbackAuthorizationAgent_INCLUDED
