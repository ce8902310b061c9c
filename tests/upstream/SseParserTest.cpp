//
// SseParserTest.cpp
//


#include "NashUpstream/SseParser.h"
#include "Poco/Exception.h"
#include <cppunit/extensions/HelperMacros.h>
#include <vector>


using NashUpstream::SseEvent;
using NashUpstream::SseParser;


namespace {


std::vector<SseEvent> parseInPieces(const std::string& stream, std::size_t pieceSize, std::size_t maxLine = 1024 * 1024)
{
	std::vector<SseEvent> events;
	SseParser parser([&](const SseEvent& event) { events.push_back(event); }, maxLine);
	for (std::size_t i = 0; i < stream.size(); i += pieceSize)
		parser.feed(stream.data() + i, std::min(pieceSize, stream.size() - i));
	parser.finish();
	return events;
}


} // namespace


class SseParserTest: public CppUnit::TestFixture
{
	CPPUNIT_TEST_SUITE(SseParserTest);
	CPPUNIT_TEST(testLineEndings);
	CPPUNIT_TEST(testMultiLineDataCommentsAndNames);
	CPPUNIT_TEST(testSplitAnywhereGivesTheSameEvents);
	CPPUNIT_TEST(testUtf8SplitAcrossReads);
	CPPUNIT_TEST(testUnterminatedEventIsDropped);
	CPPUNIT_TEST(testRetryAndEmptyDataEvents);
	CPPUNIT_TEST(testLongLineCap);
	CPPUNIT_TEST_SUITE_END();

public:
	void testLineEndings()
	{
		for (const std::string& eol: {std::string("\n"), std::string("\r\n"), std::string("\r")})
		{
			auto events = parseInPieces("data: one" + eol + eol + "data: two" + eol + eol, 1000);
			CPPUNIT_ASSERT_EQUAL(std::size_t(2), events.size());
			CPPUNIT_ASSERT_EQUAL(std::string("one"), events[0].data);
			CPPUNIT_ASSERT_EQUAL(std::string("two"), events[1].data);
		}
	}

	void testMultiLineDataCommentsAndNames()
	{
		auto events = parseInPieces(
			": keep-alive comment\n"
			"event: content_block_delta\n"
			"data: {\"a\":\n"
			"data:1}\n"
			"id: 7\n"
			"\n"
			"data: [DONE]\n\n", 1000);
		CPPUNIT_ASSERT_EQUAL(std::size_t(2), events.size());
		CPPUNIT_ASSERT_EQUAL(std::string("content_block_delta"), events[0].name);
		CPPUNIT_ASSERT_EQUAL(std::string("{\"a\":\n1}"), events[0].data);
		CPPUNIT_ASSERT_EQUAL(std::string("7"), events[0].id);
		CPPUNIT_ASSERT_EQUAL(std::string(""), events[1].name);
		CPPUNIT_ASSERT_EQUAL(std::string("[DONE]"), events[1].data);
	}

	void testSplitAnywhereGivesTheSameEvents()
	{
		std::string stream = "event: a\r\ndata: first\r\n\r\n: c\r\ndata: second line\r\ndata: more\r\n\r\nevent: b\ndata: x\n\n";
		auto whole = parseInPieces(stream, stream.size());
		CPPUNIT_ASSERT_EQUAL(std::size_t(3), whole.size());
		for (std::size_t size = 1; size < 9; ++size)
		{
			auto pieces = parseInPieces(stream, size);
			CPPUNIT_ASSERT_EQUAL(whole.size(), pieces.size());
			for (std::size_t i = 0; i < whole.size(); ++i)
			{
				CPPUNIT_ASSERT_EQUAL(whole[i].name, pieces[i].name);
				CPPUNIT_ASSERT_EQUAL(whole[i].data, pieces[i].data);
			}
		}
	}

	void testUtf8SplitAcrossReads()
	{
		std::string text = "data: gr\xC3\xBC\xC3\x9F \xE6\x97\xA5\xE6\x9C\xAC \xF0\x9F\x98\x80\n\n";
		for (std::size_t size = 1; size < 5; ++size)
		{
			auto events = parseInPieces(text, size);
			CPPUNIT_ASSERT_EQUAL(std::size_t(1), events.size());
			CPPUNIT_ASSERT_EQUAL(std::string("gr\xC3\xBC\xC3\x9F \xE6\x97\xA5\xE6\x9C\xAC \xF0\x9F\x98\x80"), events[0].data);
		}
	}

	void testUnterminatedEventIsDropped()
	{
		auto events = parseInPieces("data: complete\n\ndata: cut off", 4);
		CPPUNIT_ASSERT_EQUAL(std::size_t(1), events.size());
	}

	void testRetryAndEmptyDataEvents()
	{
		std::vector<SseEvent> events;
		SseParser parser([&](const SseEvent& event) { events.push_back(event); });
		std::string stream = "retry: 3000\n\nevent: ping\n\ndata\n\n";
		parser.feed(stream.data(), stream.size());
		CPPUNIT_ASSERT_EQUAL(3000L, parser.retryMilliseconds());
		// An event without data is not dispatched; "data" alone is an empty data line.
		CPPUNIT_ASSERT_EQUAL(std::size_t(1), events.size());
		CPPUNIT_ASSERT_EQUAL(std::string(""), events[0].data);
		CPPUNIT_ASSERT_EQUAL(std::string(""), events[0].name);
	}

	void testLongLineCap()
	{
		std::string big = "data: " + std::string(5000, 'x') + "\n\n";
		auto events = parseInPieces(big, 100, 8192);
		CPPUNIT_ASSERT_EQUAL(std::size_t(5000), events.at(0).data.size());
		CPPUNIT_ASSERT_THROW(parseInPieces(big, 100, 1024), Poco::DataFormatException);
	}
};


CPPUNIT_TEST_SUITE_REGISTRATION(SseParserTest);
