//
// OllamaStreamTest.cpp
//
// The translation of Ollama's NDJSON lines, each parsed, into sink calls
// (OllamaDecoderTest feeds the bytes).
//


#include "OllamaStream.h"
#include "RecordingSink.h"
#include "TestCall.h"
#include "Nash/BackendException.h"
#include <cppunit/extensions/HelperMacros.h>


using NashTest::TestCall;


class OllamaStreamTest: public CppUnit::TestFixture
{
	CPPUNIT_TEST_SUITE(OllamaStreamTest);
	CPPUNIT_TEST(testContentUsageAndFinish);
	CPPUNIT_TEST(testToolCallsComeWhole);
	CPPUNIT_TEST(testFinishReasons);
	CPPUNIT_TEST(testErrorLineFailsWithItsMessage);
	CPPUNIT_TEST(testLinesAfterDoneAreIgnored);
	CPPUNIT_TEST_SUITE_END();

public:
	void testContentUsageAndFinish()
	{
		NashTest::RecordingSink sink;
		Nash::OllamaStream stream("Ollama upstream 'o'");
		stream.handle(TestCall::json(R"({"model":"m","message":{"role":"assistant","content":"Hello"},"done":false})"), sink);
		stream.handle(TestCall::json(R"({"model":"m","message":{"role":"assistant","content":" there"},"done":false})"), sink);
		CPPUNIT_ASSERT(!stream.isComplete());
		stream.handle(TestCall::json(R"({"model":"m","message":{"role":"assistant","content":""},"done":true,"done_reason":"length","prompt_eval_count":26,"eval_count":2})"), sink);
		CPPUNIT_ASSERT(stream.isComplete());

		CPPUNIT_ASSERT_EQUAL(std::string("Hello there"), sink.text());
		CPPUNIT_ASSERT_EQUAL(std::size_t(2), sink.pieces.size());
		CPPUNIT_ASSERT_EQUAL(26LL, sink.usages.at(0).promptTokens.value());
		CPPUNIT_ASSERT_EQUAL(2LL, sink.usages.at(0).completionTokens.value());
		CPPUNIT_ASSERT_EQUAL(std::string("length"), sink.finishReasons.at(0));
		CPPUNIT_ASSERT(sink.toolCalls.empty());
	}

	void testToolCallsComeWhole()
	{
		NashTest::RecordingSink sink;
		Nash::OllamaStream stream("Ollama upstream 'o'");
		stream.handle(TestCall::json(R"({"message":{"role":"assistant","content":"","tool_calls":[
			{"function":{"name":"get_weather","arguments":{"city":"Paris"}}},
			{"id":"call_x","function":{"name":"get_time","arguments":{}}}]},"done":false})"), sink);
		stream.handle(TestCall::json(R"({"message":{"role":"assistant","content":"","tool_calls":[{"function":{"name":"get_news"}}]},"done":false})"), sink);
		stream.handle(TestCall::json(R"({"message":{"role":"assistant","content":""},"done":true,"done_reason":"stop"})"), sink);

		CPPUNIT_ASSERT_EQUAL(std::size_t(3), sink.toolCalls.size());
		CPPUNIT_ASSERT_EQUAL(0, sink.toolCalls[0].index);
		CPPUNIT_ASSERT_EQUAL(std::string("call_0"), sink.toolCalls[0].id);
		CPPUNIT_ASSERT_EQUAL(std::string("get_weather"), sink.toolCalls[0].name);
		CPPUNIT_ASSERT_EQUAL(std::string("{\"city\":\"Paris\"}"), sink.toolCalls[0].argumentsFragment);
		CPPUNIT_ASSERT_EQUAL(1, sink.toolCalls[1].index);
		CPPUNIT_ASSERT_EQUAL(std::string("call_x"), sink.toolCalls[1].id);
		CPPUNIT_ASSERT_EQUAL(std::string("{}"), sink.toolCalls[1].argumentsFragment);
		CPPUNIT_ASSERT_EQUAL(2, sink.toolCalls[2].index);
		CPPUNIT_ASSERT_EQUAL(std::string("{}"), sink.toolCalls[2].argumentsFragment);
		CPPUNIT_ASSERT_EQUAL(std::string("tool_calls"), sink.finishReasons.at(0));
		CPPUNIT_ASSERT(sink.pieces.empty());
		// No counts in the final line: usage without numbers, not zeros.
		CPPUNIT_ASSERT(sink.usages.at(0).promptTokens.isNull());
	}

	void testFinishReasons()
	{
		CPPUNIT_ASSERT_EQUAL(std::string("stop"), Nash::OllamaStream::finishReason("stop", false));
		CPPUNIT_ASSERT_EQUAL(std::string("stop"), Nash::OllamaStream::finishReason("", false));
		CPPUNIT_ASSERT_EQUAL(std::string("tool_calls"), Nash::OllamaStream::finishReason("stop", true));
		CPPUNIT_ASSERT_EQUAL(std::string("length"), Nash::OllamaStream::finishReason("length", true));
		CPPUNIT_ASSERT_EQUAL(std::string("load"), Nash::OllamaStream::finishReason("load", false));
	}

	void testErrorLineFailsWithItsMessage()
	{
		NashTest::RecordingSink sink;
		Nash::OllamaStream stream("Ollama upstream 'o'");
		stream.handle(TestCall::json(R"({"message":{"role":"assistant","content":"Hi"},"done":false})"), sink);
		try
		{
			stream.handle(TestCall::json(R"json({"error":"an error was encountered while running the model"})json"), sink);
			CPPUNIT_FAIL("an error line must throw");
		}
		catch (Nash::BackendException& exc)
		{
			// The secrets are the server's to remove (OllamaBackendTest).
			CPPUNIT_ASSERT(exc.cause() == Nash::BackendException::Cause::ErrorReported);
			CPPUNIT_ASSERT_EQUAL(std::string("Ollama upstream 'o' reported an error mid-stream: an error was encountered while running the model"), exc.message());
		}
		CPPUNIT_ASSERT_EQUAL(std::string("Hi"), sink.text());
		CPPUNIT_ASSERT_EQUAL(std::string("boom"), Nash::OllamaStream::errorOf(TestCall::json(R"({"error":{"message":"boom"}})")));
		CPPUNIT_ASSERT_EQUAL(std::string(), Nash::OllamaStream::errorOf(TestCall::json(R"({"error":null})")));
	}

	void testLinesAfterDoneAreIgnored()
	{
		NashTest::RecordingSink sink;
		Nash::OllamaStream stream("Ollama upstream 'o'");
		stream.handle(TestCall::json(R"({"message":{"role":"assistant","content":"A"},"done":true})"), sink);
		stream.handle(TestCall::json(R"({"message":{"role":"assistant","content":"B"},"done":false})"), sink);
		stream.handle(TestCall::json(R"({"error":"late"})"), sink);
		CPPUNIT_ASSERT_EQUAL(std::string("A"), sink.text());
		CPPUNIT_ASSERT_EQUAL(std::size_t(1), sink.finishReasons.size());
		CPPUNIT_ASSERT_EQUAL(std::string("stop"), sink.finishReasons[0]);
	}
};


CPPUNIT_TEST_SUITE_REGISTRATION(OllamaStreamTest);
