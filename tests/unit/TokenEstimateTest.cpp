//
// TokenEstimateTest.cpp
//


#include "core/chat/TokenEstimate.h"
#include <cppunit/extensions/HelperMacros.h>


namespace {


Nash::ChatMessage message(const std::string& content)
{
	Nash::ChatMessage m;
	m.role = "user";
	m.content = content;
	return m;
}


} // namespace


class TokenEstimateTest: public CppUnit::TestFixture
{
	CPPUNIT_TEST_SUITE(TokenEstimateTest);
	CPPUNIT_TEST(testCountsUnicodeCharactersNotBytes);
	CPPUNIT_TEST(testFloorsEachMessageThenSums);
	CPPUNIT_TEST(testEmpty);
	CPPUNIT_TEST_SUITE_END();

public:
	void testCountsUnicodeCharactersNotBytes()
	{
		CPPUNIT_ASSERT_EQUAL(std::size_t(5), Nash::TokenEstimate::characters("hello"));
		// "héllo" is 6 bytes, 5 characters; the emoji is 4 bytes, 1 character.
		CPPUNIT_ASSERT_EQUAL(std::size_t(5), Nash::TokenEstimate::characters("h\xC3\xA9llo"));
		CPPUNIT_ASSERT_EQUAL(std::size_t(1), Nash::TokenEstimate::characters("\xF0\x9F\x98\x80"));
		std::vector<Nash::ChatMessage> messages{message("\xE6\x97\xA5\xE6\x9C\xAC\xE8\xAA\x9E\xE6\x96\x87")};
		CPPUNIT_ASSERT_EQUAL(1LL, Nash::TokenEstimate::of(messages));
	}

	void testFloorsEachMessageThenSums()
	{
		// 7 / 4 = 1 and 7 / 4 = 1: two, where flooring the sum would give three.
		std::vector<Nash::ChatMessage> messages{message("1234567"), message("abcdefg")};
		CPPUNIT_ASSERT_EQUAL(2LL, Nash::TokenEstimate::of(messages));
		messages.push_back(message(std::string(400, 'x')));
		CPPUNIT_ASSERT_EQUAL(102LL, Nash::TokenEstimate::of(messages));
	}

	void testEmpty()
	{
		CPPUNIT_ASSERT_EQUAL(0LL, Nash::TokenEstimate::of({}));
		CPPUNIT_ASSERT_EQUAL(0LL, Nash::TokenEstimate::of({message("abc")}));
	}
};


CPPUNIT_TEST_SUITE_REGISTRATION(TokenEstimateTest);
