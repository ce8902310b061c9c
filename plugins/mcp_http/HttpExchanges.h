//
// HttpExchanges.h
//
// The threads and connections of the http transport's exchanges, and how
// they are broken off.
//


#ifndef Nash_HttpExchanges_INCLUDED
#define Nash_HttpExchanges_INCLUDED


#include "Poco/Net/HTTPClientSession.h"
#include <chrono>
#include <condition_variable>
#include <functional>
#include <list>
#include <memory>
#include <mutex>
#include <string>
#include <thread>


namespace Nash {


class HttpExchanges
	/// Each request's POST runs on a thread of its own, so that a slow
	/// answer never holds the caller; the GET stream has one more. Their
	/// connections are registered here (attach()), so that close() and a
	/// cancelled request can shut them down: a blocked read returns at once,
	/// and a server that never answers holds no thread of ours.
{
public:
	struct Exchange
	{
		std::thread thread;
		std::shared_ptr<Poco::Net::HTTPClientSession> session;
			// The connection now in use, for shutting it down.
		bool done = false;
		std::string requestId;
			// The request this POST carries, empty for other messages.
		bool cancelled = false;
			// The client gave the request up (notifications/cancelled): its
			// connection is shut down, which is no failure of the server.
	};

	using Work = std::function<void(Exchange& exchange)>;

	HttpExchanges();
	~HttpExchanges();
		/// Closes.

	void open();
		/// Allows exchanges again after close().

	bool run(const std::string& requestId, Work work);
		/// Runs work on a thread of its own for the request; false (and
		/// nothing runs) once close() began.

	bool runStream(Work work);
		/// Runs work as the GET stream, unless one ran since open() or
		/// close() began.

	void attach(Exchange& exchange, const std::shared_ptr<Poco::Net::HTTPClientSession>& session);
		/// Makes session the exchange's connection, which close() shuts
		/// down. Throws Poco::IOException once close() began.

	bool closing() const;

	bool waitClosing(std::chrono::milliseconds timeout);
		/// Waits up to timeout; true when close() began meanwhile.

	bool wasCancelled(const Exchange& exchange) const;

	void cancel(const std::string& requestId);
		/// Shuts down the connection of the request's exchange, if it still
		/// waits for its answer.

	void reap();
		/// Joins the threads of the exchanges that ended.

	void close();
		/// Shuts every connection down and joins every thread.

private:
	void abort(Exchange& exchange);

	mutable std::mutex _mutex;
	std::condition_variable _condition;
	bool _closing = false;
	std::list<std::unique_ptr<Exchange>> _running;
	Exchange _stream;
};


} // namespace Nash


#endif // Nash_HttpExchanges_INCLUDED
