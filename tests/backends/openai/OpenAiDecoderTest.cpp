//
// OpenAiDecoderTest.cpp
//
// The translation of a streamed Chat Completions answer into sink calls,
// the decoder fed directly, in pieces of every size.
//


#include "OpenAiDecoder.h"
#include "RecordingSink.h"
#include "Nash/BackendException.h"
#include <cppunit/extensions/HelperMacros.h>
#include <string>
#include <vector>


using Cause = Nash::BackendException::Cause;


namespace {


const char* const provider = "OpenAI-compatible upstream 'o'";


// Text with two- and three-byte UTF-8 sequences, a tool call in three
// fragments, the usage chunk and CRLF line ends: every kind of event.
const std::string wholeStream =
	"data: {\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"\"},\"finish_reason\":null}]}\n\n"
	"data: {\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"Caf\xC3\xA9 \"},\"finish_reason\":null}]}\n\n"
	": a comment, which is no event\n\n"
	"data: {\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"\xE6\x97\xA5\xE6\x9C\xAC\"},\"finish_reason\":null}]}\r\n\r\n"
	"data: {\"choices\":[{\"index\":0,\"delta\":{\"tool_calls\":[{\"index\":0,\"id\":\"call_1\",\"type\":\"function\",\"function\":{\"name\":\"get_weather\",\"arguments\":\"\"}}]}}]}\n\n"
	"data: {\"choices\":[{\"index\":0,\"delta\":{\"tool_calls\":[{\"index\":0,\"function\":{\"arguments\":\"{\\\"city\\\": \"}}]}}]}\n\n"
	"data: {\"choices\":[{\"index\":0,\"delta\":{\"tool_calls\":[{\"index\":0,\"function\":{\"arguments\":\"\\\"Paris\\\"}\"}}]}}]}\n\n"
	"data: {\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"tool_calls\"}]}\n\n"
	"data: {\"choices\":[],\"usage\":{\"prompt_tokens\":12,\"completion_tokens\":7,\"total_tokens\":19}}\n\n"
	"data: [DONE]\n\n";


std::vector<std::string> described(const NashTest::RecordingSink& sink)
	/// The sink's calls in order, each with what it was given.
{
	std::vector<std::string> result;
	std::size_t piece = 0, tool = 0, usage = 0, finish = 0;
	for (const auto& event: sink.events)
	{
		if (event == "content")
		{
			result.push_back("content " + sink.pieces.at(piece++));
		}
		else if (event == "tool")
		{
			const Nash::ToolCallDelta& delta = sink.toolCalls.at(tool++);
			result.push_back("tool " + std::to_string(delta.index) + " " + delta.id + " " + delta.name + " " + delta.argumentsFragment);
		}
		else if (event == "usage")
		{
			const Nash::Usage& counts = sink.usages.at(usage++);
			result.push_back("usage " + (counts.promptTokens.isNull() ? std::string("-") : std::to_string(counts.promptTokens.value())) + " " +
				(counts.completionTokens.isNull() ? std::string("-") : std::to_string(counts.completionTokens.value())));
		}
		else
		{
			result.push_back("finish " + sink.finishReasons.at(finish++));
		}
	}
	return result;
}


std::string joined(const std::vector<std::string>& lines)
{
	std::string text;
	for (const auto& line: lines) text += line + "\n";
	return text;
}


void feed(Nash::OpenAiDecoder& decoder, const std::string& bytes, NashTest::RecordingSink& sink)
{
	decoder.feed(bytes.data(), bytes.size(), sink);
}


} // namespace


class OpenAiDecoderTest: public CppUnit::TestFixture
{
	CPPUNIT_TEST_SUITE(OpenAiDecoderTest);
	CPPUNIT_TEST(testWholeStream);
	CPPUNIT_TEST(testByteByByteIsTheSameAsWhole);
	CPPUNIT_TEST(testSplitInALineAndInACharacter);
	CPPUNIT_TEST(testEndWithoutDoneIsIncomplete);
	CPPUNIT_TEST(testDoneWithoutItsBlankLineIsIncomplete);
	CPPUNIT_TEST(testErrorChunkIsReported);
	CPPUNIT_TEST(testDataThatIsNotJsonIsMalformed);
	CPPUNIT_TEST(testLineBeyondTheBoundIsMalformed);
	CPPUNIT_TEST(testBytesAfterDoneAreIgnored);
	CPPUNIT_TEST_SUITE_END();

public:
	void testWholeStream()
	{
		NashTest::RecordingSink sink;
		Nash::OpenAiDecoder decoder(provider, 1024 * 1024);
		feed(decoder, wholeStream, sink);
		CPPUNIT_ASSERT(decoder.isDone());
		decoder.end(sink);
		CPPUNIT_ASSERT_EQUAL(std::string(
			"content Caf\xC3\xA9 \n"
			"content \xE6\x97\xA5\xE6\x9C\xAC\n"
			"tool 0 call_1 get_weather \n"
			"tool 0   {\"city\": \n"
			"tool 0   \"Paris\"}\n"
			"finish tool_calls\n"
			"usage 12 7\n"), joined(described(sink)));
	}

	void testByteByByteIsTheSameAsWhole()
	{
		NashTest::RecordingSink whole;
		Nash::OpenAiDecoder wholeDecoder(provider, 1024 * 1024);
		feed(wholeDecoder, wholeStream, whole);
		wholeDecoder.end(whole);

		NashTest::RecordingSink bytes;
		Nash::OpenAiDecoder byteDecoder(provider, 1024 * 1024);
		for (char c: wholeStream) byteDecoder.feed(&c, 1, bytes);
		byteDecoder.end(bytes);

		CPPUNIT_ASSERT_EQUAL(joined(described(whole)), joined(described(bytes)));
		CPPUNIT_ASSERT_EQUAL(std::size_t(7), bytes.events.size());
	}

	void testSplitInALineAndInACharacter()
	{
		// Every cut of the stream in two gives the same events.
		NashTest::RecordingSink whole;
		Nash::OpenAiDecoder wholeDecoder(provider, 1024 * 1024);
		feed(wholeDecoder, wholeStream, whole);
		wholeDecoder.end(whole);
		std::string expected = joined(described(whole));

		// Inside the two bytes of "é" and inside the three of the first kanji.
		std::size_t e = wholeStream.find("\xC3\xA9");
		std::size_t kanji = wholeStream.find("\xE6\x97\xA5");
		for (std::size_t cut: {e + 1, kanji + 1, kanji + 2, std::size_t(1), wholeStream.size() - 1})
		{
			NashTest::RecordingSink sink;
			Nash::OpenAiDecoder decoder(provider, 1024 * 1024);
			feed(decoder, wholeStream.substr(0, cut), sink);
			feed(decoder, wholeStream.substr(cut), sink);
			decoder.end(sink);
			CPPUNIT_ASSERT_EQUAL_MESSAGE("cut at " + std::to_string(cut), expected, joined(described(sink)));
		}
		for (std::size_t cut = 0; cut <= wholeStream.size(); cut += 7)
		{
			NashTest::RecordingSink sink;
			Nash::OpenAiDecoder decoder(provider, 1024 * 1024);
			feed(decoder, wholeStream.substr(0, cut), sink);
			feed(decoder, wholeStream.substr(cut), sink);
			decoder.end(sink);
			CPPUNIT_ASSERT_EQUAL_MESSAGE("cut at " + std::to_string(cut), expected, joined(described(sink)));
		}
	}

	void testEndWithoutDoneIsIncomplete()
	{
		NashTest::RecordingSink sink;
		Nash::OpenAiDecoder decoder(provider, 1024 * 1024);
		feed(decoder, "data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"Hi\"}}]}\n\n", sink);
		try
		{
			decoder.end(sink);
			CPPUNIT_FAIL("a stream without [DONE] must fail");
		}
		catch (Nash::BackendException& exc)
		{
			CPPUNIT_ASSERT(exc.cause() == Cause::Incomplete);
			CPPUNIT_ASSERT_EQUAL(0, exc.code());
			CPPUNIT_ASSERT_EQUAL(std::string("OpenAI-compatible upstream 'o' ended the stream before it was complete (no [DONE])"), exc.message());
		}
		CPPUNIT_ASSERT_EQUAL(std::string("Hi"), sink.text());

		// Nothing at all.
		Nash::OpenAiDecoder empty(provider, 1024 * 1024);
		CPPUNIT_ASSERT_THROW(empty.end(sink), Nash::BackendException);
	}

	void testDoneWithoutItsBlankLineIsIncomplete()
	{
		// An event is complete with its blank line only: the connection may
		// have broken in the middle of "data: [DONE]".
		NashTest::RecordingSink sink;
		Nash::OpenAiDecoder decoder(provider, 1024 * 1024);
		feed(decoder, "data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"Hi\"}}]}\n\ndata: [DONE]\n", sink);
		CPPUNIT_ASSERT(!decoder.isDone());
		try
		{
			decoder.end(sink);
			CPPUNIT_FAIL("a [DONE] without its blank line must not count");
		}
		catch (Nash::BackendException& exc)
		{
			CPPUNIT_ASSERT(exc.cause() == Cause::Incomplete);
		}
	}

	void testErrorChunkIsReported()
	{
		NashTest::RecordingSink sink;
		Nash::OpenAiDecoder decoder(provider, 1024 * 1024);
		feed(decoder, "data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"Hi\"}}]}\n\n", sink);
		try
		{
			feed(decoder, "data: {\"error\":{\"message\":\"Overloaded\",\"type\":\"server_error\"}}\n\n", sink);
			CPPUNIT_FAIL("an error chunk must throw");
		}
		catch (Nash::BackendException& exc)
		{
			CPPUNIT_ASSERT(exc.cause() == Cause::ErrorReported);
			CPPUNIT_ASSERT_EQUAL(std::string("OpenAI-compatible upstream 'o' reported an error mid-stream: Overloaded"), exc.message());
		}
		CPPUNIT_ASSERT_EQUAL(std::string("Hi"), sink.text());

		// An error as a string, and one without a message.
		Nash::OpenAiDecoder plain(provider, 1024 * 1024);
		try
		{
			feed(plain, "data: {\"error\":\"rate limited\"}\n\n", sink);
			CPPUNIT_FAIL("an error chunk must throw");
		}
		catch (Nash::BackendException& exc)
		{
			CPPUNIT_ASSERT(exc.cause() == Cause::ErrorReported);
			CPPUNIT_ASSERT_EQUAL(std::string("OpenAI-compatible upstream 'o' reported an error mid-stream: rate limited"), exc.message());
		}
		Nash::OpenAiDecoder silent(provider, 1024 * 1024);
		try
		{
			feed(silent, "data: {\"error\":{}}\n\n", sink);
			CPPUNIT_FAIL("an error chunk must throw");
		}
		catch (Nash::BackendException& exc)
		{
			CPPUNIT_ASSERT_EQUAL(std::string("OpenAI-compatible upstream 'o' reported an error mid-stream: (no message)"), exc.message());
		}
	}

	void testDataThatIsNotJsonIsMalformed()
	{
		for (const char* data: {"{\"choices\": [", "[1, 2]", "plain text"})
		{
			NashTest::RecordingSink sink;
			Nash::OpenAiDecoder decoder(provider, 1024 * 1024);
			try
			{
				feed(decoder, std::string("data: ") + data + "\n\n", sink);
				CPPUNIT_FAIL(std::string("accepted ") + data);
			}
			catch (Nash::BackendException& exc)
			{
				CPPUNIT_ASSERT(exc.cause() == Cause::Malformed);
				CPPUNIT_ASSERT_EQUAL(std::string("OpenAI-compatible upstream 'o' sent data that is not a JSON object: ") + data, exc.message());
			}
		}
	}

	void testLineBeyondTheBoundIsMalformed()
	{
		NashTest::RecordingSink sink;
		Nash::OpenAiDecoder decoder(provider, 1024);
		std::string line = "data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"" + std::string(2000, 'x') + "\"}}]}\n\n";
		try
		{
			feed(decoder, line, sink);
			CPPUNIT_FAIL("a line beyond the bound was taken");
		}
		catch (Nash::BackendException& exc)
		{
			CPPUNIT_ASSERT(exc.cause() == Cause::Malformed);
			CPPUNIT_ASSERT_MESSAGE(exc.message(), exc.message().find("OpenAI-compatible upstream 'o' sent an unusable stream: ") == 0);
			CPPUNIT_ASSERT_MESSAGE(exc.message(), exc.message().find("longer than 1024 bytes") != std::string::npos);
		}
		CPPUNIT_ASSERT(sink.events.empty());
	}

	void testBytesAfterDoneAreIgnored()
	{
		NashTest::RecordingSink sink;
		Nash::OpenAiDecoder decoder(provider, 1024 * 1024);
		feed(decoder, "data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"A\"}}]}\n\ndata: [DONE]\n\n"
			"data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"B\"}}]}\n\ndata: not json\n\n", sink);
		feed(decoder, "data: {\"error\":\"late\"}\n\n", sink);
		decoder.end(sink);
		CPPUNIT_ASSERT_EQUAL(std::string("A"), sink.text());
		CPPUNIT_ASSERT_EQUAL(std::size_t(1), sink.events.size());
	}
};


CPPUNIT_TEST_SUITE_REGISTRATION(OpenAiDecoderTest);
