//
// CountingConnectionFactory.h
//


#ifndef FakeUpstream_CountingConnectionFactory_INCLUDED
#define FakeUpstream_CountingConnectionFactory_INCLUDED


#include "Poco/Net/TCPServerConnectionFactory.h"


namespace FakeUpstream {


class UpstreamStats;


class CountingConnectionFactory: public Poco::Net::TCPServerConnectionFactory
	/// Wraps the HTTP connection factory to count accepted connections (the
	/// tests verify keep-alive reuse with it) and to switch Nagle off, so that
	/// every small streamed event leaves at once.
{
public:
	CountingConnectionFactory(Poco::Net::TCPServerConnectionFactory::Ptr inner, UpstreamStats& stats);

	Poco::Net::TCPServerConnection* createConnection(const Poco::Net::StreamSocket& socket) override;

private:
	Poco::Net::TCPServerConnectionFactory::Ptr _inner;
	UpstreamStats& _stats;
};


} // namespace FakeUpstream


#endif // FakeUpstream_CountingConnectionFactory_INCLUDED
