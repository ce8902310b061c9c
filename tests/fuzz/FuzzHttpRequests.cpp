//
// FuzzHttpRequests.cpp
//
// The connection layer's parsing, fed bytes as a client sends them. Two
// checks, chosen by the first byte of the input:
//
//   - Any bytes, cut into pieces at places the input chooses: the requests
//     read from them (heads, bodies, the failure that ends them) are the
//     same as when the bytes come all at once, and no byte is used twice
//     or skipped.
//   - A POST whose body is the rest of the input, framed by Content-Length
//     or by chunks of sizes the input chooses, then a GET: exactly these two
//     requests are read, the POST's body byte for byte, so that no byte of
//     a body is ever taken for a request, whatever it holds.
//


#include "core/http/RequestParser.h"
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>


namespace {


struct Message
{
	std::string method;
	std::string target;
	std::vector<std::pair<std::string, std::string>> fields;
	std::string body;

	bool operator == (const Message& other) const
	{
		return method == other.method && target == other.target && fields == other.fields && body == other.body;
	}
};


struct Outcome
{
	std::vector<Message> messages;
	int failure = 0;
	std::string reason;
	std::size_t used = 0;

	bool operator == (const Outcome& other) const
	{
		// Where a failure stops reading may depend on the pieces; that it
		// fails, and with what status, may not.
		return messages == other.messages && failure == other.failure && (failure != 0 || used == other.used);
	}
};


void check(bool condition, const char* what)
{
	if (!condition)
	{
		std::fprintf(stderr, "invariant broken: %s\n", what);
		std::abort();
	}
}


std::string describe(const Outcome& outcome)
{
	std::string text = std::to_string(outcome.messages.size()) + " requests";
	for (const auto& message: outcome.messages)
		text += " [" + message.method + " " + message.target + ", " + std::to_string(message.fields.size()) + " fields, body " + std::to_string(message.body.size()) + "]";
	return text + ", failure " + std::to_string(outcome.failure) + " (" + outcome.reason + "), used " + std::to_string(outcome.used);
}


void same(const Outcome& expected, const Outcome& actual, const char* what)
{
	if (expected == actual) return;
	std::fprintf(stderr, "expected: %s\nactual:   %s\n", describe(expected).c_str(), describe(actual).c_str());
	check(false, what);
}


Outcome readRequests(const std::string& input, const std::vector<std::size_t>& cuts, bool endOfInput)
	/// What the server reads from input arriving in pieces that end at cuts,
	/// as HttpConnection drives the parser: head, then body, then the next
	/// message after the previous one is complete.
{
	Nash::RequestParser::Limits limits;
	limits.maxHeadBytes = 4096;
	limits.maxFields = 20;
	limits.maxTargetBytes = 1024;
	Nash::RequestParser parser(limits);
	Outcome outcome;
	std::string pending;
	std::size_t next = 0;
	std::size_t cut = 0;
	std::string body;
	auto step = [&]() -> bool
		/// Uses what it can of pending; false when it needs more bytes.
	{
		switch (parser.phase())
		{
		case Nash::RequestParser::Phase::Head:
		{
			std::size_t used = parser.parseHead(pending.data(), pending.size());
			check(used <= pending.size(), "the head used more than it was given");
			pending.erase(0, used);
			outcome.used += used;
			return parser.phase() != Nash::RequestParser::Phase::Head;
		}
		case Nash::RequestParser::Phase::Body:
		{
			std::size_t used = parser.parseBody(pending.data(), pending.size(), body, 1 << 20);
			check(used <= pending.size(), "the body used more than it was given");
			pending.erase(0, used);
			outcome.used += used;
			return parser.phase() != Nash::RequestParser::Phase::Body;
		}
		case Nash::RequestParser::Phase::Complete:
		{
			Message message;
			message.method = parser.head().method;
			message.target = parser.head().target;
			message.fields = parser.head().fields;
			message.body.swap(body);
			check(parser.bodyBytesRead() == message.body.size(), "bodyBytesRead() is not the body's size");
			check(message.body.empty() || parser.head().hasBody(), "a body on a request without framing");
			outcome.messages.push_back(std::move(message));
			parser.nextMessage();
			return true;
		}
		case Nash::RequestParser::Phase::Failed:
			return false;
		}
		return false;
	};
	for (;;)
	{
		while (step())
		{
		}
		if (parser.phase() == Nash::RequestParser::Phase::Failed) break;
		if (next >= input.size()) break;
		std::size_t end = cut < cuts.size() ? std::min(input.size(), next + cuts[cut++]) : input.size();
		if (end == next) end = next + 1;
		pending.append(input, next, end - next);
		next = end;
	}
	if (parser.phase() != Nash::RequestParser::Phase::Failed && endOfInput)
	{
		parser.endOfInput();
	}
	if (parser.phase() == Nash::RequestParser::Phase::Failed)
	{
		outcome.failure = parser.failureStatus();
		outcome.reason = parser.failureReason();
		check(outcome.failure >= 400 && outcome.failure < 600, "a failure without an error status");
		check(!parser.failureReason().empty(), "a failure without a reason");
	}
	return outcome;
}


void anyBytes(const std::uint8_t* data, std::size_t size)
{
	// The first bytes say where to cut the rest.
	std::size_t cutCount = size > 0 ? data[0] % 8 : 0;
	std::vector<std::size_t> cuts;
	std::size_t at = 1;
	for (; at < size && cuts.size() < cutCount; ++at) cuts.push_back(data[at] % 64);
	std::string input(reinterpret_cast<const char*>(data) + std::min(at, size), size - std::min(at, size));
	Outcome whole = readRequests(input, {}, true);
	Outcome pieces = readRequests(input, cuts, true);
	Outcome bytewise = readRequests(input, std::vector<std::size_t>(input.size(), 1), true);
	same(whole, pieces, "pieces read differently from the whole");
	same(whole, bytewise, "single bytes read differently from the whole");
	check(whole.used <= input.size(), "more bytes used than sent");
	if (whole.failure == 0) check(whole.used == input.size(), "bytes skipped without a failure");
}


void framedBody(const std::uint8_t* data, std::size_t size)
{
	bool chunked = size > 1 && (data[1] & 1);
	std::size_t chunkSize = size > 2 ? 1 + data[2] % 32 : 8;
	std::size_t skip = std::min<std::size_t>(3, size);
	std::string body(reinterpret_cast<const char*>(data) + skip, size - skip);
	std::string input = "POST /v1/chat/completions/stream HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n";
	if (chunked)
	{
		input += "Transfer-Encoding: chunked\r\n\r\n";
		for (std::size_t at = 0; at < body.size(); at += chunkSize)
		{
			std::size_t length = std::min(chunkSize, body.size() - at);
			char size[32];
			std::snprintf(size, sizeof(size), "%zx\r\n", length);
			input += size;
			input.append(body, at, length);
			input += "\r\n";
		}
		input += "0\r\n\r\n";
	}
	else
	{
		input += "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body;
	}
	input += "GET /health HTTP/1.1\r\nHost: localhost\r\n\r\n";
	std::vector<std::size_t> cuts;
	for (std::size_t i = 0; i < size && cuts.size() < 16; ++i) cuts.push_back(1 + data[i] % 97);
	for (const auto& pieces: {std::vector<std::size_t>(), cuts})
	{
		Outcome outcome = readRequests(input, pieces, false);
		check(outcome.failure == 0, "a well-framed POST failed");
		check(outcome.messages.size() == 2, "not exactly two requests from a POST and a GET");
		check(outcome.messages[0].method == "POST" && outcome.messages[0].body == body, "the POST's body changed");
		check(outcome.messages[1].method == "GET" && outcome.messages[1].target == "/health", "the GET was not the second request");
		check(outcome.used == input.size(), "bytes left over");
	}
}


} // namespace


extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
	if (size > 0 && (data[0] & 0x80)) framedBody(data, size);
	else anyBytes(data, size);
	return 0;
}
