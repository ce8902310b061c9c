//
// RequestParserTest.cpp
//


#include "core/http/RequestParser.h"
#include <cppunit/extensions/HelperMacros.h>
#include <string>


using Nash::RequestParser;


namespace {


struct Parsed
{
	RequestParser::Phase phase;
	std::string body;
	std::size_t used = 0;
};


Parsed parseAll(RequestParser& parser, const std::string& bytes, std::size_t piece = std::string::npos)
	/// Feeds bytes in pieces of the given size until one message is
	/// complete or failed.
{
	Parsed result;
	std::size_t pos = 0;
	while (parser.phase() == RequestParser::Phase::Head && pos < bytes.size())
		pos += parser.parseHead(bytes.data() + pos, std::min(piece, bytes.size() - pos));
	while (parser.phase() == RequestParser::Phase::Body)
	{
		std::size_t n = std::min(piece, bytes.size() - pos);
		std::size_t used = parser.parseBody(bytes.data() + pos, n, result.body, 1 << 20);
		pos += used;
		if (used == 0 && n == 0) break;
	}
	result.phase = parser.phase();
	result.used = pos;
	return result;
}


} // namespace


class RequestParserTest: public CppUnit::TestFixture
{
	CPPUNIT_TEST_SUITE(RequestParserTest);
	CPPUNIT_TEST(testHeadFieldsInOrder);
	CPPUNIT_TEST(testEveryPieceSize);
	CPPUNIT_TEST(testStopsAtTheEndOfTheMessage);
	CPPUNIT_TEST(testBodilessMessageCompletes);
	CPPUNIT_TEST(testLimits);
	CPPUNIT_TEST(testFailureStatuses);
	CPPUNIT_TEST(testEndOfInput);
	CPPUNIT_TEST(testKeepAlive);
	CPPUNIT_TEST(testSameFailureInAnyPieces);
	CPPUNIT_TEST_SUITE_END();

public:
	void testHeadFieldsInOrder()
	{
		RequestParser parser(RequestParser::Limits{});
		Parsed parsed = parseAll(parser, "POST /a?b=c HTTP/1.1\r\nHost: x\r\nX-A: 1\r\nx-a: 2  \r\nContent-Length: 3\r\n\r\nabc");
		CPPUNIT_ASSERT(parsed.phase == RequestParser::Phase::Complete);
		const auto& head = parser.head();
		CPPUNIT_ASSERT_EQUAL(std::string("POST"), head.method);
		CPPUNIT_ASSERT_EQUAL(std::string("/a?b=c"), head.target);
		CPPUNIT_ASSERT_EQUAL(std::size_t(4), head.fields.size());
		CPPUNIT_ASSERT_EQUAL(std::size_t(2), head.count("X-A"));
		CPPUNIT_ASSERT_EQUAL(std::string("2"), head.fields[2].second);
		CPPUNIT_ASSERT(head.hasContentLength);
		CPPUNIT_ASSERT_EQUAL(std::uint64_t(3), head.contentLength);
		CPPUNIT_ASSERT_EQUAL(std::string("abc"), parsed.body);
	}

	void testEveryPieceSize()
	{
		const std::string request = "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n3;e=1\r\nabc\r\n2\r\nde\r\n0\r\nT: 1\r\n\r\n";
		for (std::size_t piece = 1; piece <= request.size(); ++piece)
		{
			RequestParser parser(RequestParser::Limits{});
			Parsed parsed = parseAll(parser, request, piece);
			CPPUNIT_ASSERT_MESSAGE(std::to_string(piece), parsed.phase == RequestParser::Phase::Complete);
			CPPUNIT_ASSERT_EQUAL(std::string("abcde"), parsed.body);
			CPPUNIT_ASSERT_EQUAL(request.size(), parsed.used);
		}
	}

	void testStopsAtTheEndOfTheMessage()
	{
		RequestParser parser(RequestParser::Limits{});
		const std::string first = "GET /a HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nGET /";
		const std::string second = "GET /b HTTP/1.1\r\nHost: x\r\n\r\n";
		Parsed parsed = parseAll(parser, first + second);
		CPPUNIT_ASSERT(parsed.phase == RequestParser::Phase::Complete);
		CPPUNIT_ASSERT_EQUAL(first.size(), parsed.used);
		CPPUNIT_ASSERT_EQUAL(std::string("GET /"), parsed.body);
		parser.nextMessage();
		parsed = parseAll(parser, second);
		CPPUNIT_ASSERT(parsed.phase == RequestParser::Phase::Complete);
		CPPUNIT_ASSERT_EQUAL(std::string("/b"), parser.head().target);
	}

	void testBodilessMessageCompletes()
	{
		RequestParser parser(RequestParser::Limits{});
		const std::string request = "GET / HTTP/1.1\r\nHost: x\r\n\r\n";
		CPPUNIT_ASSERT_EQUAL(request.size(), parser.parseHead(request.data(), request.size()));
		CPPUNIT_ASSERT(parser.phase() == RequestParser::Phase::Body);
		std::string body;
		CPPUNIT_ASSERT_EQUAL(std::size_t(0), parser.parseBody(nullptr, 0, body, 100));
		CPPUNIT_ASSERT(parser.phase() == RequestParser::Phase::Complete);
	}

	void testLimits()
	{
		RequestParser::Limits limits;
		limits.maxHeadBytes = 200;
		limits.maxFields = 3;
		limits.maxTargetBytes = 50;
		{
			RequestParser parser(limits);
			parseAll(parser, "GET /" + std::string(60, 'a') + " HTTP/1.1\r\n\r\n");
			CPPUNIT_ASSERT_EQUAL(414, parser.failureStatus());
		}
		{
			RequestParser parser(limits);
			parseAll(parser, "GET / HTTP/1.1\r\nA: 1\r\nB: 2\r\nC: 3\r\nD: 4\r\n\r\n");
			CPPUNIT_ASSERT_EQUAL(431, parser.failureStatus());
		}
		{
			RequestParser parser(limits);
			parseAll(parser, "GET / HTTP/1.1\r\nA: " + std::string(300, 'v') + "\r\n\r\n", 7);
			CPPUNIT_ASSERT_EQUAL(431, parser.failureStatus());
		}
		{
			// Exactly at the limit is fine.
			std::string request = "GET / HTTP/1.1\r\nHost: x\r\nA: ";
			request += std::string(200 - request.size() - 4, 'v') + "\r\n\r\n";
			CPPUNIT_ASSERT_EQUAL(std::size_t(200), request.size());
			RequestParser parser(limits);
			CPPUNIT_ASSERT(parseAll(parser, request, 13).phase == RequestParser::Phase::Complete);
		}
	}

	void testFailureStatuses()
	{
		const std::pair<const char*, int> cases[] = {
			{"GET / HTTP/1.1\r\nHost: x\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n", 400},
			{"POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip, chunked\r\n\r\n", 501},
			{"POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n", 400},
			{"GET / HTTP/3.0\r\nHost: x\r\n\r\n", 505},
			{"BREW / HTTP/1.1\r\nHost: x\r\n\r\n", 501},
			{"G\x01T / HTTP/1.1\r\nHost: x\r\n\r\n", 400},
			{"GET / HTTP/1.1\r\nHost: x\r\nA: 1\r\n  2\r\n\r\n", 400},
			{"GET / HTTP/1.1\r\n\r\n", 400},
			{"GET / HTTP/1.1\r\nHost: x\r\nHost: y\r\n\r\n", 400},
			{"GET /#f HTTP/1.1\r\nHost: x\r\n\r\n", 400},
			{"CONNECT x:1 HTTP/1.1\r\nHost: x\r\n\r\n", 501},
		};
		for (const auto& c: cases)
		{
			RequestParser parser(RequestParser::Limits{});
			Parsed parsed = parseAll(parser, c.first);
			CPPUNIT_ASSERT_MESSAGE(c.first, parsed.phase == RequestParser::Phase::Failed);
			CPPUNIT_ASSERT_EQUAL_MESSAGE(c.first, c.second, parser.failureStatus());
			CPPUNIT_ASSERT(!parser.failureReason().empty());
		}
	}

	void testEndOfInput()
	{
		RequestParser parser(RequestParser::Limits{});
		parseAll(parser, "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\nabc");
		CPPUNIT_ASSERT(parser.phase() == RequestParser::Phase::Body);
		parser.endOfInput();
		CPPUNIT_ASSERT(parser.phase() == RequestParser::Phase::Failed);
		CPPUNIT_ASSERT_EQUAL(400, parser.failureStatus());

		RequestParser idle(RequestParser::Limits{});
		idle.endOfInput();
		CPPUNIT_ASSERT(idle.phase() == RequestParser::Phase::Head);
	}

	void testKeepAlive()
	{
		const std::pair<const char*, bool> cases[] = {
			{"GET / HTTP/1.1\r\nHost: x\r\n\r\n", true},
			{"GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", false},
			{"GET / HTTP/1.0\r\n\r\n", false},
			{"GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n", true},
		};
		for (const auto& c: cases)
		{
			RequestParser parser(RequestParser::Limits{});
			parseAll(parser, c.first);
			CPPUNIT_ASSERT_EQUAL_MESSAGE(c.first, c.second, parser.head().keepAlive);
		}
	}

	void testSameFailureInAnyPieces()
	{
		// Found by fuzz_http_requests: the status must not depend on how the
		// bytes were split into reads.
		RequestParser::Limits limits;
		limits.maxFields = 3;
		std::string many = "GET / HTTP/1.1\r\nHost: a\r\nX-Folded: a\r\n b\r\nA: 1\r\nB: 2\r\nC: 3\r\n\r\n";
		const std::vector<std::pair<std::string, int>> cases = {
			{"WET /health HTTP/1.1\r\nHost: a\r\n\r\n", 501},
			{"\r\nBREW / HTTP/1.1\r\n\r\n", 501},
			{"W\x01T / HTTP/1.1\r\n\r\n", 400},
			{std::string(40, 'W') + " / HTTP/1.1\r\n\r\n", 400},
			{many, 400}};
		for (const auto& c: cases)
		{
			for (std::size_t piece: {std::string::npos, std::size_t(1), std::size_t(2), std::size_t(7)})
			{
				RequestParser parser(limits);
				Parsed parsed = parseAll(parser, c.first, piece);
				std::string what = c.first.substr(0, 20) + " in pieces of " + std::to_string(piece) + ": " + parser.failureReason();
				CPPUNIT_ASSERT_MESSAGE(what, parsed.phase == RequestParser::Phase::Failed);
				CPPUNIT_ASSERT_EQUAL_MESSAGE(what, c.second, parser.failureStatus());
			}
		}
	}
};


CPPUNIT_TEST_SUITE_REGISTRATION(RequestParserTest);
