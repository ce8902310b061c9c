//
// ResponseParserTest.cpp
//
// The incremental HTTP/1.1 response parser: the same answer whatever the
// split of the bytes, each way a body is delimited, chunk extensions and
// trailers, bodies cut short, interim answers, and what it refuses.
//


#include "core/http/ResponseParser.h"
#include <cppunit/extensions/HelperMacros.h>
#include <string>


using Nash::ResponseParser;


namespace {


struct Parsed
{
	ResponseParser::Phase phase = ResponseParser::Phase::Head;
	int status = 0;
	std::string reason;
	std::string body;
	std::size_t used = 0;
	bool keepAlive = false;
	std::string contentType;
	std::string failure;
	bool headSeenBeforeBody = true;
};


Parsed parse(const std::string& bytes, std::size_t piece = std::string::npos, bool atEof = false, bool head = false)
	/// Feeds bytes in pieces of the given size, as a socket would give them.
{
	Parsed result;
	ResponseParser parser;
	if (head) parser.expectNoBody();
	parser.setBodyCallback([&](const char* data, std::size_t length) {
		if (parser.status() == 0) result.headSeenBeforeBody = false;
		result.body.append(data, length);
	});
	std::size_t position = 0;
	while (position < bytes.size())
	{
		std::size_t end = std::min(bytes.size(), position + piece);
		while (position < end)
		{
			std::size_t used = parser.parse(bytes.data() + position, end - position);
			position += used;
			if (parser.phase() == ResponseParser::Phase::Complete || parser.phase() == ResponseParser::Phase::Failed) break;
			if (used == 0 && parser.phase() != ResponseParser::Phase::Body) break;
		}
		if (parser.phase() == ResponseParser::Phase::Complete || parser.phase() == ResponseParser::Phase::Failed) break;
	}
	if (atEof) parser.finish();
	result.phase = parser.phase();
	result.status = parser.status();
	result.reason = parser.reason();
	result.used = position;
	result.keepAlive = parser.keepAlive();
	result.contentType = parser.headers().get("Content-Type", "");
	result.failure = parser.failureReason();
	return result;
}


// llhttp 8.1 refuses an extension after one with a value ("5;a=b;c"):
// the upstreams relayed send no extensions at all.
const std::string chunkedAnswer =
	"HTTP/1.1 200 OK\r\n"
	"Content-Type: text/event-stream\r\n"
	"Transfer-Encoding: chunked\r\n"
	"\r\n"
	"5;name=value\r\n"
	"hello\r\n"
	"7;flag;quoted=\"a;b\"\r\n"
	", world\r\n"
	"0\r\n"
	"X-Trailer: yes\r\n"
	"\r\n";


} // namespace


class ResponseParserTest: public CppUnit::TestFixture
{
	CPPUNIT_TEST_SUITE(ResponseParserTest);
	CPPUNIT_TEST(testContentLength);
	CPPUNIT_TEST(testStopsAfterTheHead);
	CPPUNIT_TEST(testChunkedWithExtensionsAndTrailers);
	CPPUNIT_TEST(testEverySplitGivesTheSameAnswer);
	CPPUNIT_TEST(testBodyUntilClose);
	CPPUNIT_TEST(testBodyCutShort);
	CPPUNIT_TEST(testChunkedCutShort);
	CPPUNIT_TEST(testInterimAnswersAreSkipped);
	CPPUNIT_TEST(testNoBodyAnswers);
	CPPUNIT_TEST(testConnectionClose);
	CPPUNIT_TEST(testBytesAfterTheAnswerAreNotUsed);
	CPPUNIT_TEST(testGarbageIsRefused);
	CPPUNIT_TEST(testFramingConflictsAreRefused);
	CPPUNIT_TEST(testHeadLimit);
	CPPUNIT_TEST(testSwitchingProtocolsIsRefused);
	CPPUNIT_TEST(testHalt);
	CPPUNIT_TEST(testCallbackExceptionPassesThrough);
	CPPUNIT_TEST_SUITE_END();

public:
	void testContentLength()
	{
		Parsed parsed = parse("HTTP/1.1 201 Created\r\nContent-Type: application/json\r\nContent-Length: 7\r\n\r\n{\"a\":1}");
		CPPUNIT_ASSERT(parsed.phase == ResponseParser::Phase::Complete);
		CPPUNIT_ASSERT_EQUAL(201, parsed.status);
		CPPUNIT_ASSERT_EQUAL(std::string("Created"), parsed.reason);
		CPPUNIT_ASSERT_EQUAL(std::string("application/json"), parsed.contentType);
		CPPUNIT_ASSERT_EQUAL(std::string("{\"a\":1}"), parsed.body);
		CPPUNIT_ASSERT(parsed.keepAlive);
	}

	void testStopsAfterTheHead()
	{
		std::string bytes = "HTTP/1.1 200 OK\r\nContent-Length: 4\r\nX-A:  spaced  \r\n\r\nbody";
		ResponseParser parser;
		std::string body;
		parser.setBodyCallback([&](const char* data, std::size_t length) { body.append(data, length); });
		std::size_t used = parser.parse(bytes.data(), bytes.size());
		CPPUNIT_ASSERT(parser.phase() == ResponseParser::Phase::Body);
		CPPUNIT_ASSERT_EQUAL(bytes.size() - 4, used);
		CPPUNIT_ASSERT(body.empty());
		CPPUNIT_ASSERT_EQUAL(200, parser.status());
		CPPUNIT_ASSERT_EQUAL(std::string("spaced"), parser.headers().get("x-a"));
		CPPUNIT_ASSERT(parser.hasContentLength());
		CPPUNIT_ASSERT_EQUAL(std::uint64_t(4), parser.contentLength());
		CPPUNIT_ASSERT_EQUAL(std::size_t(4), parser.parse(bytes.data() + used, 4));
		CPPUNIT_ASSERT(parser.phase() == ResponseParser::Phase::Complete);
		CPPUNIT_ASSERT_EQUAL(std::string("body"), body);
		CPPUNIT_ASSERT_EQUAL(std::uint64_t(4), parser.bodyBytes());
	}

	void testChunkedWithExtensionsAndTrailers()
	{
		Parsed parsed = parse(chunkedAnswer);
		CPPUNIT_ASSERT(parsed.phase == ResponseParser::Phase::Complete);
		CPPUNIT_ASSERT_EQUAL(std::string("hello, world"), parsed.body);
		CPPUNIT_ASSERT_EQUAL(chunkedAnswer.size(), parsed.used);
		CPPUNIT_ASSERT(parsed.keepAlive);
	}

	void testEverySplitGivesTheSameAnswer()
	{
		for (std::size_t piece = 1; piece <= chunkedAnswer.size(); ++piece)
		{
			Parsed parsed = parse(chunkedAnswer, piece);
			CPPUNIT_ASSERT(parsed.phase == ResponseParser::Phase::Complete);
			CPPUNIT_ASSERT_EQUAL(std::string("hello, world"), parsed.body);
			CPPUNIT_ASSERT_EQUAL(200, parsed.status);
			CPPUNIT_ASSERT(parsed.headSeenBeforeBody);
		}
		std::string fixed = "HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n0123456789";
		for (std::size_t piece = 1; piece <= fixed.size(); ++piece)
		{
			Parsed parsed = parse(fixed, piece);
			CPPUNIT_ASSERT(parsed.phase == ResponseParser::Phase::Complete);
			CPPUNIT_ASSERT_EQUAL(std::string("0123456789"), parsed.body);
		}
		// Split at every byte, in two pieces.
		for (std::size_t cut = 0; cut <= chunkedAnswer.size(); ++cut)
		{
			ResponseParser parser;
			std::string body;
			parser.setBodyCallback([&](const char* data, std::size_t length) { body.append(data, length); });
			std::size_t position = 0;
			while (position < cut && parser.phase() != ResponseParser::Phase::Complete)
				position += parser.parse(chunkedAnswer.data() + position, cut - position);
			while (position < chunkedAnswer.size() && parser.phase() != ResponseParser::Phase::Complete)
				position += parser.parse(chunkedAnswer.data() + position, chunkedAnswer.size() - position);
			CPPUNIT_ASSERT(parser.phase() == ResponseParser::Phase::Complete);
			CPPUNIT_ASSERT_EQUAL(std::string("hello, world"), body);
		}
	}

	void testBodyUntilClose()
	{
		Parsed open = parse("HTTP/1.1 200 OK\r\n\r\nstream until close", std::string::npos, false);
		CPPUNIT_ASSERT(open.phase == ResponseParser::Phase::Body);
		CPPUNIT_ASSERT_EQUAL(std::string("stream until close"), open.body);
		Parsed closed = parse("HTTP/1.1 200 OK\r\n\r\nstream until close", 3, true);
		CPPUNIT_ASSERT(closed.phase == ResponseParser::Phase::Complete);
		CPPUNIT_ASSERT_EQUAL(std::string("stream until close"), closed.body);
		CPPUNIT_ASSERT(!closed.keepAlive);
	}

	void testBodyCutShort()
	{
		Parsed parsed = parse("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n01234", std::string::npos, true);
		CPPUNIT_ASSERT(parsed.phase == ResponseParser::Phase::Failed);
		CPPUNIT_ASSERT_EQUAL(std::string("01234"), parsed.body);
		CPPUNIT_ASSERT(parsed.failure.find("5 of 10") != std::string::npos);
		Parsed headOnly = parse("HTTP/1.1 200 OK\r\nContent-", std::string::npos, true);
		CPPUNIT_ASSERT(headOnly.phase == ResponseParser::Phase::Failed);
		Parsed nothing = parse("", std::string::npos, true);
		CPPUNIT_ASSERT(nothing.phase == ResponseParser::Phase::Failed);
		CPPUNIT_ASSERT(nothing.failure.find("without an answer") != std::string::npos);
	}

	void testChunkedCutShort()
	{
		std::string cut = chunkedAnswer.substr(0, chunkedAnswer.find("0\r\n"));
		Parsed parsed = parse(cut, 7, true);
		CPPUNIT_ASSERT(parsed.phase == ResponseParser::Phase::Failed);
		CPPUNIT_ASSERT_EQUAL(std::string("hello, world"), parsed.body);
	}

	void testInterimAnswersAreSkipped()
	{
		std::string bytes = "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 103 Early Hints\r\nLink: </a>\r\n\r\n"
			"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok";
		for (std::size_t piece: {std::size_t(1), std::size_t(5), bytes.size()})
		{
			Parsed parsed = parse(bytes, piece);
			CPPUNIT_ASSERT(parsed.phase == ResponseParser::Phase::Complete);
			CPPUNIT_ASSERT_EQUAL(200, parsed.status);
			CPPUNIT_ASSERT_EQUAL(std::string("OK"), parsed.reason);
			CPPUNIT_ASSERT_EQUAL(std::string("ok"), parsed.body);
		}
		ResponseParser parser;
		parser.parse(bytes.data(), bytes.size());
		CPPUNIT_ASSERT(!parser.headers().has("Link"));
	}

	void testNoBodyAnswers()
	{
		Parsed noContent = parse("HTTP/1.1 204 No Content\r\n\r\n");
		CPPUNIT_ASSERT(noContent.phase == ResponseParser::Phase::Complete);
		CPPUNIT_ASSERT(noContent.keepAlive);
		Parsed empty = parse("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n");
		CPPUNIT_ASSERT(empty.phase == ResponseParser::Phase::Complete);
		Parsed head = parse("HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n", std::string::npos, false, true);
		CPPUNIT_ASSERT(head.phase == ResponseParser::Phase::Complete);
		CPPUNIT_ASSERT(head.body.empty());
	}

	void testConnectionClose()
	{
		Parsed parsed = parse("HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 1\r\n\r\nx");
		CPPUNIT_ASSERT(parsed.phase == ResponseParser::Phase::Complete);
		CPPUNIT_ASSERT(!parsed.keepAlive);
		Parsed old = parse("HTTP/1.0 200 OK\r\nContent-Length: 1\r\n\r\nx");
		CPPUNIT_ASSERT(old.phase == ResponseParser::Phase::Complete);
		CPPUNIT_ASSERT(!old.keepAlive);
	}

	void testBytesAfterTheAnswerAreNotUsed()
	{
		std::string answer = "HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\nx";
		Parsed parsed = parse(answer + "HTTP/1.1 200 OK\r\n");
		CPPUNIT_ASSERT(parsed.phase == ResponseParser::Phase::Complete);
		CPPUNIT_ASSERT_EQUAL(answer.size(), parsed.used);
	}

	void testGarbageIsRefused()
	{
		for (const std::string& garbage: {std::string("HELLO WORLD\r\n\r\n"), std::string("HTTP/1.1 abc OK\r\n\r\n"),
			std::string("HTTP/1.1 200 OK\nContent-Length: 0\n\n"), std::string("HTTP/1.1 200 OK\r\nBad Header\r\n\r\n"),
			std::string("HTTP/2.0 200 OK\r\n\r\n"), std::string("HTTP/1.1 200 OK\r\n Folded: x\r\n\r\n"),
			std::string("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n"), std::string("HTTP/1.1 0 OK\r\nContent-Length: 1\r\n\r\nx")})
		{
			Parsed parsed = parse(garbage);
			CPPUNIT_ASSERT_MESSAGE(garbage, parsed.phase == ResponseParser::Phase::Failed);
			CPPUNIT_ASSERT(!parsed.failure.empty());
		}
	}

	void testFramingConflictsAreRefused()
	{
		Parsed twoLengths = parse("HTTP/1.1 200 OK\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\nxx");
		CPPUNIT_ASSERT(twoLengths.phase == ResponseParser::Phase::Failed);
		Parsed both = parse("HTTP/1.1 200 OK\r\nContent-Length: 1\r\nTransfer-Encoding: chunked\r\n\r\n1\r\nx\r\n0\r\n\r\n");
		CPPUNIT_ASSERT(both.phase == ResponseParser::Phase::Failed);
	}

	void testHeadLimit()
	{
		ResponseParser::Limits limits;
		limits.maxHeadBytes = 100;
		ResponseParser parser(limits);
		std::string bytes = "HTTP/1.1 200 OK\r\nX-Long: " + std::string(200, 'a') + "\r\n\r\n";
		parser.parse(bytes.data(), bytes.size());
		CPPUNIT_ASSERT(parser.phase() == ResponseParser::Phase::Failed);
		CPPUNIT_ASSERT(parser.failureReason().find("100 bytes") != std::string::npos);
		ResponseParser small(limits);
		std::string fits = "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n";
		small.parse(fits.data(), fits.size());
		CPPUNIT_ASSERT(small.phase() == ResponseParser::Phase::Complete);
	}

	void testSwitchingProtocolsIsRefused()
	{
		Parsed parsed = parse("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: upgrade\r\n\r\n");
		CPPUNIT_ASSERT(parsed.phase == ResponseParser::Phase::Failed);
		CPPUNIT_ASSERT(parsed.failure.find("101") != std::string::npos);
	}

	void testHalt()
	{
		std::string bytes = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n1\r\na\r\n1\r\nb\r\n0\r\n\r\n";
		ResponseParser parser;
		std::string body;
		parser.setBodyCallback([&](const char* data, std::size_t length) {
			body.append(data, length);
			parser.halt();
		});
		std::size_t used = parser.parse(bytes.data(), bytes.size());
		used += parser.parse(bytes.data() + used, bytes.size() - used);
		CPPUNIT_ASSERT(parser.phase() == ResponseParser::Phase::Failed);
		CPPUNIT_ASSERT_EQUAL(std::string("a"), body);
		CPPUNIT_ASSERT(used < bytes.size());
	}

	void testCallbackExceptionPassesThrough()
	{
		std::string bytes = "HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\nabc";
		ResponseParser parser;
		parser.setBodyCallback([](const char*, std::size_t) { throw std::runtime_error("sink failed"); });
		std::size_t used = parser.parse(bytes.data(), bytes.size());
		CPPUNIT_ASSERT_THROW(parser.parse(bytes.data() + used, bytes.size() - used), std::runtime_error);
		CPPUNIT_ASSERT(parser.phase() == ResponseParser::Phase::Failed);
	}
};


CPPUNIT_TEST_SUITE_REGISTRATION(ResponseParserTest);
