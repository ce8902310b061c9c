//
// UpstreamStats.h
//


#ifndef FakeUpstream_UpstreamStats_INCLUDED
#define FakeUpstream_UpstreamStats_INCLUDED


#include "Poco/Net/HTTPServerRequest.h"
#include <deque>
#include <map>
#include <mutex>
#include <set>
#include <string>


namespace FakeUpstream {


class UpstreamStats
	/// What the tests may ask the fake about (GET /_stats): how many API
	/// requests it answered, over how many connections, which ones the client
	/// left early, what the last request looked like (all of its headers, the
	/// keys as they came) and the last 20 bodies, so that a test of a tool
	/// loop can check every round it sent. Also remembers which
	/// "-once" models have already failed. Thread-safe.
	///
	/// The control paths (/health, /_stats, /_reset) are not counted, so that
	/// asking for the numbers does not change them.
{
public:
	class Scope
		/// Counts one API request (requestStarted()) for as long as it lives.
	{
	public:
		Scope(UpstreamStats& stats, const std::string& path, const Poco::Net::HTTPServerRequest& request, const std::string& body);
		~Scope();
		Scope(const Scope&) = delete;
		Scope& operator = (const Scope&) = delete;

	private:
		UpstreamStats& _stats;
	};

	UpstreamStats();

	static void beginConnection();
		/// Called on the thread that serves a new TCP connection, before its
		/// first request. Poco serves a connection on one thread from start to
		/// end, so a thread-local mark identifies the connection.

	void connectionAccepted();
		/// Counts a TCP connection of any kind (connections_total).

	void requestStarted(const std::string& path, const Poco::Net::HTTPRequest& request, const std::string& body);
		/// Counts an API request, remembers its details, counts its connection
		/// once (connections_accepted) and marks it open.

	void requestEnded();
		/// The request counted by requestStarted() was answered.

	void clientClosed();
		/// A response ended early because the client closed its connection.

	bool firstTime(const std::string& model);
		/// True for the first call with model since the start or the last
		/// reset, false afterwards.

	void reset();
		/// Zeroes the counters, forgets the last request and the "-once"
		/// models. Requests still open stay counted as open.

	std::string toJson() const;
		/// The /_stats document.

private:
	mutable std::mutex _mutex;
	long _requests = 0;
	long _open = 0;
	long _clientClosed = 0;
	long _connectionsAccepted = 0;
	long _connectionsTotal = 0;
	unsigned long _generation = 1;
	std::string _lastAuthorization;
	std::string _lastApiKey;
	std::string _lastBody;
	std::string _lastPath;
	std::map<std::string, std::string> _lastHeaders;
		/// Lower-case names; the values of a repeated header joined by ", ".
	std::deque<std::string> _bodies;
		/// The last bodiesKept bodies, oldest first.
	std::set<std::string> _failedOnce;

	static const std::size_t bodiesKept;
};


} // namespace FakeUpstream


#endif // FakeUpstream_UpstreamStats_INCLUDED
