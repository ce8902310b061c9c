//
// HttpConformanceTest.cpp
//
// How the real server reads requests off the wire, one table row per case:
// the request framing rules of RFC 9112 (sections 2 to 7) that bind a
// server, request smuggling attempts, versions, the Host rules. Each row is
// sent as raw bytes on a fresh connection and says which answers must come
// back, in order, and whether the connection must stay usable (checked by
// sending one more request on it) or be closed. A body's bytes that look
// like a request must never be answered.
//


#include "RawHttpConnection.h"
#include "ServerProcess.h"
#include "Poco/String.h"
#include <cppunit/extensions/HelperMacros.h>
#include <sstream>
#include <vector>


using NashTest::RawHttpConnection;
using NashTest::ServerProcess;


namespace {


const std::string json = "{\"messages\": [{\"role\": \"user\", \"content\": \"hi\"}]}";


std::string hex(std::size_t n)
{
	std::ostringstream out;
	out << std::hex << n;
	return out.str();
}


std::string post(const std::string& framing, const std::string& body, const std::string& version = "HTTP/1.1")
	/// A summarize request (answered 200 by the echo backend) with the
	/// given framing fields and body bytes.
{
	return "POST /v1/chat/summarize " + version + "\r\nHost: localhost\r\nContent-Type: application/json\r\n" + framing + "\r\n" + body;
}


std::string withLength(const std::string& body)
{
	return post("Content-Length: " + std::to_string(body.size()) + "\r\n", body);
}


std::string chunkedBody(const std::string& body)
{
	return hex(body.size()) + "\r\n" + body + "\r\n0\r\n\r\n";
}


std::string get(const std::string& target, const std::string& fields = "Host: localhost\r\n", const std::string& version = "HTTP/1.1")
{
	return "GET " + target + " " + version + "\r\n" + fields + "\r\n";
}


const std::string smuggled = "GET /v1/models HTTP/1.1\r\nHost: localhost\r\n\r\n";


struct Case
{
	std::string name;
	std::string request;
	std::vector<int> statuses;
		/// The answers expected, in order.
	bool staysOpen;
	bool firstIsHead = false;
	bool halfClose = false;
		/// The client closes its sending side after the request.
};


std::vector<Case> cases()
{
	const std::string chunked = "Transfer-Encoding: chunked\r\n";
	return {
		// Framing that works (RFC 9112 6, 7).
		{"content-length body", withLength(json), {200}, true},
		{"chunked body", post(chunked, chunkedBody(json)), {200}, true},
		{"chunked in pieces", post(chunked, "5\r\n" + json.substr(0, 5) + "\r\n" + hex(json.size() - 5) + "\r\n" + json.substr(5) + "\r\n0\r\n\r\n"), {200}, true},
		{"chunk extension ignored (7.1.1)", post(chunked, hex(json.size()) + ";name=value\r\n" + json + "\r\n0\r\n\r\n"), {200}, true},
		{"trailer fields are no request (7.1.2)", post(chunked, hex(json.size()) + "\r\n" + json + "\r\n0\r\nX-Trailer: 1\r\n\r\n") + get("/health"), {200, 200}, true},
		{"transfer coding name case-insensitive", post("Transfer-Encoding: Chunked\r\n", chunkedBody(json)), {200}, true},
		{"three pipelined requests", get("/health") + withLength(json) + get("/v1/models"), {200, 200, 200}, true},
		{"leading empty line ignored (2.2)", "\r\n" + get("/health"), {200}, true},

		// Bodies that must not run as requests.
		{"GET body with a request in it", "GET /health HTTP/1.1\r\nHost: localhost\r\nContent-Length: " + std::to_string(smuggled.size()) + "\r\n\r\n" + smuggled, {200}, true},
		{"OPTIONS body with a request in it", "OPTIONS /v1/models HTTP/1.1\r\nHost: localhost\r\nContent-Length: " + std::to_string(smuggled.size()) + "\r\n\r\n" + smuggled, {204}, true},
		{"chunked GET body with a request in it", "GET /health HTTP/1.1\r\nHost: localhost\r\n" + chunked + "\r\n" + chunkedBody(smuggled), {200}, true},

		// Content-Length (6.3).
		{"two different Content-Lengths", post("Content-Length: 2\r\nContent-Length: " + std::to_string(json.size()) + "\r\n", json), {400}, false},
		{"two equal Content-Lengths", post("Content-Length: " + std::to_string(json.size()) + "\r\nContent-Length: " + std::to_string(json.size()) + "\r\n", json), {400}, false},
		{"Content-Length list", post("Content-Length: 2, 2\r\n", "{}"), {400}, false},
		{"Content-Length not a number", post("Content-Length: abc\r\n", ""), {400}, false},
		{"Content-Length negative", post("Content-Length: -1\r\n", ""), {400}, false},
		{"Content-Length with a sign", post("Content-Length: +2\r\n", "{}"), {400}, false},
		{"Content-Length overflow", post("Content-Length: 99999999999999999999999\r\n", ""), {400}, false},
		{"Content-Length with Transfer-Encoding (6.1)", post("Content-Length: 5\r\n" + chunked, chunkedBody(json)), {400}, false},

		// Transfer-Encoding (6.1).
		{"transfer coding before chunked", post("Transfer-Encoding: gzip, chunked\r\n", chunkedBody(json)), {501}, false},
		{"chunked not last", post("Transfer-Encoding: chunked, gzip\r\n", chunkedBody(json)), {400}, false},
		{"unknown coding alone", post("Transfer-Encoding: gzip\r\n", json), {400}, false},
		{"identity coding", post("Transfer-Encoding: identity\r\n", json), {400}, false},
		{"chunked in two fields", post(chunked + chunked, chunkedBody(json)), {400}, false},
		{"space before the colon of Transfer-Encoding (5.1)", post("Transfer-Encoding : chunked\r\n", chunkedBody(json)), {400}, false},
		{"Transfer-Encoding in HTTP/1.0", post(chunked, chunkedBody(json), "HTTP/1.0"), {400}, false},

		// Chunks (7.1).
		{"chunk size not hex", post(chunked, "zz\r\n" + json + "\r\n0\r\n\r\n"), {400}, false},
		{"chunk size of 17 hex digits", post(chunked, "10000000000000002\r\n" + json + "\r\n0\r\n\r\n"), {400}, false},
		{"negative chunk size", post(chunked, "-2\r\n{}\r\n0\r\n\r\n"), {400}, false},
		{"chunk size with trailing space", post(chunked, hex(json.size()) + " \r\n" + json + "\r\n0\r\n\r\n"), {400}, false},
		{"chunk data without its CRLF", post(chunked, hex(json.size()) + "\r\n" + json + "XX0\r\n\r\n"), {400}, false},
		{"too many trailer fields", post(chunked, "0\r\n" + [] { std::string f; for (int i = 0; i < 150; ++i) f += "T" + std::to_string(i) + ": 1\r\n"; return f; }() + "\r\n"), {431}, false},
		{"trailer over the head limit", post(chunked, "0\r\nT: " + std::string(20000, 't') + "\r\n\r\n"), {431}, false},
		{"trailer section ending in a request line", post(chunked, hex(json.size()) + "\r\n" + json + "\r\n0\r\n" + get("/health")), {400}, false},
		{"body cut before the last chunk, client half-closed", post(chunked, hex(json.size()) + "\r\n" + json + "\r\n"), {400}, false, false, true},
		{"body cut before its length, client half-closed", post("Content-Length: 100\r\n", json), {400}, false, false, true},

		// Versions (2.3).
		{"version not HTTP", get("/health", "Host: localhost\r\n", "FOO/9.9"), {400}, false},
		{"major version 9", get("/health", "Host: localhost\r\n", "HTTP/9.9"), {505}, false},
		{"HTTP/2.0 over HTTP/1", get("/health", "Host: localhost\r\n", "HTTP/2.0"), {505}, false},
		{"HTTP/0.9", get("/health", "Host: localhost\r\n", "HTTP/0.9"), {505}, false},
		{"HTTP/2 preface", "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n", {505}, false},
		{"higher minor version read as 1.1", get("/health", "Host: localhost\r\n", "HTTP/1.2"), {200}, true},
		{"version with two digits", get("/health", "Host: localhost\r\n", "HTTP/1.10"), {400}, false},
		{"version in lower case", get("/health", "Host: localhost\r\n", "http/1.1"), {400}, false},
		{"HTTP/1.0 closes by default", get("/health", "", "HTTP/1.0"), {200}, false},
		{"HTTP/1.0 keep-alive", get("/health", "Connection: keep-alive\r\n", "HTTP/1.0"), {200}, true},
		{"Connection: close", get("/health", "Host: localhost\r\nConnection: close\r\n"), {200}, false},

		// Request line (3).
		{"request line without target", "GET HTTP/1.1\r\nHost: localhost\r\n\r\n", {400}, false},
		{"space in the target", get("/hea lth"), {400}, false},
		{"fragment in the target", get("/health#top"), {400}, false},
		{"control character in the target", get("/health\x7f"), {400}, false},
		{"malformed percent escape", get("/health%zz"), {400}, false},
		{"target not a path", get("health"), {400}, false},
		{"unknown method", "BREW /health HTTP/1.1\r\nHost: localhost\r\n\r\n", {501}, false},
		{"method in lower case", "get /health HTTP/1.1\r\nHost: localhost\r\n\r\n", {501}, false},
		{"CONNECT", "CONNECT localhost:8001 HTTP/1.1\r\nHost: localhost:8001\r\n\r\n", {501}, false},
		{"asterisk for OPTIONS", "OPTIONS * HTTP/1.1\r\nHost: localhost\r\n\r\n", {204}, true},
		{"asterisk for GET", get("*"), {400}, false},
		{"URI over the limit", get("/" + std::string(20000, 'a')), {414}, false},

		// Line endings and fields (2.2, 5).
		{"bare LF line endings", "GET /health HTTP/1.1\nHost: localhost\n\n", {400}, false},
		{"bare CR in the request line", "GET /health HTTP/1.1\rHost: localhost\r\n\r\n", {400}, false},
		{"whitespace before the first field", "GET /health HTTP/1.1\r\n Host: localhost\r\n\r\n", {400}, false},
		{"obs-fold (5.2)", get("/health", "Host: localhost\r\nX-Folded: a\r\n b\r\n"), {400}, false},
		{"field without a name", get("/health", "Host: localhost\r\n: value\r\n"), {400}, false},
		{"space inside a field name", get("/health", "Host: localhost\r\nX Field: 1\r\n"), {400}, false},
		{"NUL in a field value", get("/health", std::string("Host: localhost\r\nX-Nul: a\0b\r\n", 30)), {400}, false},
		{"control character in a field value", get("/health", "Host: localhost\r\nX-Ctl: a\x01" "b\r\n"), {400}, false},
		{"too many fields", get("/health", "Host: localhost\r\n" + [] { std::string f; for (int i = 0; i < 150; ++i) f += "X-F" + std::to_string(i) + ": 1\r\n"; return f; }()), {431}, false},
		{"field value over the head limit", get("/health", "Host: localhost\r\nX-Big: " + std::string(20000, 'v') + "\r\n"), {431}, false},

		// Host (3.2, and the DNS-rebinding guard).
		{"no Host in HTTP/1.1", get("/health", ""), {400}, false},
		{"no Host in HTTP/1.0", get("/v1/models", "", "HTTP/1.0"), {200}, false},
		{"two Host fields", get("/v1/models", "Host: localhost\r\nHost: evil.example\r\n"), {400}, false},
		{"space before the colon of Host", get("/v1/models", "Host : evil.example\r\n"), {400}, false},
		{"Host not a host name", get("/v1/models", "Host: a b\r\n"), {400}, false},
		{"Host with a bad port", get("/v1/models", "Host: localhost:80a\r\n"), {400}, false},
		{"empty Host in HTTP/1.1", get("/v1/models", "Host: \r\n"), {400}, false},
		{"Host with a port past 65535", get("/v1/models", "Host: localhost:99999\r\n"), {400}, false},
		{"Host with an empty port", get("/v1/models", "Host: localhost:\r\n"), {200}, true},
		{"Host with user information", get("/v1/models", "Host: user@localhost\r\n"), {400}, false},
		{"Host 127.0.0.1 with port", get("/v1/models", "Host: 127.0.0.1:8001\r\n"), {200}, true},
		{"Host 127.1.2.3", get("/v1/models", "Host: 127.1.2.3\r\n"), {200}, true},
		{"Host [::1]", get("/v1/models", "Host: [::1]:8001\r\n"), {200}, true},
		{"Host localhost in upper case", get("/v1/models", "Host: LOCALHOST\r\n"), {200}, true},
		{"Host *.localhost", get("/v1/models", "Host: app.localhost:3000\r\n"), {200}, true},
		{"Host 127.attacker.example", get("/v1/models", "Host: 127.attacker.example\r\n"), {421}, false},
		{"Host 127.0.0.1.nip.io", get("/v1/models", "Host: 127.0.0.1.nip.io\r\n"), {421}, false},
		{"Host 127.1 (not four octets)", get("/v1/models", "Host: 127.1\r\n"), {421}, false},
		{"Host with octal octets", get("/v1/models", "Host: 0177.0.0.1\r\n"), {421}, false},
		{"Host localhost.evil.example", get("/v1/models", "Host: localhost.evil.example\r\n"), {421}, false},
		{"Host of another site", get("/v1/models", "Host: evil.example\r\n"), {421}, false},
		{"absolute target of this server", get("http://localhost:8001/v1/models"), {200}, true},
		{"absolute target of another host", get("http://evil.example/v1/models"), {421}, false},
		{"absolute target with user information", get("http://user@localhost/v1/models"), {400}, false},

		// Expectations and methods without a body in the answer.
		{"100-continue", post("Expect: 100-continue\r\nContent-Length: " + std::to_string(json.size()) + "\r\n", json), {100, 200}, true},
		{"no 100 Continue for a body over the limit", post("Expect: 100-continue\r\nContent-Length: 99999999\r\n", ""), {413}, false},
		{"no 100-continue for HTTP/1.0", post("Expect: 100-continue\r\nContent-Length: " + std::to_string(json.size()) + "\r\n", json, "HTTP/1.0"), {200}, false},
		{"unknown expectation", post("Expect: something\r\nContent-Length: " + std::to_string(json.size()) + "\r\n", json), {417}, false},
		{"HEAD has no body", "HEAD /health HTTP/1.1\r\nHost: localhost\r\n\r\n" + get("/v1/models"), {200, 200}, true, true},
		{"Upgrade is ignored", get("/health", "Host: localhost\r\nConnection: upgrade\r\nUpgrade: websocket\r\n"), {200}, true},
	};
}


} // namespace


class HttpConformanceTest: public CppUnit::TestFixture
{
	CPPUNIT_TEST_SUITE(HttpConformanceTest);
	CPPUNIT_TEST(testEveryCase);
	CPPUNIT_TEST_SUITE_END();

public:
	void testEveryCase()
	{
		ServerProcess server;
		server.start();
		std::string failures;
		int checked = 0;
		for (const Case& c: cases())
		{
			std::string failure = run(server.port(), c);
			++checked;
			if (!failure.empty()) failures += "\n  " + c.name + ": " + failure;
		}
		CPPUNIT_ASSERT_MESSAGE(std::to_string(checked) + " cases, these failed:" + failures, failures.empty());
		CPPUNIT_ASSERT(server.isRunning());
	}

private:
	static std::string run(int port, const Case& c)
	{
		RawHttpConnection connection(port);
		connection.send(c.request);
		if (c.halfClose) connection.shutdownSend();
		for (std::size_t i = 0; i < c.statuses.size(); ++i)
		{
			RawHttpConnection::Response response;
			if (!connection.readResponse(response, 5000, c.firstIsHead && i == 0))
				return "answer " + std::to_string(i + 1) + " of " + std::to_string(c.statuses.size()) + " did not come (got '" +
					response.raw.substr(0, 200) + "')";
			if (response.status != c.statuses[i])
				return "answer " + std::to_string(i + 1) + " is " + std::to_string(response.status) + ", expected " +
					std::to_string(c.statuses[i]) + ": " + response.body.substr(0, 200);
			if (response.status >= 400 && !c.staysOpen && Poco::icompare(response.headers["connection"], "close") != 0)
				return "a refusal that closes the connection must say Connection: close";
			if (c.firstIsHead && i == 0 && !response.body.empty()) return "the answer to HEAD has a body";
		}
		if (c.staysOpen)
		{
			// The connection still reads requests where the last one ended.
			connection.send("GET /health HTTP/1.1\r\nHost: localhost\r\n\r\n");
			RawHttpConnection::Response response;
			if (!connection.readResponse(response, 5000)) return "the connection did not stay open for another request";
			if (response.status != 200) return "the request after the case was answered " + std::to_string(response.status);
			return std::string();
		}
		if (!connection.closedByServer(3000))
			return "the connection was not closed (or more came: '" + connection.leftover().substr(0, 200) + "')";
		return std::string();
	}
};


CPPUNIT_TEST_SUITE_REGISTRATION(HttpConformanceTest);
