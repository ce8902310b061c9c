//
// ScriptedUpstream.h
//


#ifndef NashTest_ScriptedUpstream_INCLUDED
#define NashTest_ScriptedUpstream_INCLUDED


#include "Poco/Event.h"
#include "Poco/Net/HTTPServer.h"
#include "Poco/Net/NameValueCollection.h"
#include "Poco/ThreadPool.h"
#include <memory>
#include <mutex>
#include <string>
#include <vector>


namespace NashTest {


class ScriptedUpstream
	/// A small HTTP server on a free loopback port that answers every request
	/// with the one scripted answer and records the requests, so that a
	/// backend's exchange with its upstream (path, headers, body, reading of
	/// the answer) can be checked without the provider.
{
public:
	struct Request
	{
		std::string method;
		std::string uri;
		Poco::Net::NameValueCollection headers;
		std::string body;
	};

	ScriptedUpstream();
	~ScriptedUpstream();

	enum Stall
	{
		NO_STALL,
		STALL_BEFORE_ANSWER,
			/// Nothing is answered (until destruction), as an upstream that
			/// never begins to answer.
		STALL_AFTER_BODY
			/// The body is sent, then the answer stays open (until
			/// destruction), as an upstream that went silent mid-stream.
	};

	void answer(int status, const std::string& contentType, const std::string& body, Stall stall = NO_STALL);
		/// What every later request gets. The body is sent chunked and
		/// flushed at once.

	void header(const std::string& name, const std::string& value);
		/// Adds a header to every later answer (a provider's rate-limit
		/// headers, say).

	std::string baseUrl() const;
		/// http://127.0.0.1:<port>

	std::vector<Request> requests() const;

private:
	class Handler;
	class Factory;

	struct Script
	{
		int status = 200;
		std::string contentType = "application/json";
		std::string body = "{}";
		Stall stall = NO_STALL;
		Poco::Net::NameValueCollection headers;
	};

	Script script() const;
	void record(Request request);

	mutable std::mutex _mutex;
	Script _script;
	std::vector<Request> _requests;
	Poco::Event _released;
	Poco::ThreadPool _pool{2, 16};
		// Its own, to wait for the connections before the server goes.
	std::unique_ptr<Poco::Net::HTTPServer> _server;
};


} // namespace NashTest


#endif // NashTest_ScriptedUpstream_INCLUDED
