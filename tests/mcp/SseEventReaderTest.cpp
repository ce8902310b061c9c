//
// SseEventReaderTest.cpp
//
// The one event-stream reader of the mcp_http plugin: the fields, the line
// ends, and what it does with events over its limit.
//


#include "McpMessageText.h"
#include "SseEventReader.h"
#include <cppunit/extensions/HelperMacros.h>
#include <sstream>


using Nash::SseEventReader;


class SseEventReaderTest: public CppUnit::TestFixture
{
	CPPUNIT_TEST_SUITE(SseEventReaderTest);
	CPPUNIT_TEST(testEvents);
	CPPUNIT_TEST(testMultiLineData);
	CPPUNIT_TEST(testLineEnds);
	CPPUNIT_TEST(testComments);
	CPPUNIT_TEST(testIdAndRetry);
	CPPUNIT_TEST(testOversizedLine);
	CPPUNIT_TEST(testOversizedEvent);
	CPPUNIT_TEST(testOversizedAnswerTellsItsId);
	CPPUNIT_TEST(testStreamEndsMidEvent);
	CPPUNIT_TEST(testStreamEndsInOversizedEvent);
	CPPUNIT_TEST_SUITE_END();

public:
	void testEvents()
	{
		std::istringstream in("event: message\ndata: {\"a\":1}\n\nevent: endpoint\ndata: /message?s=1\n\ndata:x\n\n");
		SseEventReader reader(in, 1024);
		SseEventReader::Event event;
		CPPUNIT_ASSERT_EQUAL(SseEventReader::EVENT, reader.next(event));
		CPPUNIT_ASSERT_EQUAL(std::string("message"), event.type);
		CPPUNIT_ASSERT_EQUAL(std::string("{\"a\":1}"), event.data);
		CPPUNIT_ASSERT_EQUAL(SseEventReader::EVENT, reader.next(event));
		CPPUNIT_ASSERT_EQUAL(std::string("endpoint"), event.type);
		CPPUNIT_ASSERT_EQUAL(std::string("/message?s=1"), event.data);
		// No space after the colon; the type is the default again.
		CPPUNIT_ASSERT_EQUAL(SseEventReader::EVENT, reader.next(event));
		CPPUNIT_ASSERT_EQUAL(std::string(), event.type);
		CPPUNIT_ASSERT_EQUAL(std::string("x"), event.data);
		CPPUNIT_ASSERT_EQUAL(SseEventReader::END, reader.next(event));
		CPPUNIT_ASSERT_EQUAL(SseEventReader::END, reader.next(event));
	}

	void testMultiLineData()
	{
		std::istringstream in("data: one\ndata:  two\ndata\ndata: \n\n");
		SseEventReader reader(in, 1024);
		SseEventReader::Event event;
		CPPUNIT_ASSERT_EQUAL(SseEventReader::EVENT, reader.next(event));
		// One space after the colon is dropped, a second one kept; "data"
		// alone is an empty line of data.
		CPPUNIT_ASSERT_EQUAL(std::string("one\n two\n\n"), event.data);
		CPPUNIT_ASSERT(event.hasData);
	}

	void testLineEnds()
	{
		std::istringstream in("data: crlf\r\n\r\ndata: cr\r\rdata: a\r\ndata: b\rdata: c\n\n");
		SseEventReader reader(in, 1024);
		SseEventReader::Event event;
		CPPUNIT_ASSERT_EQUAL(SseEventReader::EVENT, reader.next(event));
		CPPUNIT_ASSERT_EQUAL(std::string("crlf"), event.data);
		CPPUNIT_ASSERT_EQUAL(SseEventReader::EVENT, reader.next(event));
		CPPUNIT_ASSERT_EQUAL(std::string("cr"), event.data);
		CPPUNIT_ASSERT_EQUAL(SseEventReader::EVENT, reader.next(event));
		CPPUNIT_ASSERT_EQUAL(std::string("a\nb\nc"), event.data);
		CPPUNIT_ASSERT_EQUAL(SseEventReader::END, reader.next(event));
	}

	void testComments()
	{
		// Comments (keep-alives) make no event, not even an empty one.
		std::istringstream in(": ping\n\n:\n\ndata: after\n: inside\n\n");
		SseEventReader reader(in, 1024);
		SseEventReader::Event event;
		CPPUNIT_ASSERT_EQUAL(SseEventReader::EVENT, reader.next(event));
		CPPUNIT_ASSERT_EQUAL(std::string("after"), event.data);
		CPPUNIT_ASSERT_EQUAL(SseEventReader::END, reader.next(event));
	}

	void testIdAndRetry()
	{
		std::istringstream in("id: 7\nretry: 2500\ndata:\n\nretry: soon\ndata: x\n\nid: 8\ndata: cut off");
		SseEventReader reader(in, 1024, "6");
		CPPUNIT_ASSERT_EQUAL(std::string("6"), reader.lastEventId());
		CPPUNIT_ASSERT_EQUAL(-1L, reader.retryMilliseconds());
		SseEventReader::Event event;
		// The priming event: an id, and data that is empty.
		CPPUNIT_ASSERT_EQUAL(SseEventReader::EVENT, reader.next(event));
		CPPUNIT_ASSERT(event.hasData);
		CPPUNIT_ASSERT(event.data.empty());
		CPPUNIT_ASSERT_EQUAL(std::string("7"), reader.lastEventId());
		CPPUNIT_ASSERT_EQUAL(2500L, reader.retryMilliseconds());
		// An event without an id keeps the stream's; a retry that is no
		// number is ignored.
		CPPUNIT_ASSERT_EQUAL(SseEventReader::EVENT, reader.next(event));
		CPPUNIT_ASSERT_EQUAL(std::string("7"), reader.lastEventId());
		CPPUNIT_ASSERT_EQUAL(2500L, reader.retryMilliseconds());
		// An event that never ended does not count: resuming asks for it again.
		CPPUNIT_ASSERT_EQUAL(SseEventReader::END, reader.next(event));
		CPPUNIT_ASSERT_EQUAL(std::string("7"), reader.lastEventId());
	}

	void testOversizedLine()
	{
		std::string huge(5000, 'x');
		std::istringstream in("data: " + huge + "\nid: 3\n\ndata: after\n\n");
		SseEventReader reader(in, 1024);
		SseEventReader::Event event;
		CPPUNIT_ASSERT_EQUAL(SseEventReader::TOO_LARGE, reader.next(event));
		CPPUNIT_ASSERT(event.data.empty());
		CPPUNIT_ASSERT_EQUAL(std::string(SseEventReader::ENDS_KEPT, 'x'), reader.oversizedHead());
		// Not more than the line's limit was read.
		CPPUNIT_ASSERT(reader.oversizedSize() <= 1024 + 16);
		CPPUNIT_ASSERT(reader.skipOversized());
		CPPUNIT_ASSERT_EQUAL(std::size_t(5000), reader.oversizedSize());
		CPPUNIT_ASSERT_EQUAL(std::string(SseEventReader::ENDS_KEPT, 'x'), reader.oversizedTail());
		CPPUNIT_ASSERT_EQUAL(std::string("3"), reader.lastEventId());
		CPPUNIT_ASSERT_EQUAL(SseEventReader::EVENT, reader.next(event));
		CPPUNIT_ASSERT_EQUAL(std::string("after"), event.data);
	}

	void testOversizedEvent()
	{
		// No line is too long, but together they are.
		std::string line(300, 'y');
		std::string stream;
		for (int i = 0; i < 10; ++i) stream += "data: " + line + "\r\n";
		stream += "\r\ndata: after\r\n\r\n";
		std::istringstream in(stream);
		SseEventReader reader(in, 1024);
		SseEventReader::Event event;
		CPPUNIT_ASSERT_EQUAL(SseEventReader::TOO_LARGE, reader.next(event));
		CPPUNIT_ASSERT(reader.oversizedSize() > 1024);
		CPPUNIT_ASSERT(reader.oversizedSize() <= 1024 + 301);
		CPPUNIT_ASSERT(reader.skipOversized());
		CPPUNIT_ASSERT_EQUAL(std::size_t(10 * 300 + 9), reader.oversizedSize());
		CPPUNIT_ASSERT_EQUAL(SseEventReader::EVENT, reader.next(event));
		CPPUNIT_ASSERT_EQUAL(std::string("after"), event.data);
	}

	void testOversizedAnswerTellsItsId()
	{
		// The id at the end (as the TypeScript SDK writes it) is found once
		// the event has been skipped.
		std::string answer = R"({"result":{"content":[{"type":"text","text":")" + std::string(100000, 'z') + R"("}]},"jsonrpc":"2.0","id":42})";
		std::istringstream in("event: message\ndata: " + answer + "\n\n");
		SseEventReader reader(in, 4096);
		SseEventReader::Event event;
		CPPUNIT_ASSERT_EQUAL(SseEventReader::TOO_LARGE, reader.next(event));
		CPPUNIT_ASSERT_EQUAL(std::string(), Nash::McpMessageText::responseId(reader.oversizedHead(), std::string()));
		CPPUNIT_ASSERT(reader.skipOversized());
		CPPUNIT_ASSERT_EQUAL(answer.size(), reader.oversizedSize());
		CPPUNIT_ASSERT_EQUAL(std::string("42"), Nash::McpMessageText::responseId(reader.oversizedHead(), reader.oversizedTail()));
		CPPUNIT_ASSERT_EQUAL(SseEventReader::END, reader.next(event));
	}

	void testStreamEndsMidEvent()
	{
		std::istringstream in("data: whole\n\ndata: half");
		SseEventReader reader(in, 1024);
		SseEventReader::Event event;
		CPPUNIT_ASSERT_EQUAL(SseEventReader::EVENT, reader.next(event));
		CPPUNIT_ASSERT_EQUAL(std::string("whole"), event.data);
		CPPUNIT_ASSERT_EQUAL(SseEventReader::END, reader.next(event));
		CPPUNIT_ASSERT(event.data.empty());
	}

	void testStreamEndsInOversizedEvent()
	{
		std::istringstream in("data: " + std::string(3000, 'w'));
		SseEventReader reader(in, 1024);
		SseEventReader::Event event;
		CPPUNIT_ASSERT_EQUAL(SseEventReader::TOO_LARGE, reader.next(event));
		CPPUNIT_ASSERT(!reader.skipOversized());
		CPPUNIT_ASSERT_EQUAL(SseEventReader::END, reader.next(event));
	}
};


CPPUNIT_TEST_SUITE_REGISTRATION(SseEventReaderTest);
