//
// ConversationLimitsTest.cpp
//


#include "core/chat/ConversationLimits.h"
#include <cppunit/extensions/HelperMacros.h>


namespace {


std::vector<Nash::ChatMessage> conversation(std::size_t count, std::size_t charactersEach)
{
	std::vector<Nash::ChatMessage> messages(count);
	for (auto& m: messages)
	{
		m.role = "user";
		m.content = std::string(charactersEach, 'x');
	}
	return messages;
}


} // namespace


class ConversationLimitsTest: public CppUnit::TestFixture
{
	CPPUNIT_TEST_SUITE(ConversationLimitsTest);
	CPPUNIT_TEST(testBoundaries);
	CPPUNIT_TEST(testWarningEventIsExact);
	CPPUNIT_TEST_SUITE_END();

public:
	void testBoundaries()
	{
		Nash::ConversationLimits limits(20, 50000);
		CPPUNIT_ASSERT(!limits.exceededBy(conversation(20, 10)));
		CPPUNIT_ASSERT(limits.exceededBy(conversation(21, 10)));
		CPPUNIT_ASSERT(!limits.exceededBy(conversation(1, 200003)));
		CPPUNIT_ASSERT(limits.exceededBy(conversation(1, 200004)));
	}

	void testWarningEventIsExact()
	{
		Nash::ConversationLimits limits(20, 50000);
		std::string expected =
			"{\"warning\": {\"warning\": \"Conversation length exceeds recommended limits\", \"suggestions\": ["
			"\"Summarize the conversation so far and start fresh\", \"Keep only the most recent and relevant messages\", "
			"\"Clear the conversation while preserving the system message\"], \"details\": {\"message_count\": 21, "
			"\"estimated_tokens\": 42, \"limits\": {\"max_messages\": 20, \"max_tokens\": 50000}}}}";
		CPPUNIT_ASSERT_EQUAL(expected, limits.warningEvent(conversation(21, 8)));
	}
};


CPPUNIT_TEST_SUITE_REGISTRATION(ConversationLimitsTest);
