//
// JsonTreeCostTest.cpp
//
// The estimate of a Poco::JSON tree's size against the tree itself.
//


#include "core/json/JsonText.h"
#include "core/json/JsonTreeCost.h"
#include <cppunit/extensions/HelperMacros.h>
#if defined(__GLIBC__)
#include <malloc.h>
#endif


using Nash::JsonTreeCost;


namespace {


std::string arrayOf(const std::string& value, std::size_t count)
{
	std::string text = "{\"x\": [";
	for (std::size_t i = 0; i < count; ++i)
	{
		if (i) text += ", ";
		text += value;
	}
	return text + "]}";
}


} // namespace


class JsonTreeCostTest: public CppUnit::TestFixture
{
	CPPUNIT_TEST_SUITE(JsonTreeCostTest);
	CPPUNIT_TEST(testEstimateBoundsTheTree);
	CPPUNIT_TEST(testWhatCounts);
	CPPUNIT_TEST(testAnyBytes);
	CPPUNIT_TEST_SUITE_END();

public:
	void testEstimateBoundsTheTree()
	{
#if defined(__GLIBC__) && !defined(__SANITIZE_ADDRESS__) && !defined(__SANITIZE_THREAD__)
		// Each shape as Poco builds it: the estimate is at least the tree,
		// and not far above it.
		const std::vector<std::string> shapes = {
			arrayOf("{}", 20000), arrayOf("[]", 20000), arrayOf("0", 20000), arrayOf("\"\"", 20000),
			arrayOf("\"" + std::string(100, 'b') + "\"", 20000), arrayOf("{\"a\": 1, \"bb\": [true, null]}", 20000),
			arrayOf("{\"role\": \"user\", \"content\": \"hello there, how are you?\"}", 20000)};
		for (const auto& text: shapes)
		{
			std::size_t before = mallinfo2().uordblks;
			Poco::JSON::Object::Ptr tree = Nash::JsonText::parseObject(text);
			std::size_t after = mallinfo2().uordblks;
			std::size_t actual = after > before ? after - before : 0;
			std::size_t estimate = JsonTreeCost::estimate(text);
			std::string shape = text.substr(0, 40) + ": estimate " + std::to_string(estimate) + ", tree " + std::to_string(actual);
			CPPUNIT_ASSERT_MESSAGE(shape, estimate >= actual);
			CPPUNIT_ASSERT_MESSAGE(shape, estimate <= actual * 3 / 2);
		}
#endif
	}

	void testWhatCounts()
	{
		CPPUNIT_ASSERT_EQUAL(JsonTreeCost::OBJECT, JsonTreeCost::estimate("{}"));
		CPPUNIT_ASSERT_EQUAL(JsonTreeCost::OBJECT + JsonTreeCost::STRING + JsonTreeCost::MEMBER + JsonTreeCost::ARRAY, JsonTreeCost::estimate(" { \"\" : [ ] } "));
		// Brackets, colons and quotes inside strings are text.
		CPPUNIT_ASSERT_EQUAL(JsonTreeCost::ARRAY + JsonTreeCost::STRING + 7, JsonTreeCost::estimate("[\"{[:]}\\\"\"]"));
		// A number is one scalar whatever its length.
		CPPUNIT_ASSERT_EQUAL(JsonTreeCost::ARRAY + 3 * JsonTreeCost::SCALAR, JsonTreeCost::estimate("[-1.5e+300,true,null]"));
	}

	void testAnyBytes()
	{
		// Not JSON at all: the pass ends and counts what it saw.
		const std::vector<std::string> texts = {"", "\"", "\"\\", "[\"abc", "tttt", std::string(1, '\0'), "\\\\\\\"", "{{{{"};
		for (const auto& text: texts) CPPUNIT_ASSERT(JsonTreeCost::estimate(text) <= text.size() * JsonTreeCost::OBJECT + JsonTreeCost::STRING);
	}
};


CPPUNIT_TEST_SUITE_REGISTRATION(JsonTreeCostTest);
