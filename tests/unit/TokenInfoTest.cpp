//
// TokenInfoTest.cpp
//
// The context windows and the estimate of POST /v1/chat/token_info.
//


#include "core/api/app/TokenInfoHandler.h"
#include "core/json/JsonText.h"
#include <cppunit/extensions/HelperMacros.h>


namespace {


Nash::ChatMessage message(const std::string& role, const std::string& content)
{
	Nash::ChatMessage message;
	message.role = role;
	message.content = content;
	message.raw = Nash::JsonText::object();
	message.raw->set("role", role);
	message.raw->set("content", content);
	return message;
}


} // namespace


class TokenInfoTest: public CppUnit::TestFixture
{
	CPPUNIT_TEST_SUITE(TokenInfoTest);
	CPPUNIT_TEST(testContextWindows);
	CPPUNIT_TEST(testUnknownModel);
	CPPUNIT_TEST(testEstimateOfNothing);
	CPPUNIT_TEST(testEstimateGrowsWithMessages);
	CPPUNIT_TEST(testEstimateGrowsWithToolTokens);
	CPPUNIT_TEST(testEstimateCountsToolCalls);
	CPPUNIT_TEST_SUITE_END();

public:
	void testContextWindows()
	{
		CPPUNIT_ASSERT_EQUAL(200000LL, Nash::TokenInfoHandler::contextWindow("claude-3-7-sonnet-latest"));
		CPPUNIT_ASSERT_EQUAL(200000LL, Nash::TokenInfoHandler::contextWindow("claude-3-5-sonnet-latest"));
		CPPUNIT_ASSERT_EQUAL(200000LL, Nash::TokenInfoHandler::contextWindow("claude-3-5-haiku-latest"));
		CPPUNIT_ASSERT_EQUAL(200000LL, Nash::TokenInfoHandler::contextWindow("anthropic/claude-3-7-sonnet-latest"));
		CPPUNIT_ASSERT_EQUAL(200000LL, Nash::TokenInfoHandler::contextWindow("Claude-3-7-Sonnet-Latest"));
		CPPUNIT_ASSERT_EQUAL(128000LL, Nash::TokenInfoHandler::contextWindow("gpt-4o"));
		CPPUNIT_ASSERT_EQUAL(128000LL, Nash::TokenInfoHandler::contextWindow("gpt-4o-mini"));
	}

	void testUnknownModel()
	{
		CPPUNIT_ASSERT_EQUAL(0LL, Nash::TokenInfoHandler::contextWindow("llama3"));
		CPPUNIT_ASSERT_EQUAL(0LL, Nash::TokenInfoHandler::contextWindow(""));
		CPPUNIT_ASSERT_EQUAL(0LL, Nash::TokenInfoHandler::contextWindow("my-claude"));
	}

	void testEstimateOfNothing()
	{
		CPPUNIT_ASSERT_EQUAL(3LL, Nash::TokenInfoHandler::estimate({}, 0));
		CPPUNIT_ASSERT_EQUAL(6LL, Nash::TokenInfoHandler::estimate({message("user", "")}, 0));
	}

	void testEstimateGrowsWithMessages()
	{
		std::vector<Nash::ChatMessage> messages = {message("user", "Hello there, how are you?")};
		long long one = Nash::TokenInfoHandler::estimate(messages, 0);
		messages.push_back(message("assistant", "Fine, thank you. And you?"));
		long long two = Nash::TokenInfoHandler::estimate(messages, 0);
		messages.push_back(message("user", std::string(4000, 'x')));
		long long three = Nash::TokenInfoHandler::estimate(messages, 0);
		CPPUNIT_ASSERT(one > 3);
		CPPUNIT_ASSERT(two > one);
		CPPUNIT_ASSERT(three >= two + 1000);
		// A longer text counts more.
		CPPUNIT_ASSERT(Nash::TokenInfoHandler::estimate({message("user", std::string(400, 'a'))}, 0)
			> Nash::TokenInfoHandler::estimate({message("user", std::string(40, 'a'))}, 0));
	}

	void testEstimateGrowsWithToolTokens()
	{
		std::vector<Nash::ChatMessage> messages = {message("user", "Add 2 and 40.")};
		long long without = Nash::TokenInfoHandler::estimate(messages, 0);
		CPPUNIT_ASSERT_EQUAL(without + 250, Nash::TokenInfoHandler::estimate(messages, 250));
	}

	void testEstimateCountsToolCalls()
	{
		Nash::ChatMessage plain = message("assistant", "");
		Nash::ChatMessage withCall = message("assistant", "");
		withCall.raw = Nash::JsonText::parseObject(
			"{\"content\": \"\", \"role\": \"assistant\", \"tool_calls\": [{\"id\": \"t\", \"function\": {\"arguments\": \"" + std::string(400, 'a')
			+ "\", \"name\": \"add\"}, \"type\": \"function\", \"index\": 0}], \"function_call\": null}");
		CPPUNIT_ASSERT(Nash::TokenInfoHandler::estimate({withCall}, 0) >= Nash::TokenInfoHandler::estimate({plain}, 0) + 100);
	}
};


CPPUNIT_TEST_SUITE_REGISTRATION(TokenInfoTest);
