//
// RequestRouterTest.cpp
//


#include "core/http/RequestRouter.h"
#include <cppunit/extensions/HelperMacros.h>


class RequestRouterTest: public CppUnit::TestFixture
{
	CPPUNIT_TEST_SUITE(RequestRouterTest);
	CPPUNIT_TEST(testExactPaths);
	CPPUNIT_TEST(testOneSegmentParameter);
	CPPUNIT_TEST(testStandardRoutes);
	CPPUNIT_TEST_SUITE_END();

public:
	void testExactPaths()
	{
		std::string parameter;
		CPPUNIT_ASSERT(Nash::RequestRouter::matches("/health", "/health", parameter));
		CPPUNIT_ASSERT(!Nash::RequestRouter::matches("/health", "/health/", parameter));
		CPPUNIT_ASSERT(!Nash::RequestRouter::matches("/health", "/healthz", parameter));
	}

	void testOneSegmentParameter()
	{
		std::string parameter;
		CPPUNIT_ASSERT(Nash::RequestRouter::matches("/v1/mcp/{}", "/v1/mcp/list_tools", parameter));
		CPPUNIT_ASSERT_EQUAL(std::string("list_tools"), parameter);
		CPPUNIT_ASSERT(!Nash::RequestRouter::matches("/v1/mcp/{}", "/v1/mcp/", parameter));
		CPPUNIT_ASSERT(!Nash::RequestRouter::matches("/v1/mcp/{}", "/v1/mcp/a/b", parameter));
		CPPUNIT_ASSERT(Nash::RequestRouter::matches("/v1/models/{...}", "/v1/models/openai/gpt-4o", parameter));
		CPPUNIT_ASSERT_EQUAL(std::string("openai/gpt-4o"), parameter);
		CPPUNIT_ASSERT(!Nash::RequestRouter::matches("/v1/models/{...}", "/v1/models/", parameter));
		CPPUNIT_ASSERT(!Nash::RequestRouter::matches("/v1/models/{...}", "/v1/models", parameter));
	}

	void testStandardRoutes()
	{
		bool stream = false, summarize = false, health = false;
		for (const auto& route: Nash::RequestRouter::standardRoutes())
		{
			stream = stream || (route.method == "POST" && route.pattern == "/v1/chat/completions/stream");
			summarize = summarize || (route.method == "POST" && route.pattern == "/v1/chat/summarize");
			health = health || (route.method == "GET" && route.pattern == "/health");
		}
		CPPUNIT_ASSERT(stream && summarize && health);
	}
};


CPPUNIT_TEST_SUITE_REGISTRATION(RequestRouterTest);
