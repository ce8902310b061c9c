//
// AnthropicStreamTest.cpp
//
// The translation of Anthropic's event stream into sink calls, by the
// decoder the server feeds with the answer's bytes.
//


#include "AnthropicDecoder.h"
#include "RecordingSink.h"
#include "Nash/BackendException.h"
#include <cppunit/extensions/HelperMacros.h>
#include <string>


using Cause = Nash::BackendException::Cause;


namespace {


const char* const provider = "Anthropic upstream 'a'";


std::string sseEvent(const std::string& name, const std::string& data)
{
	return "event: " + name + "\ndata: " + data + "\n\n";
}


std::string unnamedEvent(const std::string& data)
{
	return "data: " + data + "\n\n";
}


std::string record(const NashTest::RecordingSink& sink)
	/// Everything sink received, in order, as one text to compare.
{
	std::string text;
	std::size_t piece = 0;
	std::size_t toolCall = 0;
	std::size_t usage = 0;
	std::size_t finish = 0;
	for (const auto& event: sink.events)
	{
		if (event == "content")
		{
			text += "content[" + sink.pieces.at(piece++) + "]";
		}
		else if (event == "tool")
		{
			const Nash::ToolCallDelta& delta = sink.toolCalls.at(toolCall++);
			text += "tool[" + std::to_string(delta.index) + "," + delta.id + "," + delta.name + "," + delta.argumentsFragment + "]";
		}
		else if (event == "usage")
		{
			const Nash::Usage& counts = sink.usages.at(usage++);
			text += "usage[" + (counts.promptTokens.isNull() ? std::string("-") : std::to_string(counts.promptTokens.value())) + "," +
				(counts.completionTokens.isNull() ? std::string("-") : std::to_string(counts.completionTokens.value())) + "]";
		}
		else if (event == "finish")
		{
			text += "finish[" + sink.finishReasons.at(finish++) + "]";
		}
	}
	return text;
}


void feed(Nash::AnthropicDecoder& decoder, const std::string& bytes, NashTest::RecordingSink& sink)
{
	decoder.feed(bytes.data(), bytes.size(), sink);
}


} // namespace


class AnthropicStreamTest: public CppUnit::TestFixture
{
	CPPUNIT_TEST_SUITE(AnthropicStreamTest);
	CPPUNIT_TEST(testTextUsageAndFinish);
	CPPUNIT_TEST(testToolCallsAreNumberedByCall);
	CPPUNIT_TEST(testFinishReasons);
	CPPUNIT_TEST(testByteByByteIsLikeWhole);
	CPPUNIT_TEST(testErrorEventFailsWithItsMessage);
	CPPUNIT_TEST(testErrorEventStatus);
	CPPUNIT_TEST(testEndWithoutMessageStopIsIncomplete);
	CPPUNIT_TEST(testIgnoresPingUnknownAndLateEvents);
	CPPUNIT_TEST(testTypeFromDataWhenUnnamed);
	CPPUNIT_TEST(testToolInputForNoToolCallFails);
	CPPUNIT_TEST(testDataThatIsNoJsonObjectFails);
	CPPUNIT_TEST(testOverlongLineFails);
	CPPUNIT_TEST_SUITE_END();

public:
	void testTextUsageAndFinish()
	{
		NashTest::RecordingSink sink;
		Nash::AnthropicDecoder decoder(provider, 1024 * 1024);
		feed(decoder,
			sseEvent("message_start", R"({"type":"message_start","message":{"id":"m","usage":{"input_tokens":12,"output_tokens":1}}})") +
			sseEvent("content_block_start", R"({"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}})") +
			sseEvent("content_block_delta", R"({"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"Hello"}})") +
			sseEvent("content_block_delta", R"({"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":" world"}})") +
			sseEvent("content_block_stop", R"({"type":"content_block_stop","index":0})") +
			sseEvent("message_delta", R"({"type":"message_delta","delta":{"stop_reason":"end_turn","stop_sequence":null},"usage":{"output_tokens":7}})"),
			sink);
		CPPUNIT_ASSERT(!decoder.isComplete());
		feed(decoder, sseEvent("message_stop", R"({"type":"message_stop"})"), sink);
		CPPUNIT_ASSERT(decoder.isComplete());
		decoder.end(sink);

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
		NashTest::RecordingSink sink;
		Nash::AnthropicDecoder decoder(provider, 1024 * 1024);
		feed(decoder,
			sseEvent("content_block_start", R"({"index":0,"content_block":{"type":"text","text":""}})") +
			sseEvent("content_block_delta", R"({"index":0,"delta":{"type":"text_delta","text":"Let me check."}})") +
			sseEvent("content_block_stop", R"({"index":0})") +
			sseEvent("content_block_start", R"({"index":1,"content_block":{"type":"tool_use","id":"toolu_1","name":"get_weather","input":{}}})") +
			sseEvent("content_block_delta", R"({"index":1,"delta":{"type":"input_json_delta","partial_json":"{\"city\":"}})") +
			sseEvent("content_block_delta", R"({"index":1,"delta":{"type":"input_json_delta","partial_json":" \"Paris\"}"}})") +
			sseEvent("content_block_stop", R"({"index":1})") +
			sseEvent("content_block_start", R"({"index":2,"content_block":{"type":"tool_use","id":"toolu_2","name":"get_time","input":{}}})") +
			sseEvent("content_block_delta", R"({"index":2,"delta":{"type":"input_json_delta","partial_json":""}})") +
			sseEvent("content_block_delta", R"({"index":2,"delta":{"type":"input_json_delta","partial_json":"{}"}})") +
			sseEvent("message_delta", R"({"delta":{"stop_reason":"tool_use"},"usage":{"output_tokens":30}})"),
			sink);

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
		CPPUNIT_ASSERT_EQUAL(std::string("stop"), Nash::AnthropicDecoder::finishReason("end_turn"));
		CPPUNIT_ASSERT_EQUAL(std::string("stop"), Nash::AnthropicDecoder::finishReason("stop_sequence"));
		CPPUNIT_ASSERT_EQUAL(std::string("length"), Nash::AnthropicDecoder::finishReason("max_tokens"));
		CPPUNIT_ASSERT_EQUAL(std::string("tool_calls"), Nash::AnthropicDecoder::finishReason("tool_use"));
		CPPUNIT_ASSERT_EQUAL(std::string("content_filter"), Nash::AnthropicDecoder::finishReason("refusal"));
		CPPUNIT_ASSERT_EQUAL(std::string("pause_turn"), Nash::AnthropicDecoder::finishReason("pause_turn"));
	}

	void testByteByByteIsLikeWhole()
	{
		// The server hands over the body as it arrives: a piece may end
		// inside a line, a CRLF or a UTF-8 sequence.
		const std::string body =
			": a comment\r\n"
			"event: message_start\r\ndata: {\"type\":\"message_start\",\"message\":{\"usage\":{\"input_tokens\":3}}}\r\n\r\n" +
			sseEvent("content_block_start", R"({"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}})") +
			sseEvent("content_block_delta", "{\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"text_delta\",\"text\":\"Gr\xC3\xBC\xC3\x9F" "e \xF0\x9F\x91\x8B\"}}") +
			"event: ping\rdata: {\"type\":\"ping\"}\r\r" +
			sseEvent("content_block_start", R"({"type":"content_block_start","index":1,"content_block":{"type":"tool_use","id":"toolu_1","name":"f","input":{}}})") +
			"event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":1,\n"
			"data: \"delta\":{\"type\":\"input_json_delta\",\"partial_json\":\"{\\\"a\\\": 1}\"}}\n\n" +
			sseEvent("message_delta", R"({"type":"message_delta","delta":{"stop_reason":"tool_use"},"usage":{"output_tokens":9}})") +
			sseEvent("message_stop", R"({"type":"message_stop"})");

		NashTest::RecordingSink whole;
		Nash::AnthropicDecoder wholeDecoder(provider, 1024 * 1024);
		feed(wholeDecoder, body, whole);
		wholeDecoder.end(whole);

		NashTest::RecordingSink bytes;
		Nash::AnthropicDecoder byteDecoder(provider, 1024 * 1024);
		for (char c: body) byteDecoder.feed(&c, 1, bytes);
		byteDecoder.end(bytes);

		CPPUNIT_ASSERT_EQUAL(std::string(
			"content[Gr\xC3\xBC\xC3\x9F" "e \xF0\x9F\x91\x8B]"
			"tool[0,toolu_1,f,]"
			"tool[0,,,{\"a\": 1}]"
			"usage[3,9]"
			"finish[tool_calls]"), record(whole));
		CPPUNIT_ASSERT_EQUAL(record(whole), record(bytes));
		CPPUNIT_ASSERT(byteDecoder.isComplete());
	}

	void testErrorEventFailsWithItsMessage()
	{
		NashTest::RecordingSink sink;
		Nash::AnthropicDecoder decoder(provider, 1024 * 1024);
		feed(decoder, sseEvent("content_block_delta", R"({"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"Par"}})"), sink);
		try
		{
			feed(decoder, sseEvent("error", R"json({"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}})json"), sink);
			CPPUNIT_FAIL("an error event must throw");
		}
		catch (Nash::BackendException& exc)
		{
			// The server removes the key from the message (see AnthropicBackendTest).
			CPPUNIT_ASSERT_EQUAL(std::string("Anthropic upstream 'a' reported an error mid-stream: Overloaded"), exc.message());
			CPPUNIT_ASSERT(exc.cause() == Cause::ErrorReported);
			CPPUNIT_ASSERT_EQUAL(529, exc.code());
		}
		CPPUNIT_ASSERT_EQUAL(std::string("Par"), sink.text());
	}

	void testErrorEventStatus()
	{
		// The status Anthropic answers such an error with before a stream.
		struct Case
		{
			const char* error;
			int status;
			const char* message;
		};
		const Case cases[] = {
			{R"({"type":"rate_limit_error","message":"slow down"})", 429, "slow down"},
			{R"({"type":"api_error","message":"oops"})", 0, "oops"},
			{R"({"type":"api_error"})", 0, "api_error"},
			{R"({})", 0, "(no message)"}};
		for (const auto& test: cases)
		{
			NashTest::RecordingSink sink;
			Nash::AnthropicDecoder decoder(provider, 1024 * 1024);
			try
			{
				// Named by its data alone, as the event name is optional.
				feed(decoder, unnamedEvent(std::string(R"({"type":"error","error":)") + test.error + "}"), sink);
				CPPUNIT_FAIL(std::string("an error event must throw: ") + test.error);
			}
			catch (Nash::BackendException& exc)
			{
				CPPUNIT_ASSERT_EQUAL(std::string("Anthropic upstream 'a' reported an error mid-stream: ") + test.message, exc.message());
				CPPUNIT_ASSERT(exc.cause() == Cause::ErrorReported);
				CPPUNIT_ASSERT_EQUAL(test.status, exc.code());
			}
		}
	}

	void testEndWithoutMessageStopIsIncomplete()
	{
		NashTest::RecordingSink sink;
		Nash::AnthropicDecoder decoder(provider, 1024 * 1024);
		feed(decoder, sseEvent("content_block_delta", R"({"index":0,"delta":{"type":"text_delta","text":"Reply"}})"), sink);
		try
		{
			decoder.end(sink);
			CPPUNIT_FAIL("a stream without message_stop must fail");
		}
		catch (Nash::BackendException& exc)
		{
			CPPUNIT_ASSERT_EQUAL(std::string("Anthropic upstream 'a' ended the stream before it was complete (no message_stop)"), exc.message());
			CPPUNIT_ASSERT(exc.cause() == Cause::Incomplete);
			CPPUNIT_ASSERT_EQUAL(0, exc.code());
		}
		CPPUNIT_ASSERT_EQUAL(std::string("Reply"), sink.text());

		// A message_stop the body does not close with a blank line never
		// was an event.
		Nash::AnthropicDecoder cut(provider, 1024 * 1024);
		feed(cut, "event: message_stop\ndata: {\"type\":\"message_stop\"}\n", sink);
		CPPUNIT_ASSERT(!cut.isComplete());
		try
		{
			cut.end(sink);
			CPPUNIT_FAIL("an unfinished message_stop must fail");
		}
		catch (Nash::BackendException& exc)
		{
			CPPUNIT_ASSERT(exc.cause() == Cause::Incomplete);
		}
	}

	void testIgnoresPingUnknownAndLateEvents()
	{
		NashTest::RecordingSink sink;
		Nash::AnthropicDecoder decoder(provider, 80);
		feed(decoder,
			sseEvent("ping", R"({"type":"ping"})") +
			sseEvent("something_new", R"({"type":"something_new","delta":{"text":"x"}})") +
			sseEvent("content_block_delta", R"({"index":0,"delta":{"type":"thinking_delta","thinking":"hmm"}})") +
			sseEvent("message_stop", R"({"type":"message_stop"})") +
			sseEvent("content_block_delta", R"({"index":0,"delta":{"type":"text_delta","text":"late"}})"),
			sink);
		// Whatever follows the end, even what would be an error before it.
		feed(decoder, sseEvent("error", R"({"error":{"message":"late"}})") + "data: not json\n\n" + std::string(100, 'x') + "\n\n", sink);
		decoder.end(sink);
		CPPUNIT_ASSERT(decoder.isComplete());
		CPPUNIT_ASSERT(sink.events.empty());
	}

	void testTypeFromDataWhenUnnamed()
	{
		NashTest::RecordingSink sink;
		Nash::AnthropicDecoder decoder(provider, 1024 * 1024);
		feed(decoder,
			unnamedEvent(R"({"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"Hi"}})") +
			unnamedEvent(R"({"type":"message_stop"})"),
			sink);
		CPPUNIT_ASSERT_EQUAL(std::string("Hi"), sink.text());
		CPPUNIT_ASSERT(decoder.isComplete());
	}

	void testToolInputForNoToolCallFails()
	{
		NashTest::RecordingSink sink;
		Nash::AnthropicDecoder decoder(provider, 1024 * 1024);
		feed(decoder, sseEvent("content_block_start", R"({"index":0,"content_block":{"type":"text","text":""}})"), sink);
		try
		{
			feed(decoder, sseEvent("content_block_delta", R"({"index":0,"delta":{"type":"input_json_delta","partial_json":"{}"}})"), sink);
			CPPUNIT_FAIL("tool input for a text block must fail");
		}
		catch (Nash::BackendException& exc)
		{
			CPPUNIT_ASSERT_EQUAL(std::string("Anthropic upstream 'a' sent tool input for content block 0, which is no tool call"), exc.message());
			CPPUNIT_ASSERT(exc.cause() == Cause::Malformed);
		}
	}

	void testDataThatIsNoJsonObjectFails()
	{
		for (const std::string data: {"not json", "[1,2]", "{\"type\":"})
		{
			NashTest::RecordingSink sink;
			Nash::AnthropicDecoder decoder(provider, 1024 * 1024);
			try
			{
				feed(decoder, sseEvent("content_block_delta", data), sink);
				CPPUNIT_FAIL("data that is no JSON object must fail: " + data);
			}
			catch (Nash::BackendException& exc)
			{
				CPPUNIT_ASSERT_EQUAL(std::string("Anthropic upstream 'a' sent data that is not a JSON object: ") + data, exc.message());
				CPPUNIT_ASSERT(exc.cause() == Cause::Malformed);
			}
		}

		// Only the start of long data is quoted.
		NashTest::RecordingSink sink;
		Nash::AnthropicDecoder decoder(provider, 1024 * 1024);
		try
		{
			feed(decoder, sseEvent("content_block_delta", std::string(1000, 'y')), sink);
			CPPUNIT_FAIL("data that is no JSON object must fail");
		}
		catch (Nash::BackendException& exc)
		{
			CPPUNIT_ASSERT_EQUAL(std::string("Anthropic upstream 'a' sent data that is not a JSON object: ") + std::string(200, 'y') + "...", exc.message());
		}
	}

	void testOverlongLineFails()
	{
		// The events before the overlong line still reach the sink.
		NashTest::RecordingSink sink;
		Nash::AnthropicDecoder decoder(provider, 128);
		try
		{
			feed(decoder,
				sseEvent("content_block_delta", R"({"index":0,"delta":{"type":"text_delta","text":"Hi"}})") +
				"data: " + std::string(200, 'z'),
				sink);
			CPPUNIT_FAIL("a line longer than allowed must fail");
		}
		catch (Nash::BackendException& exc)
		{
			CPPUNIT_ASSERT_EQUAL(std::string("Anthropic upstream 'a' sent an unusable stream: event-stream line longer than 128 bytes"), exc.message());
			CPPUNIT_ASSERT(exc.cause() == Cause::Malformed);
		}
		CPPUNIT_ASSERT_EQUAL(std::string("Hi"), sink.text());
	}
};


CPPUNIT_TEST_SUITE_REGISTRATION(AnthropicStreamTest);
