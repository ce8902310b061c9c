//
// JsonTextTest.cpp
//


#include "core/json/JsonText.h"
#include "Poco/JSON/Parser.h"
#include <cppunit/extensions/HelperMacros.h>


class JsonTextTest: public CppUnit::TestFixture
{
	CPPUNIT_TEST_SUITE(JsonTextTest);
	CPPUNIT_TEST(testQuoteEscapes);
	CPPUNIT_TEST(testUtf8KeptAndInvalidBytesReplaced);
	CPPUNIT_TEST(testPythonLayoutAndOrder);
	CPPUNIT_TEST(testNumbers);
	CPPUNIT_TEST(testParseObject);
	CPPUNIT_TEST(testOutputParsesBack);
	CPPUNIT_TEST_SUITE_END();

public:
	void testQuoteEscapes()
	{
		CPPUNIT_ASSERT_EQUAL(std::string("\"a\\\"b\\\\c\\nd\\te\\r\\u0001\\u007f\""), Nash::JsonText::quote("a\"b\\c\nd\te\r\x01\x7f"));
		CPPUNIT_ASSERT_EQUAL(std::string("\"\""), Nash::JsonText::quote(""));
		CPPUNIT_ASSERT_EQUAL(std::string("\"a/b\""), Nash::JsonText::quote("a/b"));
	}

	void testUtf8KeptAndInvalidBytesReplaced()
	{
		CPPUNIT_ASSERT_EQUAL(std::string("\"h\xC3\xA9 \xF0\x9F\x98\x80\""), Nash::JsonText::quote("h\xC3\xA9 \xF0\x9F\x98\x80"));
		CPPUNIT_ASSERT_EQUAL(std::string("\"a\xEF\xBF\xBD" "b\""), Nash::JsonText::quote("a\xFF" "b"));
		// A sequence cut short (as when a stream splits a character) and an overlong form.
		CPPUNIT_ASSERT_EQUAL(std::string("\"\xEF\xBF\xBD\xEF\xBF\xBD\""), Nash::JsonText::quote("\xE6\x97"));
		CPPUNIT_ASSERT_EQUAL(std::string("\"\xEF\xBF\xBD\xEF\xBF\xBD\""), Nash::JsonText::quote("\xC0\xAF"));
		CPPUNIT_ASSERT_EQUAL(std::string("\"\\u2028\""), Nash::JsonText::quote("\xE2\x80\xA8"));
	}

	void testPythonLayoutAndOrder()
	{
		Poco::JSON::Object::Ptr object = Nash::JsonText::object();
		object->set("z", 1);
		object->set("a", std::string("x"));
		Poco::JSON::Array::Ptr list = new Poco::JSON::Array;
		list->add(true);
		list->add(Poco::Dynamic::Var());
		object->set("list", list);
		CPPUNIT_ASSERT_EQUAL(std::string("{\"z\": 1, \"a\": \"x\", \"list\": [true, null]}"), Nash::JsonText::write(object));
		CPPUNIT_ASSERT_EQUAL(std::string("{}"), Nash::JsonText::write(Nash::JsonText::object()));
	}

	void testNumbers()
	{
		CPPUNIT_ASSERT_EQUAL(std::string("0.7"), Nash::JsonText::write(0.7));
		CPPUNIT_ASSERT_EQUAL(std::string("1.0"), Nash::JsonText::write(1.0));
		CPPUNIT_ASSERT_EQUAL(std::string("-42"), Nash::JsonText::write(-42));
		CPPUNIT_ASSERT_EQUAL(std::string("18446744073709551615"), Nash::JsonText::write(Poco::UInt64(18446744073709551615ULL)));
	}

	void testParseObject()
	{
		Poco::JSON::Object::Ptr parsed = Nash::JsonText::parseObject("{\"b\": 1, \"a\": [1, 2]}");
		CPPUNIT_ASSERT_EQUAL(std::string("{\"b\": 1, \"a\": [1, 2]}"), Nash::JsonText::write(parsed));
		CPPUNIT_ASSERT_THROW(Nash::JsonText::parseObject("[1]"), Poco::InvalidArgumentException);
		CPPUNIT_ASSERT_THROW(Nash::JsonText::parseObject("{\"a\": "), Poco::Exception);
		CPPUNIT_ASSERT_THROW(Nash::JsonText::parseObject("not json"), Poco::Exception);
	}

	void testOutputParsesBack()
	{
		std::string tricky = "quote\" back\\ nl\n tab\t ctl\x02 utf8 \xC3\xA9 bad \xFF end";
		Poco::JSON::Object::Ptr object = Nash::JsonText::object();
		object->set("content", tricky);
		Poco::JSON::Parser parser;
		Poco::JSON::Object::Ptr back = parser.parse(Nash::JsonText::write(object)).extract<Poco::JSON::Object::Ptr>();
		std::string expected = tricky;
		expected.replace(expected.find("\xFF"), 1, "\xEF\xBF\xBD");
		CPPUNIT_ASSERT_EQUAL(expected, back->getValue<std::string>("content"));
	}
};


CPPUNIT_TEST_SUITE_REGISTRATION(JsonTextTest);
