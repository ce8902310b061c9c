//
// FuzzStreamParsers.cpp
//
// What an upstream may send: an SSE or NDJSON stream cut into reads at
// places the input chooses, each event or line then read as a chunk.
//


#include "NashUpstream/NdjsonParser.h"
#include "NashUpstream/SseParser.h"
#include "OpenAiChunkScanner.h"
#include "Poco/Exception.h"
#include "Poco/JSON/Parser.h"
#include <cstddef>
#include <cstdint>
#include <string>


namespace {


void readChunk(Nash::OpenAiChunkScanner& scanner, const std::string& text)
{
	try
	{
		if (!scanner.scan(text))
		{
			Poco::JSON::Parser parser;
			parser.parse(text);
		}
	}
	catch (Poco::Exception&)
	{
	}
}


} // namespace


extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
	if (size < 1) return 0;
	// The first byte chooses the size of the reads.
	std::size_t step = 1 + data[0] % 64;
	const char* text = reinterpret_cast<const char*>(data + 1);
	std::size_t length = size - 1;
	Nash::OpenAiChunkScanner scanner;
	try
	{
#if defined(NASH_FUZZ_SSE)
		NashUpstream::SseParser parser([&](const NashUpstream::SseEvent& event) { readChunk(scanner, event.data); }, 4096);
#else
		NashUpstream::NdjsonParser parser([&](const std::string& line) { readChunk(scanner, line); }, 4096);
#endif
		for (std::size_t i = 0; i < length; i += step) parser.feed(text + i, std::min(step, length - i));
		parser.finish();
	}
	catch (Poco::DataFormatException&)
	{
		// A line over the cap is refused, as it must be.
	}
	return 0;
}
