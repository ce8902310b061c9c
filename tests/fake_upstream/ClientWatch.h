//
// ClientWatch.h
//


#ifndef FakeUpstream_ClientWatch_INCLUDED
#define FakeUpstream_ClientWatch_INCLUDED


#include "Poco/Net/StreamSocket.h"
#include <atomic>


namespace FakeUpstream {


class ClientWatch
	/// Waits on behalf of one response while watching its client: a socket
	/// that turns readable with nothing to read belongs to a client that
	/// closed its connection. The request body has been read by then, so
	/// nothing else makes it readable (pipelined requests aside).
{
public:
	enum Outcome
	{
		ELAPSED,
		CLIENT_GONE,
		STOPPING
	};

	ClientWatch(const Poco::Net::StreamSocket& socket, const std::atomic<bool>& stopping);

	Outcome wait(int milliseconds);
		/// Returns after milliseconds, or early when the client closes or the
		/// server stops.

	void closeConnection();
		/// Shuts the connection down both ways: the client sees the end of
		/// the stream (a FIN, so the bytes already sent still arrive).

private:
	Poco::Net::StreamSocket _socket;
	const std::atomic<bool>& _stopping;
};


} // namespace FakeUpstream


#endif // FakeUpstream_ClientWatch_INCLUDED
