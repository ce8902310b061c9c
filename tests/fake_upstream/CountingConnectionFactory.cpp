//
// CountingConnectionFactory.cpp
//


#include "CountingConnectionFactory.h"
#include "UpstreamStats.h"
#include "Poco/Exception.h"
#include "Poco/Net/TCPServerConnection.h"
#include <memory>


namespace FakeUpstream {


namespace {


class CountedConnection: public Poco::Net::TCPServerConnection
	/// Runs the wrapped connection on this thread after marking the thread
	/// as serving a new connection.
{
public:
	CountedConnection(const Poco::Net::StreamSocket& socket, Poco::Net::TCPServerConnection* inner):
		Poco::Net::TCPServerConnection(socket),
		_inner(inner)
	{
	}

	void run() override
	{
		UpstreamStats::beginConnection();
		_inner->run();
	}

private:
	std::unique_ptr<Poco::Net::TCPServerConnection> _inner;
};


} // namespace


CountingConnectionFactory::CountingConnectionFactory(Poco::Net::TCPServerConnectionFactory::Ptr inner, UpstreamStats& stats):
	_inner(inner),
	_stats(stats)
{
}


Poco::Net::TCPServerConnection* CountingConnectionFactory::createConnection(const Poco::Net::StreamSocket& socket)
{
	_stats.connectionAccepted();
	Poco::Net::StreamSocket tuned(socket);
	try
	{
		tuned.setNoDelay(true);
	}
	catch (Poco::Exception&)
	{
		// A client that is already gone; serving it will fail soon enough.
	}
	return new CountedConnection(socket, _inner->createConnection(socket));
}


} // namespace FakeUpstream
