//
// FakeLegacySseServer.h
//
// A small MCP server of the 2024-11-05 HTTP+SSE kind on the loopback, for
// the tests of the legacy transport and of the fallback to it.
//


#ifndef NashTest_FakeLegacySseServer_INCLUDED
#define NashTest_FakeLegacySseServer_INCLUDED


#include "Poco/Net/HTTPServer.h"
#include <memory>
#include <string>


namespace NashTest {


class FakeLegacySseServer
	/// GET /sse opens a session's event stream, whose first event names
	/// /message?sessionId=N; POSTs there are answered 202 and their answers
	/// (initialize, ping, tools/list with "echo", tools/call echo) go on the
	/// stream. A POST to /sse (a Streamable HTTP client) gets 405.
{
public:
	FakeLegacySseServer();
	~FakeLegacySseServer();

	std::string url() const;
		/// The event stream's URL.

	void endStreams();
		/// Ends every open event stream, as a server that restarts does.

	int streamsOpened() const;

	struct State;

private:
	std::shared_ptr<State> _state;
	std::unique_ptr<Poco::Net::HTTPServer> _server;
};


} // namespace NashTest


#endif // NashTest_FakeLegacySseServer_INCLUDED
