//
// OpenAiChunkScannerTest.cpp
//


#include "OpenAiChunkScanner.h"
#include "Poco/Exception.h"
#include <cppunit/extensions/HelperMacros.h>


class OpenAiChunkScannerTest: public CppUnit::TestFixture
{
	CPPUNIT_TEST_SUITE(OpenAiChunkScannerTest);
	CPPUNIT_TEST(testContentChunk);
	CPPUNIT_TEST(testRoleAndFinishChunks);
	CPPUNIT_TEST(testChunksThatNeedTheFullParse);
	CPPUNIT_TEST(testContentElsewhereIsIgnored);
	CPPUNIT_TEST(testNotJson);
	CPPUNIT_TEST_SUITE_END();

public:
	void testContentChunk()
	{
		Nash::OpenAiChunkScanner scanner;
		CPPUNIT_ASSERT(scanner.scan("{\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"m\","
			"\"choices\":[{\"index\":0,\"delta\":{\"content\":\" h\\u00e9 \\\"q\\\"\\n\"},\"logprobs\":null,\"finish_reason\":null}]}"));
		CPPUNIT_ASSERT_EQUAL(std::string(" h\xC3\xA9 \"q\"\n"), scanner.content());
		CPPUNIT_ASSERT(scanner.finishReason().empty());
		// The scanner is reused from chunk to chunk: nothing carries over.
		CPPUNIT_ASSERT(scanner.scan("{\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}]}"));
		CPPUNIT_ASSERT(scanner.content().empty());
		CPPUNIT_ASSERT_EQUAL(std::string("stop"), scanner.finishReason());
	}

	void testRoleAndFinishChunks()
	{
		Nash::OpenAiChunkScanner scanner;
		CPPUNIT_ASSERT(scanner.scan("{\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"\"},\"finish_reason\":null}]}"));
		CPPUNIT_ASSERT(scanner.content().empty());
		CPPUNIT_ASSERT(scanner.scan("{\"choices\":[],\"usage\":null}"));
	}

	void testChunksThatNeedTheFullParse()
	{
		Nash::OpenAiChunkScanner scanner;
		CPPUNIT_ASSERT(!scanner.scan("{\"choices\":[{\"index\":0,\"delta\":{\"tool_calls\":[{\"index\":0,\"function\":{\"arguments\":\"{\"}}]}}]}"));
		CPPUNIT_ASSERT(!scanner.scan("{\"choices\":[],\"usage\":{\"prompt_tokens\":3,\"completion_tokens\":5}}"));
		CPPUNIT_ASSERT(!scanner.scan("{\"error\":{\"message\":\"overloaded\"}}"));
		CPPUNIT_ASSERT(!scanner.scan("{\"error\":\"overloaded\"}"));
		CPPUNIT_ASSERT(!scanner.scan("{\"choices\":[{\"delta\":{\"content\":\"a\"}},{\"delta\":{\"content\":\"b\"}}]}"));
	}

	void testContentElsewhereIsIgnored()
	{
		Nash::OpenAiChunkScanner scanner;
		CPPUNIT_ASSERT(scanner.scan("{\"content\":\"top\",\"choices\":[{\"message\":{\"content\":\"not a delta\"},\"delta\":{\"content\":\"yes\"}}]}"));
		CPPUNIT_ASSERT_EQUAL(std::string("yes"), scanner.content());
	}

	void testNotJson()
	{
		Nash::OpenAiChunkScanner scanner;
		CPPUNIT_ASSERT_THROW(scanner.scan("{\"choices\": ["), Poco::Exception);
		CPPUNIT_ASSERT_THROW(scanner.scan("[1, 2]"), Poco::Exception);
		CPPUNIT_ASSERT_THROW(scanner.scan("plain text"), Poco::Exception);
		CPPUNIT_ASSERT(scanner.scan("{\"choices\":[{\"delta\":{\"content\":\"after\"}}]}"));
		CPPUNIT_ASSERT_EQUAL(std::string("after"), scanner.content());
	}
};


CPPUNIT_TEST_SUITE_REGISTRATION(OpenAiChunkScannerTest);
