//
// FuzzHttpResponses.cpp
//
// The upstream side's response parser (ResponseParser), fed bytes as an
// upstream sends them. Two checks, chosen by the first byte of the input:
//
//   - Any bytes, cut into pieces at places the input chooses, then the
//     connection's close: the answer read (status, reason, fields, body,
//     whether it failed, how many bytes it used) is the same as when the
//     bytes come all at once, and the head is known before any body byte.
//   - A 200 whose body is the rest of the input, framed by Content-Length
//     or by chunks of sizes the input chooses: exactly that body is read,
//     byte for byte, whatever it holds, and the bytes after it are unused.
//


#include "core/http/ResponseParser.h"
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <utility>
#include <vector>


namespace {


struct Outcome
{
	Nash::ResponseParser::Phase phase = Nash::ResponseParser::Phase::Head;
	int status = 0;
	std::string reason;
	std::vector<std::pair<std::string, std::string>> fields;
	std::string body;
	std::size_t used = 0;
	bool keepAlive = false;

	bool operator == (const Outcome& other) const
	{
		// Where a failure stops reading may depend on the pieces; that it
		// fails may not.
		bool failed = phase == Nash::ResponseParser::Phase::Failed;
		if (failed != (other.phase == Nash::ResponseParser::Phase::Failed)) return false;
		if (failed) return true;
		return phase == other.phase && status == other.status && reason == other.reason && fields == other.fields &&
			body == other.body && used == other.used && keepAlive == other.keepAlive;
	}
};


void check(bool condition, const char* what)
{
	if (!condition)
	{
		std::fprintf(stderr, "check failed: %s\n", what);
		std::abort();
	}
}


Outcome parse(const std::string& bytes, const std::vector<std::size_t>& cuts)
	/// Feeds bytes in pieces ending at cuts (ascending), then the close.
{
	Outcome outcome;
	Nash::ResponseParser parser;
	bool bodyBeforeHead = false;
	parser.setBodyCallback([&](const char* data, std::size_t length) {
		if (parser.status() == 0) bodyBeforeHead = true;
		outcome.body.append(data, length);
	});
	std::size_t position = 0;
	std::vector<std::size_t> ends = cuts;
	ends.push_back(bytes.size());
	for (std::size_t end: ends)
	{
		while (position < end && (parser.phase() == Nash::ResponseParser::Phase::Head || parser.phase() == Nash::ResponseParser::Phase::Body))
		{
			std::size_t used = parser.parse(bytes.data() + position, end - position);
			check(used <= end - position, "no byte is used beyond the piece");
			position += used;
			if (used == 0 && parser.phase() == Nash::ResponseParser::Phase::Head) break;
		}
	}
	parser.finish();
	check(!bodyBeforeHead, "the head is complete before the body's first byte");
	outcome.phase = parser.phase();
	check(outcome.phase == Nash::ResponseParser::Phase::Complete || outcome.phase == Nash::ResponseParser::Phase::Failed,
		"the close ends every answer");
	check(outcome.phase != Nash::ResponseParser::Phase::Failed || !parser.failureReason().empty(), "a failure says why");
	outcome.status = parser.status();
	outcome.reason = parser.reason();
	for (const auto& field: parser.headers()) outcome.fields.emplace_back(field.first, field.second);
	outcome.used = position;
	outcome.keepAlive = parser.keepAlive();
	check(parser.bodyBytes() == outcome.body.size(), "every body byte is counted");
	return outcome;
}


void splitCheck(const std::uint8_t* data, std::size_t size)
{
	// The first byte says how many cut points lead the input; each cut is one byte.
	std::size_t cutCount = size > 0 ? data[0] % 8 : 0;
	if (size < 1 + cutCount) return;
	std::string bytes(reinterpret_cast<const char*>(data + 1 + cutCount), size - 1 - cutCount);
	std::vector<std::size_t> cuts;
	std::size_t last = 0;
	for (std::size_t i = 0; i < cutCount; ++i)
	{
		std::size_t cut = last + data[1 + i];
		if (cut > bytes.size()) break;
		cuts.push_back(cut);
		last = cut;
	}
	Outcome whole = parse(bytes, {});
	Outcome pieces = parse(bytes, cuts);
	check(whole == pieces, "the pieces give the same answer as the whole");
}


void framedCheck(const std::uint8_t* data, std::size_t size)
{
	if (size < 2) return;
	bool chunked = (data[1] & 1) != 0;
	std::string body(reinterpret_cast<const char*>(data + 2), size - 2);
	std::string bytes = "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\n";
	if (chunked)
	{
		bytes += "Transfer-Encoding: chunked\r\n\r\n";
		std::size_t position = 0;
		std::size_t step = 1 + (data[1] >> 1);
		while (position < body.size())
		{
			std::size_t length = std::min(step, body.size() - position);
			char size_line[32];
			std::snprintf(size_line, sizeof(size_line), "%zx\r\n", length);
			bytes += size_line;
			bytes.append(body, position, length);
			bytes += "\r\n";
			position += length;
		}
		bytes += "0\r\n\r\n";
	}
	else
	{
		bytes += "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n";
		bytes += body;
	}
	std::size_t answerSize = bytes.size();
	bytes += "HTTP/1.1 200 OK\r\n";
	Outcome outcome = parse(bytes, {answerSize / 2});
	check(outcome.phase == Nash::ResponseParser::Phase::Complete, "a framed answer completes");
	check(outcome.body == body, "the body is read byte for byte");
	check(outcome.used == answerSize, "nothing after the answer is used");
	check(outcome.keepAlive, "a framed HTTP/1.1 answer keeps the connection");
}


} // namespace


extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
	if (size == 0) return 0;
	if (data[0] & 0x80)
		framedCheck(data, size);
	else
		splitCheck(data, size);
	return 0;
}
