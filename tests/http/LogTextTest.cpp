//
// LogTextTest.cpp
//


#include "core/http/LogText.h"
#include <cppunit/extensions/HelperMacros.h>


using Nash::LogText;


class LogTextTest: public CppUnit::TestFixture
{
	CPPUNIT_TEST_SUITE(LogTextTest);
	CPPUNIT_TEST(testControlCharactersAreEscaped);
	CPPUNIT_TEST(testLongTextIsCut);
	CPPUNIT_TEST_SUITE_END();

public:
	void testControlCharactersAreEscaped()
	{
		CPPUNIT_ASSERT_EQUAL(std::string("/a\\x0d\\x0aFAKE 200"), LogText::escape("/a\r\nFAKE 200"));
		CPPUNIT_ASSERT_EQUAL(std::string("\\x1b[31m\\x7f\\x00"), LogText::escape(std::string("\x1b[31m\x7f\0", 7)));
		CPPUNIT_ASSERT_EQUAL(std::string("caf\xc3\xa9 \\ ok"), LogText::escape("caf\xc3\xa9 \\ ok"));
		CPPUNIT_ASSERT(LogText::isClean("plain text"));
		CPPUNIT_ASSERT(!LogText::isClean("tab\there"));
	}

	void testLongTextIsCut()
	{
		CPPUNIT_ASSERT_EQUAL(std::string("abc..."), LogText::escape("abcdef", 3));
	}
};


CPPUNIT_TEST_SUITE_REGISTRATION(LogTextTest);
