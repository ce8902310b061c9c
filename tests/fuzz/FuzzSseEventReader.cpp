//
// FuzzSseEventReader.cpp
//
// What an MCP server may send on an event stream, read by the mcp_http
// plugin's SseEventReader with a small limit, so that oversized lines and
// events (skipped or not) are reached often.
//


#include "McpMessageText.h"
#include "SseEventReader.h"
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <sstream>
#include <string>


extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
	if (size < 1) return 0;
	// The first byte chooses the limit, and whether oversized events are
	// skipped (as the long-lived streams do) or end the reading (as a
	// POST's answer does).
	std::size_t limit = 16 + (data[0] & 0x7f) * 8;
	bool skip = (data[0] & 0x80) != 0;
	std::istringstream in(std::string(reinterpret_cast<const char*>(data + 1), size - 1));
	Nash::SseEventReader reader(in, limit);
	Nash::SseEventReader::Event event;
	for (std::size_t events = 0; events < size + 2; ++events)
	{
		Nash::SseEventReader::Result result = reader.next(event);
		if (result == Nash::SseEventReader::END) break;
		if (event.data.size() > limit) std::abort();
		if (result == Nash::SseEventReader::TOO_LARGE)
		{
			if (!skip) break;
			bool skipped = reader.skipOversized();
			if (reader.oversizedHead().size() > Nash::SseEventReader::ENDS_KEPT) std::abort();
			if (reader.oversizedTail().size() > Nash::SseEventReader::ENDS_KEPT) std::abort();
			Nash::McpMessageText::responseId(reader.oversizedHead(), reader.oversizedTail());
			if (!skipped) break;
		}
	}
	return 0;
}
