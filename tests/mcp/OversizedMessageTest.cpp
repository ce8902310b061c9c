//
// OversizedMessageTest.cpp
//
// Telling the request id of a dropped answer from its first and last bytes.
//


#include "OversizedMessage.h"
#include "Poco/JSON/Object.h"
#include <cppunit/extensions/HelperMacros.h>


using Nash::McpMessageText;
using Nash::OversizedMessage;


class OversizedMessageTest: public CppUnit::TestFixture
{
	CPPUNIT_TEST_SUITE(OversizedMessageTest);
	CPPUNIT_TEST(testIdAtTheStart);
	CPPUNIT_TEST(testIdAtTheEnd);
	CPPUNIT_TEST(testNoIdWhenUnsure);
	CPPUNIT_TEST(testErrorResponseAfterStreaming);
	CPPUNIT_TEST(testIdValue);
	CPPUNIT_TEST(testParseDepth);
	CPPUNIT_TEST_SUITE_END();

public:
	void testIdAtTheStart()
	{
		CPPUNIT_ASSERT_EQUAL(std::string("7"), McpMessageText::responseId(R"({"jsonrpc":"2.0","id":7,"result":{"content":[)", ""));
		CPPUNIT_ASSERT_EQUAL(std::string("7"), McpMessageText::responseId(R"({"id": 7, "jsonrpc": "2.0", "result": {"x)", ""));
		CPPUNIT_ASSERT_EQUAL(std::string("\"a-1\""), McpMessageText::responseId(R"({"jsonrpc":"2.0","id":"a-1","error":{"code")", ""));
	}

	void testIdAtTheEnd()
	{
		CPPUNIT_ASSERT_EQUAL(std::string("12"), McpMessageText::responseId("", R"(xxxx"}]},"jsonrpc":"2.0","id":12})"));
		CPPUNIT_ASSERT_EQUAL(std::string("12"), McpMessageText::responseId("", "xxxx\"}]}, \"id\": 12, \"jsonrpc\": \"2.0\"}\r"));
	}

	void testNoIdWhenUnsure()
	{
		// A request of the server, a nested id, a truncated end.
		CPPUNIT_ASSERT_EQUAL(std::string(), McpMessageText::responseId(R"({"jsonrpc":"2.0","id":3,"method":"sampling/createMessage")", ""));
		CPPUNIT_ASSERT_EQUAL(std::string(), McpMessageText::responseId("", R"(,"item":{"jsonrpc":"2.0","id":4}})"));
		CPPUNIT_ASSERT_EQUAL(std::string(), McpMessageText::responseId("", R"(,"jsonrpc":"2.0","id":4)"));
		CPPUNIT_ASSERT_EQUAL(std::string(), McpMessageText::responseId(R"({"result":{"text":"aaaa)", R"(aaaa"}})"));
	}

	void testIdValue()
	{
		CPPUNIT_ASSERT(McpMessageText::idValue("12") == Poco::Int64(12));
		CPPUNIT_ASSERT(McpMessageText::idValue("-3") == Poco::Int64(-3));
		CPPUNIT_ASSERT_EQUAL(std::string("a-1"), McpMessageText::idValue("\"a-1\"").extract<std::string>());
		CPPUNIT_ASSERT(McpMessageText::idValue("").isEmpty());
		CPPUNIT_ASSERT(McpMessageText::idValue("1-2").isEmpty());
	}

	void testParseDepth()
	{
		// A result 1000 levels deep in its message parses; one level more
		// than the limit does not, and the problem says why.
		auto nested = [](std::size_t levels)
		{
			return R"({"jsonrpc":"2.0","id":1,"result":)" + std::string(levels, '[') + std::string(levels, ']') + "}";
		};
		CPPUNIT_ASSERT(McpMessageText::parse(nested(McpMessageText::MAX_DEPTH)).type() == typeid(Poco::JSON::Object::Ptr));
		std::string deep = nested(McpMessageText::MAX_DEPTH + 2);
		CPPUNIT_ASSERT_THROW(McpMessageText::parse(deep), Poco::Exception);
		CPPUNIT_ASSERT(McpMessageText::problemOf(deep).find("nested deeper") != std::string::npos);
		CPPUNIT_ASSERT_EQUAL(std::string("was not valid JSON"), McpMessageText::problemOf("{\"a\":"));
		CPPUNIT_ASSERT_EQUAL(std::string("1"), McpMessageText::responseId(deep));
	}

	void testErrorResponseAfterStreaming()
	{
		OversizedMessage message;
		message.begin(R"({"result":{"text":")" + std::string(1000, 'a'));
		std::string middle(100000, 'b');
		message.append(middle.data(), middle.size());
		std::string end = R"("},"jsonrpc":"2.0","id":5})";
		message.append(end.data(), end.size());
		CPPUNIT_ASSERT_EQUAL(std::size_t(19 + 1000 + 100000 + end.size()), message.size());
		std::string response = message.errorResponse("demo", 1024);
		CPPUNIT_ASSERT(response.find(R"("id":5,"error":{"code":-32603)") != std::string::npos);
		CPPUNIT_ASSERT(response.find("max_message_size (1024)") != std::string::npos);
	}
};


CPPUNIT_TEST_SUITE_REGISTRATION(OversizedMessageTest);
