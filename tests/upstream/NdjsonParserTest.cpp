//
// NdjsonParserTest.cpp
//


#include "NashUpstream/NdjsonParser.h"
#include "Poco/Exception.h"
#include <cppunit/extensions/HelperMacros.h>
#include <vector>


namespace {


std::vector<std::string> linesInPieces(const std::string& stream, std::size_t pieceSize, std::size_t maxLine = 1024 * 1024)
{
	std::vector<std::string> lines;
	NashUpstream::NdjsonParser parser([&](const std::string& line) { lines.push_back(line); }, maxLine);
	for (std::size_t i = 0; i < stream.size(); i += pieceSize)
		parser.feed(stream.data() + i, std::min(pieceSize, stream.size() - i));
	parser.finish();
	return lines;
}


} // namespace


class NdjsonParserTest: public CppUnit::TestFixture
{
	CPPUNIT_TEST_SUITE(NdjsonParserTest);
	CPPUNIT_TEST(testLinesSplitAnywhere);
	CPPUNIT_TEST(testCrLfBlankLinesAndLastLine);
	CPPUNIT_TEST(testLongLineCap);
	CPPUNIT_TEST_SUITE_END();

public:
	void testLinesSplitAnywhere()
	{
		std::string stream = "{\"message\":{\"content\":\"h\xC3\xA9\"},\"done\":false}\n{\"done\":true}\n";
		for (std::size_t size = 1; size < 12; ++size)
		{
			auto lines = linesInPieces(stream, size);
			CPPUNIT_ASSERT_EQUAL(std::size_t(2), lines.size());
			CPPUNIT_ASSERT_EQUAL(std::string("{\"message\":{\"content\":\"h\xC3\xA9\"},\"done\":false}"), lines[0]);
			CPPUNIT_ASSERT_EQUAL(std::string("{\"done\":true}"), lines[1]);
		}
	}

	void testCrLfBlankLinesAndLastLine()
	{
		auto lines = linesInPieces("{\"a\":1}\r\n\r\n   \n{\"b\":2}", 3);
		CPPUNIT_ASSERT_EQUAL(std::size_t(2), lines.size());
		CPPUNIT_ASSERT_EQUAL(std::string("{\"a\":1}"), lines[0]);
		CPPUNIT_ASSERT_EQUAL(std::string("{\"b\":2}"), lines[1]);
	}

	void testLongLineCap()
	{
		std::string big = std::string(3000, 'x') + "\n";
		CPPUNIT_ASSERT_EQUAL(std::size_t(1), linesInPieces(big, 256, 4096).size());
		CPPUNIT_ASSERT_THROW(linesInPieces(big, 256, 2048), Poco::DataFormatException);
	}
};


CPPUNIT_TEST_SUITE_REGISTRATION(NdjsonParserTest);
