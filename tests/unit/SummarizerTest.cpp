//
// SummarizerTest.cpp
//


#include "TestBackends.h"
#include "core/http/HttpError.h"
#include "core/json/JsonText.h"
#include "core/chat/Summarizer.h"
#include <cppunit/extensions/HelperMacros.h>


namespace {


Nash::ChatMessage message(const std::string& role, const std::string& content)
{
	Nash::ChatMessage m;
	m.role = role;
	m.content = content;
	m.raw = Nash::JsonText::object();
	m.raw->set("role", role);
	m.raw->set("content", content);
	return m;
}


} // namespace


class SummarizerTest: public CppUnit::TestFixture
{
	CPPUNIT_TEST_SUITE(SummarizerTest);
	CPPUNIT_TEST(testRequestSentToTheModel);
	CPPUNIT_TEST(testAnswerKeepsSystemMessage);
	CPPUNIT_TEST(testNothingToSummarize);
	CPPUNIT_TEST(testBackendFailureIs502);
	CPPUNIT_TEST_SUITE_END();

public:
	void testRequestSentToTheModel()
	{
		NashTest::ScriptedBackend backend({"m"});
		Nash::BackendRoute route{&backend, "b", "m", "m"};
		Nash::CancellationToken token;
		Nash::Summarizer("Summarize!").summarize(route,
			{message("system", "be nice"), message("user", "hi"), message("assistant", "hello")}, "s1", token);
		const auto& sent = backend.lastRequest.messages;
		CPPUNIT_ASSERT_EQUAL(std::size_t(2), sent.size());
		CPPUNIT_ASSERT_EQUAL(std::string("system"), sent[0].role);
		CPPUNIT_ASSERT_EQUAL(std::string("Summarize!"), sent[0].content);
		CPPUNIT_ASSERT_EQUAL(std::string("user"), sent[1].role);
		CPPUNIT_ASSERT_EQUAL(std::string("Please summarize this conversation:\n\nuser: hi\nassistant: hello"), sent[1].content);
		CPPUNIT_ASSERT_EQUAL(std::string("m"), backend.lastRequest.model);
	}

	void testAnswerKeepsSystemMessage()
	{
		NashTest::ScriptedBackend backend({"m"});
		backend.answer = "They greeted each other.";
		Nash::BackendRoute route{&backend, "b", "m", "m"};
		Nash::CancellationToken token;
		Poco::JSON::Object::Ptr answer = Nash::Summarizer("p").summarize(route,
			{message("system", "be nice"), message("user", std::string(40, 'u')), message("assistant", std::string(41, 'a'))}, "s1", token);
		std::string expected =
			"{\"success\": true, \"summary\": \"They greeted each other.\", \"messages\": ["
			"{\"role\": \"system\", \"content\": \"be nice\"}, "
			"{\"role\": \"assistant\", \"content\": \"Previous conversation summary:\\nThey greeted each other.\"}], "
			"\"token_reduction\": {\"before\": 20, \"after\": 14}, \"session_id\": \"s1\"}";
		CPPUNIT_ASSERT_EQUAL(expected, Nash::JsonText::write(answer));
	}

	void testNothingToSummarize()
	{
		NashTest::ScriptedBackend backend({"m"});
		Nash::BackendRoute route{&backend, "b", "m", "m"};
		Nash::CancellationToken token;
		try
		{
			Nash::Summarizer("p").summarize(route, {message("system", "only this")}, "s1", token);
			CPPUNIT_FAIL("a conversation of only a system message has nothing to summarize");
		}
		catch (Nash::HttpError& error)
		{
			CPPUNIT_ASSERT_EQUAL(400, error.status());
			CPPUNIT_ASSERT_EQUAL(std::string("No messages to summarize"), error.message());
		}
	}

	void testBackendFailureIs502()
	{
		NashTest::ScriptedBackend backend({"m"});
		backend.failure = "upstream timed out";
		Nash::BackendRoute route{&backend, "b", "m", "m"};
		Nash::CancellationToken token;
		try
		{
			Nash::Summarizer("p").summarize(route, {message("user", "hi")}, "s1", token);
			CPPUNIT_FAIL("a failing backend must give 502");
		}
		catch (Nash::HttpError& error)
		{
			CPPUNIT_ASSERT_EQUAL(502, error.status());
			CPPUNIT_ASSERT_EQUAL(std::string("error"), error.bodyField());
			CPPUNIT_ASSERT_EQUAL(std::string("Error during summarization: upstream timed out"), error.message());
		}
	}
};


CPPUNIT_TEST_SUITE_REGISTRATION(SummarizerTest);
