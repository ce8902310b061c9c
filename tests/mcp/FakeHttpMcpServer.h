//
// FakeHttpMcpServer.h
//
// A small Streamable HTTP MCP server on the loopback for the tests of the
// http transport: JSON or event-stream answers, sessions that can be made
// to expire, a stream that breaks off and is resumed, an HTTP error.
//


#ifndef NashTest_FakeHttpMcpServer_INCLUDED
#define NashTest_FakeHttpMcpServer_INCLUDED


#include "Poco/Net/HTTPServer.h"
#include "Poco/ThreadPool.h"
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <vector>


namespace NashTest {


class FakeHttpMcpServer
	/// Tools: echo (answers its message), fail (HTTP 500), drop (the event
	/// stream ends after a priming event; the answer comes on a GET with
	/// Last-Event-ID), hang (an event stream that never answers; it counts
	/// in abandonedStreams() once the client closed it). In event-stream mode every answer is preceded by a
	/// priming event with empty data and a notifications/message event.
{
public:
	struct Record
		/// What the server saw of one POST.
	{
		std::string method;
		std::string id;
			/// The message's id, for requests and for our answers.
		std::string sessionId;
		std::string protocolVersion;
		std::string authorization;
	};

	explicit FakeHttpMcpServer(bool eventStreams, const std::string& certificateFile = std::string(), const std::string& keyFile = std::string());
		/// With a certificate and key (PEM), serves https:// (builds with
		/// NASH_MCP_HTTP_TLS only).
	~FakeHttpMcpServer();

	std::string url() const;

	void expireSessions(int status = 404);
		/// Forgets every session: the next request that names one gets
		/// status (404 as the spec says, or 400 with a message about the
		/// session, as the TypeScript SDK's servers answer).

	void pushOnStream(const std::string& message);
		/// Sends message on the next GET event stream the client opens
		/// (without Last-Event-ID); a GET with nothing to send gets 405.

	std::vector<Record> records() const;
	int initializeCount() const;
	int deleteCount() const;
	int resumeCount() const;
	int abandonedStreams() const;

	struct State;

private:
	std::shared_ptr<State> _state;
	std::unique_ptr<Poco::ThreadPool> _pool{new Poco::ThreadPool(2, 16)};
	std::unique_ptr<Poco::Net::HTTPServer> _server;
	bool _tls = false;
};


} // namespace NashTest


#endif // NashTest_FakeHttpMcpServer_INCLUDED
