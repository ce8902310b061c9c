//
// AppChatHandlerTest.cpp
//
// The static decisions of the app dialect's chat handler.
//


#include "core/api/app/AppChatHandler.h"
#include <cppunit/extensions/HelperMacros.h>


class AppChatHandlerTest: public CppUnit::TestFixture
{
	CPPUNIT_TEST_SUITE(AppChatHandlerTest);
	CPPUNIT_TEST(testPluginByProvider);
	CPPUNIT_TEST(testPluginByModel);
	CPPUNIT_TEST(testUnknownProvider);
	CPPUNIT_TEST(testForwardedHeaders);
	CPPUNIT_TEST(testRefusedHeaders);
	CPPUNIT_TEST(testRefusedNamesAndValues);
	CPPUNIT_TEST_SUITE_END();

public:
	void testPluginByProvider()
	{
		CPPUNIT_ASSERT_EQUAL(std::string("anthropic"), Nash::AppChatHandler::pluginFor("anthropic", "claude-3-7-sonnet-latest"));
		CPPUNIT_ASSERT_EQUAL(std::string("openai"), Nash::AppChatHandler::pluginFor("openai", "gpt-4o"));
		// The provider wins over the model's name.
		CPPUNIT_ASSERT_EQUAL(std::string("anthropic"), Nash::AppChatHandler::pluginFor("anthropic", "gpt-4o"));
		CPPUNIT_ASSERT_EQUAL(std::string("openai"), Nash::AppChatHandler::pluginFor("openai", "claude-3-5-haiku-latest"));
		CPPUNIT_ASSERT_EQUAL(std::string("anthropic"), Nash::AppChatHandler::pluginFor(" Anthropic ", "x"));
		CPPUNIT_ASSERT_EQUAL(std::string("openai"), Nash::AppChatHandler::pluginFor("OpenAI", "x"));
	}

	void testPluginByModel()
	{
		CPPUNIT_ASSERT_EQUAL(std::string("anthropic"), Nash::AppChatHandler::pluginFor("", "claude-3-7-sonnet-latest"));
		CPPUNIT_ASSERT_EQUAL(std::string("anthropic"), Nash::AppChatHandler::pluginFor("", "claude-3-5-haiku-latest"));
		CPPUNIT_ASSERT_EQUAL(std::string("openai"), Nash::AppChatHandler::pluginFor("", "gpt-4o"));
		CPPUNIT_ASSERT_EQUAL(std::string("openai"), Nash::AppChatHandler::pluginFor("", "GPT-4o-mini"));
		CPPUNIT_ASSERT_EQUAL(std::string("openai"), Nash::AppChatHandler::pluginFor("", "o3-mini"));
		CPPUNIT_ASSERT_EQUAL(std::string("openai"), Nash::AppChatHandler::pluginFor("  ", "gpt-4o"));
	}

	void testUnknownProvider()
	{
		CPPUNIT_ASSERT_EQUAL(std::string(), Nash::AppChatHandler::pluginFor("gemini", "gemini-2.0-flash"));
		CPPUNIT_ASSERT_EQUAL(std::string(), Nash::AppChatHandler::pluginFor("mistral", "claude-3-7-sonnet-latest"));
		CPPUNIT_ASSERT_EQUAL(std::string(), Nash::AppChatHandler::pluginFor("anthropic-ish", "claude"));
	}

	void testForwardedHeaders()
	{
		CPPUNIT_ASSERT(Nash::AppChatHandler::forwardedHeader("helicone-auth", "Bearer sk-helicone-123"));
		CPPUNIT_ASSERT(Nash::AppChatHandler::forwardedHeader("Helicone-Cache-Enabled", "true"));
		CPPUNIT_ASSERT(Nash::AppChatHandler::forwardedHeader("anthropic-beta", "prompt-caching-2024-07-31"));
		CPPUNIT_ASSERT(Nash::AppChatHandler::forwardedHeader("x-custom_header", ""));
	}

	void testRefusedHeaders()
	{
		for (const char* name: {"x-api-key", "X-Api-Key", "Authorization", "authorization", "Host", "host", "proxy-authorization",
			"Proxy-Authenticate", "cookie", "Cookie", "content-length", "Content-Type", "transfer-encoding", "connection", "anthropic-version",
			"te", "upgrade", "keep-alive"})
		{
			CPPUNIT_ASSERT_MESSAGE(name, !Nash::AppChatHandler::forwardedHeader(name, "value"));
		}
	}

	void testRefusedNamesAndValues()
	{
		CPPUNIT_ASSERT(!Nash::AppChatHandler::forwardedHeader("helicone.auth", "x"));
		CPPUNIT_ASSERT(!Nash::AppChatHandler::forwardedHeader("", "x"));
		CPPUNIT_ASSERT(!Nash::AppChatHandler::forwardedHeader("has space", "x"));
		CPPUNIT_ASSERT(!Nash::AppChatHandler::forwardedHeader("colon:", "x"));
		CPPUNIT_ASSERT(!Nash::AppChatHandler::forwardedHeader("new\nline", "x"));
		CPPUNIT_ASSERT(!Nash::AppChatHandler::forwardedHeader("x-\xC3\xA9", "x"));
		CPPUNIT_ASSERT(!Nash::AppChatHandler::forwardedHeader("helicone-auth", "Bearer x\r\nHost: evil"));
		CPPUNIT_ASSERT(!Nash::AppChatHandler::forwardedHeader("helicone-auth", "a\nb"));
		CPPUNIT_ASSERT(!Nash::AppChatHandler::forwardedHeader("helicone-auth", "a\rb"));
	}
};


CPPUNIT_TEST_SUITE_REGISTRATION(AppChatHandlerTest);
