//
// OllamaDecoderTest.cpp
//
// The decoding of a streamed /api/chat answer (NDJSON) into sink calls, the
// decoder fed directly, in pieces of every size.
//


#include "OllamaDecoder.h"
#include "RecordingSink.h"
#include "Nash/BackendException.h"
#include <cppunit/extensions/HelperMacros.h>
#include <string>
#include <vector>


using Cause = Nash::BackendException::Cause;


namespace {


const char* const provider = "Ollama upstream 'o'";


// Text with two- and three-byte UTF-8 sequences, a blank line, CRLF line
// ends, a tool call, and a final line without its newline.
const std::string wholeStream =
	"{\"model\":\"m\",\"message\":{\"role\":\"assistant\",\"content\":\"Caf\xC3\xA9 \"},\"done\":false}\n"
	"\r\n"
	"{\"model\":\"m\",\"message\":{\"role\":\"assistant\",\"content\":\"\xE6\x97\xA5\xE6\x9C\xAC\"},\"done\":false}\r\n"
	"{\"model\":\"m\",\"message\":{\"role\":\"assistant\",\"content\":\"\",\"tool_calls\":[{\"function\":{\"name\":\"get_weather\",\"arguments\":{\"city\":\"Paris\"}}}]},\"done\":false}\n"
	"{\"model\":\"m\",\"message\":{\"role\":\"assistant\",\"content\":\"\"},\"done\":true,\"done_reason\":\"stop\",\"prompt_eval_count\":11,\"eval_count\":2}";


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


void feed(Nash::OllamaDecoder& decoder, const std::string& bytes, NashTest::RecordingSink& sink)
{
	decoder.feed(bytes.data(), bytes.size(), sink);
}


} // namespace


class OllamaDecoderTest: public CppUnit::TestFixture
{
	CPPUNIT_TEST_SUITE(OllamaDecoderTest);
	CPPUNIT_TEST(testWholeStream);
	CPPUNIT_TEST(testByteByByteIsTheSameAsWhole);
	CPPUNIT_TEST(testSplitInALineAndInACharacter);
	CPPUNIT_TEST(testEndWithoutDoneIsIncomplete);
	CPPUNIT_TEST(testErrorLineIsReported);
	CPPUNIT_TEST(testLineThatIsNotJsonIsMalformed);
	CPPUNIT_TEST(testLineBeyondTheBoundIsMalformed);
	CPPUNIT_TEST(testBytesAfterDoneAreIgnored);
	CPPUNIT_TEST_SUITE_END();

public:
	void testWholeStream()
	{
		NashTest::RecordingSink sink;
		Nash::OllamaDecoder decoder(provider, 1024 * 1024);
		feed(decoder, wholeStream, sink);
		// The last line has no newline: only the end of the body completes it.
		CPPUNIT_ASSERT(!decoder.isComplete());
		decoder.end(sink);
		CPPUNIT_ASSERT(decoder.isComplete());
		CPPUNIT_ASSERT_EQUAL(std::string(
			"content Caf\xC3\xA9 \n"
			"content \xE6\x97\xA5\xE6\x9C\xAC\n"
			"tool 0 call_0 get_weather {\"city\":\"Paris\"}\n"
			"usage 11 2\n"
			"finish tool_calls\n"), joined(described(sink)));
	}

	void testByteByByteIsTheSameAsWhole()
	{
		NashTest::RecordingSink whole;
		Nash::OllamaDecoder wholeDecoder(provider, 1024 * 1024);
		feed(wholeDecoder, wholeStream, whole);
		wholeDecoder.end(whole);

		NashTest::RecordingSink bytes;
		Nash::OllamaDecoder byteDecoder(provider, 1024 * 1024);
		for (char c: wholeStream) byteDecoder.feed(&c, 1, bytes);
		byteDecoder.end(bytes);

		CPPUNIT_ASSERT_EQUAL(joined(described(whole)), joined(described(bytes)));
		CPPUNIT_ASSERT_EQUAL(std::size_t(5), bytes.events.size());
	}

	void testSplitInALineAndInACharacter()
	{
		NashTest::RecordingSink whole;
		Nash::OllamaDecoder wholeDecoder(provider, 1024 * 1024);
		feed(wholeDecoder, wholeStream, whole);
		wholeDecoder.end(whole);
		std::string expected = joined(described(whole));

		// Inside the two bytes of "é", inside the three of the first kanji,
		// between CR and LF, and every seventh byte.
		std::vector<std::size_t> cuts = {wholeStream.find("\xC3\xA9") + 1, wholeStream.find("\xE6\x97\xA5") + 1,
			wholeStream.find("\xE6\x97\xA5") + 2, wholeStream.find("\r\n") + 1};
		for (std::size_t cut = 0; cut <= wholeStream.size(); cut += 7) cuts.push_back(cut);
		for (std::size_t cut: cuts)
		{
			NashTest::RecordingSink sink;
			Nash::OllamaDecoder decoder(provider, 1024 * 1024);
			feed(decoder, wholeStream.substr(0, cut), sink);
			feed(decoder, wholeStream.substr(cut), sink);
			decoder.end(sink);
			CPPUNIT_ASSERT_EQUAL_MESSAGE("cut at " + std::to_string(cut), expected, joined(described(sink)));
		}
	}

	void testEndWithoutDoneIsIncomplete()
	{
		NashTest::RecordingSink sink;
		Nash::OllamaDecoder decoder(provider, 1024 * 1024);
		feed(decoder, "{\"message\":{\"role\":\"assistant\",\"content\":\"Reply\"},\"done\":false}\n", sink);
		try
		{
			decoder.end(sink);
			CPPUNIT_FAIL("a stream without done must fail");
		}
		catch (Nash::BackendException& exc)
		{
			CPPUNIT_ASSERT(exc.cause() == Cause::Incomplete);
			CPPUNIT_ASSERT_EQUAL(0, exc.code());
			CPPUNIT_ASSERT_EQUAL(std::string("Ollama upstream 'o' ended the stream before it was complete (no line with \"done\": true)"), exc.message());
		}
		CPPUNIT_ASSERT_EQUAL(std::string("Reply"), sink.text());
		CPPUNIT_ASSERT(sink.finishReasons.empty());

		// "done": false at the end, and a done that is no boolean.
		Nash::OllamaDecoder notDone(provider, 1024 * 1024);
		feed(notDone, "{\"message\":{\"content\":\"\"},\"done\":\"true\"}", sink);
		CPPUNIT_ASSERT_THROW(notDone.end(sink), Nash::BackendException);
	}

	void testErrorLineIsReported()
	{
		NashTest::RecordingSink sink;
		Nash::OllamaDecoder decoder(provider, 1024 * 1024);
		feed(decoder, "{\"message\":{\"role\":\"assistant\",\"content\":\"Hi\"},\"done\":false}\n", sink);
		try
		{
			feed(decoder, "{\"error\":\"an error was encountered while running the model\"}\n", sink);
			CPPUNIT_FAIL("an error line must throw");
		}
		catch (Nash::BackendException& exc)
		{
			CPPUNIT_ASSERT(exc.cause() == Cause::ErrorReported);
			CPPUNIT_ASSERT_EQUAL(std::string("Ollama upstream 'o' reported an error mid-stream: an error was encountered while running the model"), exc.message());
		}
		CPPUNIT_ASSERT_EQUAL(std::string("Hi"), sink.text());

		// As the last line, without its newline.
		Nash::OllamaDecoder last(provider, 1024 * 1024);
		feed(last, "{\"error\":{\"message\":\"boom\"}}", sink);
		try
		{
			last.end(sink);
			CPPUNIT_FAIL("an error line must throw");
		}
		catch (Nash::BackendException& exc)
		{
			CPPUNIT_ASSERT(exc.cause() == Cause::ErrorReported);
			CPPUNIT_ASSERT_EQUAL(std::string("Ollama upstream 'o' reported an error mid-stream: boom"), exc.message());
		}
	}

	void testLineThatIsNotJsonIsMalformed()
	{
		for (const char* line: {"{\"message\": {", "[1, 2]", "plain text"})
		{
			NashTest::RecordingSink sink;
			Nash::OllamaDecoder decoder(provider, 1024 * 1024);
			try
			{
				feed(decoder, std::string(line) + "\n", sink);
				CPPUNIT_FAIL(std::string("accepted ") + line);
			}
			catch (Nash::BackendException& exc)
			{
				CPPUNIT_ASSERT(exc.cause() == Cause::Malformed);
				CPPUNIT_ASSERT_EQUAL(std::string("Ollama upstream 'o' sent data that is not a JSON object: ") + line, exc.message());
			}
		}
	}

	void testLineBeyondTheBoundIsMalformed()
	{
		NashTest::RecordingSink sink;
		Nash::OllamaDecoder decoder(provider, 1024);
		std::string line = "{\"message\":{\"role\":\"assistant\",\"content\":\"" + std::string(2000, 'x') + "\"},\"done\":false}\n";
		try
		{
			feed(decoder, line, sink);
			CPPUNIT_FAIL("a line beyond the bound was taken");
		}
		catch (Nash::BackendException& exc)
		{
			CPPUNIT_ASSERT(exc.cause() == Cause::Malformed);
			CPPUNIT_ASSERT_EQUAL(std::string("Ollama upstream 'o' sent an unusable stream: JSON line longer than 1024 bytes"), exc.message());
		}
		CPPUNIT_ASSERT(sink.events.empty());
	}

	void testBytesAfterDoneAreIgnored()
	{
		// Not even parsed: what follows the answer may be anything.
		NashTest::RecordingSink sink;
		Nash::OllamaDecoder decoder(provider, 1024 * 1024);
		feed(decoder, "{\"message\":{\"role\":\"assistant\",\"content\":\"A\"},\"done\":true}\n"
			"{\"message\":{\"role\":\"assistant\",\"content\":\"B\"},\"done\":false}\nnot json\n", sink);
		feed(decoder, "{\"error\":\"late\"}\n", sink);
		decoder.end(sink);
		CPPUNIT_ASSERT_EQUAL(std::string("A"), sink.text());
		CPPUNIT_ASSERT_EQUAL(std::size_t(1), sink.finishReasons.size());
	}
};


CPPUNIT_TEST_SUITE_REGISTRATION(OllamaDecoderTest);
