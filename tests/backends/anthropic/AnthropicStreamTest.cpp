//
// AnthropicStreamTest.cpp
//
// The translation of Anthropic's stream events into sink calls.
//


#include "AnthropicStream.h"
#include "RecordingSink.h"
#include "TestCall.h"
#include "Nash/BackendException.h"
#include <cppunit/extensions/HelperMacros.h>


using NashTest::TestCall;


class AnthropicStreamTest: public CppUnit::TestFixture
{
	CPPUNIT_TEST_SUITE(AnthropicStreamTest);
	CPPUNIT_TEST(testTextUsageAndFinish);
	CPPUNIT_TEST(testToolCallsAreNumberedByCall);
	CPPUNIT_TEST(testFinishReasons);
	CPPUNIT_TEST(testErrorEventFailsWithItsMessage);
	CPPUNIT_TEST(testIgnoresPingUnknownAndLateEvents);
	CPPUNIT_TEST(testTypeFromDataWhenUnnamed);
	CPPUNIT_TEST(testToolInputForNoToolCallFails);
	CPPUNIT_TEST_SUITE_END();

public:
	void testTextUsageAndFinish()
	{
		TestCall test("Anthropic upstream 'a'", "sk-ant-secret");
		NashTest::RecordingSink sink;
		Nash::AnthropicStream stream(test.call(), sink);
		stream.handle("message_start", TestCall::json(R"({"type":"message_start","message":{"id":"m","usage":{"input_tokens":12,"output_tokens":1}}})"));
		stream.handle("content_block_start", TestCall::json(R"({"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}})"));
		stream.handle("content_block_delta", TestCall::json(R"({"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"Hello"}})"));
		stream.handle("content_block_delta", TestCall::json(R"({"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":" world"}})"));
		stream.handle("content_block_stop", TestCall::json(R"({"type":"content_block_stop","index":0})"));
		stream.handle("message_delta", TestCall::json(R"({"type":"message_delta","delta":{"stop_reason":"end_turn","stop_sequence":null},"usage":{"output_tokens":7}})"));
		CPPUNIT_ASSERT(!stream.isComplete());
		stream.handle("message_stop", TestCall::json(R"({"type":"message_stop"})"));
		CPPUNIT_ASSERT(stream.isComplete());

		CPPUNIT_ASSERT_EQUAL(std::string("Hello world"), sink.text());
		CPPUNIT_ASSERT_EQUAL(std::size_t(2), sink.pieces.size());
		CPPUNIT_ASSERT_EQUAL(std::size_t(1), sink.usages.size());
		CPPUNIT_ASSERT_EQUAL(12LL, sink.usages[0].promptTokens.value());
		CPPUNIT_ASSERT_EQUAL(7LL, sink.usages[0].completionTokens.value());
		CPPUNIT_ASSERT_EQUAL(std::size_t(1), sink.finishReasons.size());
		CPPUNIT_ASSERT_EQUAL(std::string("stop"), sink.finishReasons[0]);
		CPPUNIT_ASSERT(sink.toolCalls.empty());
	}

	void testToolCallsAreNumberedByCall()
	{
		// Block 0 is text, so the first tool call is block 1 but call 0.
		TestCall test("Anthropic upstream 'a'", "sk-ant-secret");
		NashTest::RecordingSink sink;
		Nash::AnthropicStream stream(test.call(), sink);
		stream.handle("content_block_start", TestCall::json(R"({"index":0,"content_block":{"type":"text","text":""}})"));
		stream.handle("content_block_delta", TestCall::json(R"({"index":0,"delta":{"type":"text_delta","text":"Let me check."}})"));
		stream.handle("content_block_stop", TestCall::json(R"({"index":0})"));
		stream.handle("content_block_start", TestCall::json(R"({"index":1,"content_block":{"type":"tool_use","id":"toolu_1","name":"get_weather","input":{}}})"));
		stream.handle("content_block_delta", TestCall::json(R"({"index":1,"delta":{"type":"input_json_delta","partial_json":"{\"city\":"}})"));
		stream.handle("content_block_delta", TestCall::json(R"({"index":1,"delta":{"type":"input_json_delta","partial_json":" \"Paris\"}"}})"));
		stream.handle("content_block_stop", TestCall::json(R"({"index":1})"));
		stream.handle("content_block_start", TestCall::json(R"({"index":2,"content_block":{"type":"tool_use","id":"toolu_2","name":"get_time","input":{}}})"));
		stream.handle("content_block_delta", TestCall::json(R"({"index":2,"delta":{"type":"input_json_delta","partial_json":""}})"));
		stream.handle("content_block_delta", TestCall::json(R"({"index":2,"delta":{"type":"input_json_delta","partial_json":"{}"}})"));
		stream.handle("message_delta", TestCall::json(R"({"delta":{"stop_reason":"tool_use"},"usage":{"output_tokens":30}})"));

		CPPUNIT_ASSERT_EQUAL(std::string("Let me check."), sink.text());
		// The empty fragment is not passed on.
		CPPUNIT_ASSERT_EQUAL(std::size_t(5), sink.toolCalls.size());
		CPPUNIT_ASSERT_EQUAL(0, sink.toolCalls[0].index);
		CPPUNIT_ASSERT_EQUAL(std::string("toolu_1"), sink.toolCalls[0].id);
		CPPUNIT_ASSERT_EQUAL(std::string("get_weather"), sink.toolCalls[0].name);
		CPPUNIT_ASSERT(sink.toolCalls[0].argumentsFragment.empty());
		CPPUNIT_ASSERT_EQUAL(0, sink.toolCalls[1].index);
		CPPUNIT_ASSERT(sink.toolCalls[1].id.empty());
		CPPUNIT_ASSERT_EQUAL(std::string("{\"city\":") + std::string(" \"Paris\"}"), sink.toolCalls[1].argumentsFragment + sink.toolCalls[2].argumentsFragment);
		CPPUNIT_ASSERT_EQUAL(1, sink.toolCalls[3].index);
		CPPUNIT_ASSERT_EQUAL(std::string("get_time"), sink.toolCalls[3].name);
		CPPUNIT_ASSERT_EQUAL(1, sink.toolCalls[4].index);
		CPPUNIT_ASSERT_EQUAL(std::string("{}"), sink.toolCalls[4].argumentsFragment);
		CPPUNIT_ASSERT_EQUAL(std::string("tool_calls"), sink.finishReasons.at(0));
		// Without message_start the input tokens are unknown, not zero.
		CPPUNIT_ASSERT(sink.usages.at(0).promptTokens.isNull());
	}

	void testFinishReasons()
	{
		CPPUNIT_ASSERT_EQUAL(std::string("stop"), Nash::AnthropicStream::finishReason("end_turn"));
		CPPUNIT_ASSERT_EQUAL(std::string("stop"), Nash::AnthropicStream::finishReason("stop_sequence"));
		CPPUNIT_ASSERT_EQUAL(std::string("length"), Nash::AnthropicStream::finishReason("max_tokens"));
		CPPUNIT_ASSERT_EQUAL(std::string("tool_calls"), Nash::AnthropicStream::finishReason("tool_use"));
		CPPUNIT_ASSERT_EQUAL(std::string("content_filter"), Nash::AnthropicStream::finishReason("refusal"));
		CPPUNIT_ASSERT_EQUAL(std::string("pause_turn"), Nash::AnthropicStream::finishReason("pause_turn"));
	}

	void testErrorEventFailsWithItsMessage()
	{
		TestCall test("Anthropic upstream 'a'", "sk-ant-secret");
		NashTest::RecordingSink sink;
		Nash::AnthropicStream stream(test.call(), sink);
		try
		{
			stream.handle("error", TestCall::json(R"json({"type":"error","error":{"type":"overloaded_error","message":"Overloaded (key sk-ant-secret)"}})json"));
			CPPUNIT_FAIL("an error event must throw");
		}
		catch (Nash::BackendException& exc)
		{
			CPPUNIT_ASSERT_EQUAL(std::string("Anthropic upstream 'a' reported an error mid-stream: Overloaded (key [redacted])"), exc.message());
		}
	}

	void testIgnoresPingUnknownAndLateEvents()
	{
		TestCall test("Anthropic upstream 'a'", "sk-ant-secret");
		NashTest::RecordingSink sink;
		Nash::AnthropicStream stream(test.call(), sink);
		stream.handle("ping", TestCall::json(R"({"type":"ping"})"));
		stream.handle("something_new", TestCall::json(R"({"type":"something_new","delta":{"text":"x"}})"));
		stream.handle("content_block_delta", TestCall::json(R"({"index":0,"delta":{"type":"thinking_delta","thinking":"hmm"}})"));
		stream.handle("message_stop", TestCall::json(R"({"type":"message_stop"})"));
		stream.handle("content_block_delta", TestCall::json(R"({"index":0,"delta":{"type":"text_delta","text":"late"}})"));
		stream.handle("error", TestCall::json(R"({"error":{"message":"late"}})"));
		CPPUNIT_ASSERT(stream.isComplete());
		CPPUNIT_ASSERT(sink.events.empty());
	}

	void testTypeFromDataWhenUnnamed()
	{
		TestCall test("Anthropic upstream 'a'", "");
		NashTest::RecordingSink sink;
		Nash::AnthropicStream stream(test.call(), sink);
		stream.handle("", TestCall::json(R"({"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"Hi"}})"));
		stream.handle("", TestCall::json(R"({"type":"message_stop"})"));
		CPPUNIT_ASSERT_EQUAL(std::string("Hi"), sink.text());
		CPPUNIT_ASSERT(stream.isComplete());
	}

	void testToolInputForNoToolCallFails()
	{
		TestCall test("Anthropic upstream 'a'", "");
		NashTest::RecordingSink sink;
		Nash::AnthropicStream stream(test.call(), sink);
		stream.handle("content_block_start", TestCall::json(R"({"index":0,"content_block":{"type":"text","text":""}})"));
		CPPUNIT_ASSERT_THROW(stream.handle("content_block_delta", TestCall::json(R"({"index":0,"delta":{"type":"input_json_delta","partial_json":"{}"}})")), Nash::BackendException);
	}
};


CPPUNIT_TEST_SUITE_REGISTRATION(AnthropicStreamTest);
