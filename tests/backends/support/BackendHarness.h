//
// BackendHarness.h
//


#ifndef Nash_BackendHarness_INCLUDED
#define Nash_BackendHarness_INCLUDED


#include "HttpTestClient.h"
#include "ServerProcess.h"
#include "Poco/JSON/Object.h"
#include <memory>
#include <string>
#include <vector>


namespace NashTest {


class BackendHarness
	/// The fake upstream and an llm_server whose backend section points at
	/// it, both real processes on free loopback ports.
{
public:
	static inline const std::string secret = "sk-test-Zq8Ws0Pl3Kx7Vn2";
		/// The API key the server is configured with; must never leak.
		/// Inline, so that the suites' own static configuration texts,
		/// built from it, see it initialised (C++17 orders it first).

	explicit BackendHarness(const std::string& backendSection, const std::map<std::string, std::string>& env = {});
		/// backendSection is ini text; "{upstream}" in it becomes the fake
		/// upstream's http://127.0.0.1:<port>.

	HttpTestClient client() const;
	HttpTestClient upstreamClient() const;
	ServerProcess& server();
	std::string upstreamUrl() const;

	std::vector<std::string> chat(const std::string& model, const std::string& text = "hello there");
		/// Streams one request and returns its data events.

	Poco::JSON::Object::Ptr stats() const;
		/// The fake upstream's /_stats.

	static std::string joinedContent(const std::vector<std::string>& events);
		/// The content events' text joined.

	static std::string errorOf(const std::vector<std::string>& events);
		/// The message of the error event, or empty.

	static bool closesProperly(const std::vector<std::string>& events, std::string& why);
		/// The stream ends with the same session event it began with and [DONE].

	static void expectClosed(const std::vector<std::string>& events);
		/// Fails the test, showing the events, unless closesProperly().

	static std::string describe(const std::vector<std::string>& events);
		/// The events, shortened, one a line: for failure messages.

private:
	std::unique_ptr<ServerProcess> _upstream;
	std::unique_ptr<ServerProcess> _server;
};


} // namespace NashTest


#endif // Nash_BackendHarness_INCLUDED
