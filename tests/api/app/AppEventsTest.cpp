//
// AppEventsTest.cpp
//
// The app dialect's events, byte for byte against the examples of
// docs/app.md, "The events" (the exact output of the app's original server).
//


#include "core/api/app/AppEvents.h"
#include "core/json/JsonText.h"
#include "Poco/JSON/Array.h"
#include "Poco/JSON/Object.h"
#include "Poco/JSON/Parser.h"
#include <cppunit/extensions/HelperMacros.h>


using Nash::AppEvents;


class AppEventsTest: public CppUnit::TestFixture
{
	CPPUNIT_TEST_SUITE(AppEventsTest);
	CPPUNIT_TEST(testStreamContent);
	CPPUNIT_TEST(testStreamToolName);
	CPPUNIT_TEST(testStreamToolArgs);
	CPPUNIT_TEST(testStreamEmpty);
	CPPUNIT_TEST(testFinishReason);
	CPPUNIT_TEST(testSleepSeconds);
	CPPUNIT_TEST(testToolResult);
	CPPUNIT_TEST(testNewRawLlmMessages);
	CPPUNIT_TEST(testError);
	CPPUNIT_TEST(testDone);
	CPPUNIT_TEST(testNonAsciiEscaped);
	CPPUNIT_TEST(testEventsParseWithEightKeys);
	CPPUNIT_TEST_SUITE_END();

public:
	void testStreamContent()
	{
		CPPUNIT_ASSERT_EQUAL(std::string(
			"data: {\"content\": \"Why\", \"tool_name\": null, \"tool_args\": null, \"type\": \"stream\", \"tool_result\": null, \"new_raw_llm_messages\": [], \"finish_reason\": null, \"sleep_seconds\": 0}\n\n"),
			AppEvents::streamContent("Why"));
	}

	void testStreamToolName()
	{
		CPPUNIT_ASSERT_EQUAL(std::string(
			"data: {\"content\": null, \"tool_name\": \"add\", \"tool_args\": null, \"type\": \"stream\", \"tool_result\": null, \"new_raw_llm_messages\": [], \"finish_reason\": null, \"sleep_seconds\": 0}\n\n"),
			AppEvents::streamToolName("add"));
	}

	void testStreamToolArgs()
	{
		CPPUNIT_ASSERT_EQUAL(std::string(
			"data: {\"content\": null, \"tool_name\": null, \"tool_args\": \"{\\\"a\\\": 2\", \"type\": \"stream\", \"tool_result\": null, \"new_raw_llm_messages\": [], \"finish_reason\": null, \"sleep_seconds\": 0}\n\n"),
			AppEvents::streamToolArgs("{\"a\": 2"));
	}

	void testStreamEmpty()
	{
		CPPUNIT_ASSERT_EQUAL(std::string(
			"data: {\"content\": null, \"tool_name\": null, \"tool_args\": null, \"type\": \"stream\", \"tool_result\": null, \"new_raw_llm_messages\": [], \"finish_reason\": null, \"sleep_seconds\": 0}\n\n"),
			AppEvents::streamEmpty());
	}

	void testFinishReason()
	{
		CPPUNIT_ASSERT_EQUAL(std::string(
			"data: {\"type\": \"finish_reason\", \"content\": null, \"tool_name\": null, \"tool_args\": null, \"tool_result\": null, \"new_raw_llm_messages\": null, \"finish_reason\": \"tool_calls\", \"sleep_seconds\": null}\n\n"),
			AppEvents::finishReason("tool_calls"));
	}

	void testSleepSeconds()
	{
		CPPUNIT_ASSERT_EQUAL(std::string(
			"data: {\"type\": \"sleep_seconds\", \"content\": null, \"tool_name\": null, \"tool_args\": null, \"tool_result\": null, \"new_raw_llm_messages\": null, \"finish_reason\": null, \"sleep_seconds\": 1.83}\n\n"),
			AppEvents::sleepSeconds(1.83));
		// A whole number of seconds is still a Python float.
		CPPUNIT_ASSERT(AppEvents::sleepSeconds(2.0).find("\"sleep_seconds\": 2.0}\n\n") != std::string::npos);
	}

	void testToolResult()
	{
		CPPUNIT_ASSERT_EQUAL(std::string(
			"data: {\"type\": \"tool_result\", \"content\": null, \"tool_name\": null, \"tool_args\": null, \"tool_result\": \"42\", \"new_raw_llm_messages\": [], \"finish_reason\": null, \"sleep_seconds\": null}\n\n"),
			AppEvents::toolResult("42"));
	}

	void testNewRawLlmMessages()
	{
		Poco::JSON::Object::Ptr message = Nash::JsonText::object();
		message->set("content", std::string("The sum is 42."));
		message->set("role", std::string("assistant"));
		Poco::JSON::Array::Ptr messages = new Poco::JSON::Array;
		messages->add(message);
		CPPUNIT_ASSERT_EQUAL(std::string(
			"data: {\"type\": \"new_raw_llm_messages\", \"content\": null, \"tool_name\": null, \"tool_args\": null, \"tool_result\": null, \"new_raw_llm_messages\": [{\"content\": \"The sum is 42.\", \"role\": \"assistant\"}], \"finish_reason\": null, \"sleep_seconds\": null}\n\n"),
			AppEvents::newRawLlmMessages(messages));

		// The messages' own key order is kept (role first here).
		Poco::JSON::Object::Ptr reversed = Nash::JsonText::object();
		reversed->set("role", std::string("user"));
		reversed->set("content", std::string("hi"));
		Poco::JSON::Array::Ptr other = new Poco::JSON::Array;
		other->add(reversed);
		CPPUNIT_ASSERT(AppEvents::newRawLlmMessages(other).find("\"new_raw_llm_messages\": [{\"role\": \"user\", \"content\": \"hi\"}]") != std::string::npos);

		// A null list is written as [], never null.
		CPPUNIT_ASSERT(AppEvents::newRawLlmMessages(Poco::JSON::Array::Ptr()).find("\"new_raw_llm_messages\": [], ") != std::string::npos);
	}

	void testError()
	{
		CPPUNIT_ASSERT_EQUAL(std::string("data: {\"error\": \"RateLimitError: litellm.RateLimitError: AnthropicException - {...}\"}\n\n"),
			AppEvents::error("RateLimitError: litellm.RateLimitError: AnthropicException - {...}"));
		// The provider's JSON in the message is escaped as a string.
		CPPUNIT_ASSERT_EQUAL(std::string("data: {\"error\": \"AuthenticationError: {\\\"type\\\":\\\"error\\\"}\"}\n\n"),
			AppEvents::error("AuthenticationError: {\"type\":\"error\"}"));
	}

	void testDone()
	{
		CPPUNIT_ASSERT_EQUAL(std::string("data: [DONE]\n\n"), AppEvents::done());
	}

	void testNonAsciiEscaped()
	{
		// No byte above 0x7F: the app decodes each network read on its own.
		CPPUNIT_ASSERT_EQUAL(std::string(
			"data: {\"content\": \"Caf\\u00e9 \\ud83d\\ude00\\n\", \"tool_name\": null, \"tool_args\": null, \"type\": \"stream\", \"tool_result\": null, \"new_raw_llm_messages\": [], \"finish_reason\": null, \"sleep_seconds\": 0}\n\n"),
			AppEvents::streamContent("Caf\xC3\xA9 \xF0\x9F\x98\x80\n"));
		CPPUNIT_ASSERT(AppEvents::toolResult("\xE6\x97\xA5\xE6\x9C\xAC").find("\"tool_result\": \"\\u65e5\\u672c\"") != std::string::npos);
		CPPUNIT_ASSERT_EQUAL(std::string("data: {\"error\": \"Timeout: d\\u00e9lai\"}\n\n"), AppEvents::error("Timeout: d\xC3\xA9lai"));
		Poco::JSON::Object::Ptr message = Nash::JsonText::object();
		message->set("content", std::string("\xC3\xA9t\xC3\xA9"));
		Poco::JSON::Array::Ptr messages = new Poco::JSON::Array;
		messages->add(message);
		CPPUNIT_ASSERT(AppEvents::newRawLlmMessages(messages).find("[{\"content\": \"\\u00e9t\\u00e9\"}]") != std::string::npos);
	}

	void testEventsParseWithEightKeys()
	{
		// Each event is one line of valid JSON with the eight keys.
		Poco::JSON::Array::Ptr messages = new Poco::JSON::Array;
		messages->add(Nash::JsonText::object());
		for (const std::string& event: {AppEvents::streamContent("x\ny"), AppEvents::streamToolName("t"),
			AppEvents::streamToolArgs("{"), AppEvents::streamEmpty(), AppEvents::finishReason("stop"),
			AppEvents::sleepSeconds(0.5), AppEvents::toolResult("r"), AppEvents::newRawLlmMessages(messages)})
		{
			CPPUNIT_ASSERT_EQUAL(std::string("data: "), event.substr(0, 6));
			CPPUNIT_ASSERT_EQUAL(std::string("\n\n"), event.substr(event.size() - 2));
			std::string json = event.substr(6, event.size() - 8);
			CPPUNIT_ASSERT(json.find('\n') == std::string::npos);
			Poco::JSON::Parser parser;
			Poco::JSON::Object::Ptr object = parser.parse(json).extract<Poco::JSON::Object::Ptr>();
			CPPUNIT_ASSERT_EQUAL(std::size_t(8), object->size());
			for (const char* key: {"type", "content", "tool_name", "tool_args", "tool_result", "new_raw_llm_messages", "finish_reason", "sleep_seconds"})
				CPPUNIT_ASSERT(object->has(key));
		}
	}
};


CPPUNIT_TEST_SUITE_REGISTRATION(AppEventsTest);
