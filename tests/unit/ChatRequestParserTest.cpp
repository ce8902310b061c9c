//
// ChatRequestParserTest.cpp
//


#include "core/api/nash/ChatRequestParser.h"
#include "core/http/HttpError.h"
#include "core/json/JsonText.h"
#include "core/chat/SystemPrompt.h"
#include <cppunit/extensions/HelperMacros.h>


namespace {


Nash::ChatInput parse(const std::string& json)
{
	return Nash::ChatRequestParser::parse(Nash::JsonText::parseObject(json));
}


std::string refusal(const std::string& json)
	/// The detail of the 400 that json gets; fails when it is accepted.
{
	try
	{
		parse(json);
	}
	catch (Nash::HttpError& error)
	{
		CPPUNIT_ASSERT_EQUAL(400, error.status());
		CPPUNIT_ASSERT_EQUAL(std::string("detail"), error.bodyField());
		return error.message();
	}
	CPPUNIT_FAIL("accepted: " + json);
	return std::string();
}


bool mentions(const std::string& text, const std::string& part)
{
	return text.find(part) != std::string::npos;
}


} // namespace


class ChatRequestParserTest: public CppUnit::TestFixture
{
	CPPUNIT_TEST_SUITE(ChatRequestParserTest);
	CPPUNIT_TEST(testMinimalRequest);
	CPPUNIT_TEST(testAllFields);
	CPPUNIT_TEST(testExtraFieldsKept);
	CPPUNIT_TEST(testNullAndPartsContent);
	CPPUNIT_TEST(testRefusalsNameTheField);
	CPPUNIT_TEST(testSystemPromptInsertedOnlyWhenMissing);
	CPPUNIT_TEST_SUITE_END();

public:
	void testMinimalRequest()
	{
		Nash::ChatInput input = parse("{\"messages\": [{\"role\": \"user\", \"content\": \"hi\"}]}");
		CPPUNIT_ASSERT_EQUAL(std::size_t(1), input.request.messages.size());
		CPPUNIT_ASSERT_EQUAL(std::string("user"), input.request.messages[0].role);
		CPPUNIT_ASSERT_EQUAL(std::string("hi"), input.request.messages[0].content);
		CPPUNIT_ASSERT_EQUAL(std::size_t(36), input.sessionId.size());
		CPPUNIT_ASSERT_EQUAL(input.sessionId, input.request.sessionId);
		CPPUNIT_ASSERT(input.modelSpec.empty());
		CPPUNIT_ASSERT(input.request.temperature.isNull());
		CPPUNIT_ASSERT_EQUAL(std::size_t(0), input.request.extra->size());
	}

	void testAllFields()
	{
		Nash::ChatInput input = parse("{\"messages\": [{\"role\": \"system\", \"content\": \"s\"}, {\"role\": \"user\", \"content\": \"u\"}],"
			" \"session_id\": \"abc-1\", \"model\": \"echo/echo\", \"temperature\": 0.5, \"max_tokens\": 100, \"top_p\": 1, \"stop\": [\"x\", \"y\"]}");
		CPPUNIT_ASSERT_EQUAL(std::string("abc-1"), input.sessionId);
		CPPUNIT_ASSERT_EQUAL(std::string("echo/echo"), input.modelSpec);
		CPPUNIT_ASSERT_EQUAL(0.5, input.request.temperature.value());
		CPPUNIT_ASSERT_EQUAL(100, input.request.maxTokens.value());
		CPPUNIT_ASSERT_EQUAL(1.0, input.request.topP.value());
		CPPUNIT_ASSERT_EQUAL(std::size_t(2), input.request.stop.size());
		CPPUNIT_ASSERT_EQUAL(std::string("single"), parse("{\"messages\": [{\"role\": \"user\", \"content\": \"u\"}], \"stop\": \"single\"}").request.stop.at(0));
		// null means "not given" for the optional fields, as the seed's client sends them.
		Nash::ChatInput nulls = parse("{\"messages\": [{\"role\": \"user\", \"content\": \"u\"}], \"session_id\": null, \"model\": null, \"temperature\": null}");
		CPPUNIT_ASSERT_EQUAL(std::size_t(36), nulls.sessionId.size());
		CPPUNIT_ASSERT(nulls.modelSpec.empty());
		CPPUNIT_ASSERT(nulls.request.temperature.isNull());
	}

	void testExtraFieldsKept()
	{
		Nash::ChatInput input = parse("{\"messages\": [{\"role\": \"tool\", \"content\": \"42\", \"tool_call_id\": \"c1\"}], \"tools\": [], \"user\": \"me\"}");
		CPPUNIT_ASSERT(input.request.extra->has("tools"));
		CPPUNIT_ASSERT(input.request.extra->has("user"));
		CPPUNIT_ASSERT(!input.request.extra->has("messages"));
		CPPUNIT_ASSERT_EQUAL(std::string("c1"), input.request.messages[0].raw->getValue<std::string>("tool_call_id"));
	}

	void testNullAndPartsContent()
	{
		Nash::ChatInput input = parse("{\"messages\": [{\"role\": \"assistant\", \"content\": null, \"tool_calls\": []},"
			" {\"role\": \"user\", \"content\": [{\"type\": \"text\", \"text\": \"a\"}, {\"type\": \"image_url\", \"image_url\": {}}, {\"type\": \"text\", \"text\": \"b\"}]}]}");
		CPPUNIT_ASSERT_EQUAL(std::string(""), input.request.messages[0].content);
		CPPUNIT_ASSERT_EQUAL(std::string("ab"), input.request.messages[1].content);
	}

	void testRefusalsNameTheField()
	{
		CPPUNIT_ASSERT(mentions(refusal("{}"), "'messages' is required"));
		CPPUNIT_ASSERT(mentions(refusal("{\"messages\": null}"), "'messages' is required"));
		CPPUNIT_ASSERT(mentions(refusal("{\"messages\": []}"), "'messages' must not be empty"));
		CPPUNIT_ASSERT(mentions(refusal("{\"messages\": \"hi\"}"), "'messages' must be an array"));
		CPPUNIT_ASSERT(mentions(refusal("{\"messages\": [\"hi\"]}"), "messages[0]"));
		CPPUNIT_ASSERT(mentions(refusal("{\"messages\": [{\"content\": \"x\"}]}"), "messages[0].role"));
		CPPUNIT_ASSERT(mentions(refusal("{\"messages\": [{\"role\": \"robot\", \"content\": \"x\"}]}"), "messages[0].role"));
		CPPUNIT_ASSERT(mentions(refusal("{\"messages\": [{\"role\": \"user\", \"content\": \"x\"}, {\"role\": \"user\"}]}"), "messages[1].content"));
		CPPUNIT_ASSERT(mentions(refusal("{\"messages\": [{\"role\": \"user\", \"content\": 5}]}"), "messages[0].content"));
		const std::string ok = "\"messages\": [{\"role\": \"user\", \"content\": \"x\"}]";
		CPPUNIT_ASSERT(mentions(refusal("{" + ok + ", \"session_id\": 7}"), "session_id"));
		CPPUNIT_ASSERT(mentions(refusal("{" + ok + ", \"session_id\": \"no spaces allowed\"}"), "session_id"));
		CPPUNIT_ASSERT(mentions(refusal("{" + ok + ", \"model\": 3}"), "'model'"));
		CPPUNIT_ASSERT(mentions(refusal("{" + ok + ", \"temperature\": \"hot\"}"), "temperature"));
		CPPUNIT_ASSERT(mentions(refusal("{" + ok + ", \"temperature\": true}"), "temperature"));
		CPPUNIT_ASSERT(mentions(refusal("{" + ok + ", \"max_tokens\": 1.5}"), "max_tokens"));
		CPPUNIT_ASSERT(mentions(refusal("{" + ok + ", \"max_tokens\": 0}"), "max_tokens"));
		CPPUNIT_ASSERT(mentions(refusal("{" + ok + ", \"top_p\": 2}"), "top_p"));
		CPPUNIT_ASSERT(mentions(refusal("{" + ok + ", \"stop\": [1]}"), "stop"));
	}

	void testSystemPromptInsertedOnlyWhenMissing()
	{
		Nash::ChatInput input = parse("{\"messages\": [{\"role\": \"user\", \"content\": \"hi\"}]}");
		Nash::SystemPrompt::ensureFirst(input.request.messages, "Be brief.");
		CPPUNIT_ASSERT_EQUAL(std::size_t(2), input.request.messages.size());
		CPPUNIT_ASSERT_EQUAL(std::string("system"), input.request.messages[0].role);
		CPPUNIT_ASSERT_EQUAL(std::string("Be brief."), input.request.messages[0].content);
		Nash::SystemPrompt::ensureFirst(input.request.messages, "Other.");
		CPPUNIT_ASSERT_EQUAL(std::size_t(2), input.request.messages.size());
		CPPUNIT_ASSERT_EQUAL(std::string("Be brief."), input.request.messages[0].content);
	}
};


CPPUNIT_TEST_SUITE_REGISTRATION(ChatRequestParserTest);
