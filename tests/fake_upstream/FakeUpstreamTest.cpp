//
// FakeUpstreamTest.cpp
//
// The fake provider itself: each API's answers and streams, the faults the
// model name asks for, and the numbers of /_stats.
//


#include "HttpTestClient.h"
#include "ServerProcess.h"
#include "TestEnvironment.h"
#include "Poco/JSON/Array.h"
#include "Poco/JSON/Parser.h"
#include "Poco/Net/HTTPClientSession.h"
#include "Poco/Net/HTTPRequest.h"
#include "Poco/Net/HTTPResponse.h"
#include "Poco/Net/SocketAddress.h"
#include "Poco/Net/StreamSocket.h"
#include "Poco/StreamCopier.h"
#include "Poco/Timespan.h"
#include "Poco/DateTime.h"
#include "Poco/DateTimeParser.h"
#include "Poco/Timestamp.h"
#include <chrono>
#include <cppunit/extensions/HelperMacros.h>
#include <map>
#include <memory>
#include <sstream>
#include <utility>
#include <vector>


using NashTest::HttpResult;
using NashTest::HttpTestClient;


namespace {


using Headers = std::vector<std::pair<std::string, std::string>>;


struct SseEvent
{
	std::string name;
	std::string data;
};


Poco::JSON::Object::Ptr parseObject(const std::string& text)
{
	return Poco::JSON::Parser().parse(text).extract<Poco::JSON::Object::Ptr>();
}


bool isJson(const std::string& text)
{
	try
	{
		Poco::JSON::Parser().parse(text);
		return true;
	}
	catch (Poco::Exception&)
	{
		return false;
	}
}


std::string chatBody(const std::string& model, const std::string& userText, const std::string& extra = "")
{
	return "{\"model\": \"" + model + "\", " + extra + (extra.empty() ? "" : ", ") +
		"\"messages\": [{\"role\": \"system\", \"content\": \"be brief\"}, "
		"{\"role\": \"user\", \"content\": \"first question\"}, "
		"{\"role\": \"assistant\", \"content\": \"an answer\"}, "
		"{\"role\": \"user\", \"content\": \"" + userText + "\"}]}";
}


std::vector<SseEvent> sseEvents(const std::string& body)
	/// The events of a text/event-stream body, with their names when named.
{
	std::vector<SseEvent> events;
	std::istringstream in(body);
	std::string line;
	SseEvent event;
	while (std::getline(in, line))
	{
		if (line.compare(0, 7, "event: ") == 0) event.name = line.substr(7);
		else if (line.compare(0, 6, "data: ") == 0) event.data = line.substr(6);
		else if (line.empty() && !event.data.empty())
		{
			events.push_back(event);
			event = SseEvent();
		}
	}
	return events;
}


std::vector<std::string> lines(const std::string& body)
{
	std::vector<std::string> result;
	std::istringstream in(body);
	std::string line;
	while (std::getline(in, line))
	{
		if (!line.empty()) result.push_back(line);
	}
	return result;
}


std::string openAiContent(const std::vector<std::string>& events)
	/// The delta contents of OpenAI chunks joined; skips what is not JSON.
{
	std::string text;
	for (const auto& data: events)
	{
		if (!isJson(data)) continue;
		Poco::JSON::Array::Ptr choices = parseObject(data)->getArray("choices");
		if (!choices || choices->size() == 0) continue;
		Poco::JSON::Object::Ptr delta = choices->getObject(0)->getObject("delta");
		if (delta && delta->has("content") && !delta->isNull("content")) text += delta->getValue<std::string>("content");
	}
	return text;
}


bool wholeUtf8(const std::string& text)
	/// Whether text begins and ends on UTF-8 sequence boundaries.
{
	std::size_t pos = 0;
	while (pos < text.size())
	{
		unsigned char lead = static_cast<unsigned char>(text[pos]);
		std::size_t length = lead < 0x80 ? 1 : lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : lead >= 0xC0 ? 2 : 0;
		if (length == 0 || pos + length > text.size()) return false;
		for (std::size_t i = 1; i < length; ++i)
		{
			if ((static_cast<unsigned char>(text[pos + i]) & 0xC0) != 0x80) return false;
		}
		pos += length;
	}
	return true;
}


bool idOf(const std::string& id, const std::string& prefix)
	/// prefix and 24 letters or digits.
{
	if (id.size() != prefix.size() + 24 || id.compare(0, prefix.size(), prefix) != 0) return false;
	for (std::size_t i = prefix.size(); i < id.size(); ++i)
	{
		char c = id[i];
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'))) return false;
	}
	return true;
}


struct StreamedCall
{
	std::string id;
	std::string name;
	std::string arguments;
		/// The fragments joined.
	int fragments = 0;
	bool fragmentsSmall = true;
		/// Every fragment at most 4 bytes and whole UTF-8.
};


struct StreamedTurn
	/// A streamed answer put together as a client would: the text deltas,
	/// the calls by block (Anthropic) or by index (OpenAI), the stop reason.
{
	std::vector<std::string> textDeltas;
	std::map<int, StreamedCall> calls;
	std::string stop;
	int outputTokens = 0;

	std::string text() const
	{
		std::string joined;
		for (const auto& delta: textDeltas) joined += delta;
		return joined;
	}
};


void addFragment(StreamedCall& call, const std::string& fragment)
{
	call.arguments += fragment;
	++call.fragments;
	if (fragment.size() > 4 || !wholeUtf8(fragment)) call.fragmentsSmall = false;
}


StreamedTurn anthropicTurn(const std::string& body)
{
	StreamedTurn turn;
	for (const auto& event: sseEvents(body))
	{
		Poco::JSON::Object::Ptr data = parseObject(event.data);
		if (event.name == "content_block_start")
		{
			Poco::JSON::Object::Ptr block = data->getObject("content_block");
			if (block->getValue<std::string>("type") != "tool_use") continue;
			StreamedCall& call = turn.calls[data->getValue<int>("index")];
			call.id = block->getValue<std::string>("id");
			call.name = block->getValue<std::string>("name");
		}
		else if (event.name == "content_block_delta")
		{
			Poco::JSON::Object::Ptr delta = data->getObject("delta");
			if (delta->getValue<std::string>("type") == "text_delta") turn.textDeltas.push_back(delta->getValue<std::string>("text"));
			else addFragment(turn.calls[data->getValue<int>("index")], delta->getValue<std::string>("partial_json"));
		}
		else if (event.name == "message_delta")
		{
			turn.stop = data->getObject("delta")->getValue<std::string>("stop_reason");
			turn.outputTokens = data->getObject("usage")->getValue<int>("output_tokens");
		}
	}
	return turn;
}


StreamedTurn openAiTurn(const std::string& body)
{
	StreamedTurn turn;
	for (const auto& data: HttpTestClient::dataEvents(body))
	{
		if (data == "[DONE]") continue;
		Poco::JSON::Object::Ptr chunk = parseObject(data);
		if (chunk->has("usage")) turn.outputTokens = chunk->getObject("usage")->getValue<int>("completion_tokens");
		Poco::JSON::Array::Ptr choices = chunk->getArray("choices");
		if (choices->size() == 0) continue;
		Poco::JSON::Object::Ptr choice = choices->getObject(0);
		if (!choice->isNull("finish_reason")) turn.stop = choice->getValue<std::string>("finish_reason");
		Poco::JSON::Object::Ptr delta = choice->getObject("delta");
		if (delta->has("content") && !delta->isNull("content") && !delta->getValue<std::string>("content").empty())
			turn.textDeltas.push_back(delta->getValue<std::string>("content"));
		Poco::JSON::Array::Ptr calls = delta->getArray("tool_calls");
		for (std::size_t i = 0; calls && i < calls->size(); ++i)
		{
			Poco::JSON::Object::Ptr entry = calls->getObject(static_cast<unsigned>(i));
			StreamedCall& call = turn.calls[entry->getValue<int>("index")];
			if (entry->has("id")) call.id = entry->getValue<std::string>("id");
			Poco::JSON::Object::Ptr function = entry->getObject("function");
			if (function->has("name")) call.name = function->getValue<std::string>("name");
			std::string fragment = function->getValue<std::string>("arguments");
			if (!fragment.empty()) addFragment(call, fragment);
		}
	}
	return turn;
}


std::string rawPost(const std::string& path, const std::string& body)
{
	return "POST " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
		"Content-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body;
}


} // namespace


class FakeUpstreamTest: public CppUnit::TestFixture
{
	CPPUNIT_TEST_SUITE(FakeUpstreamTest);
	CPPUNIT_TEST(testOpenAiStreamJoinsToTheReply);
	CPPUNIT_TEST(testOpenAiWholeAnswer);
	CPPUNIT_TEST(testAnthropicStreamEventsInOrder);
	CPPUNIT_TEST(testAnthropicWholeAnswer);
	CPPUNIT_TEST(testOllamaStreamsByDefault);
	CPPUNIT_TEST(testOllamaWholeAnswer);
	CPPUNIT_TEST(testModelLists);
	CPPUNIT_TEST(testUnauthorizedInEachApisShape);
	CPPUNIT_TEST(testRateLimitEveryTimeWithRetryAfter);
	CPPUNIT_TEST(testOnceFaultsSucceedOnRetryUntilReset);
	CPPUNIT_TEST(testCutEndsWithoutTerminator);
	CPPUNIT_TEST(testStallMidCountsTheClientClosing);
	CPPUNIT_TEST(testStallFirstSendsNothing);
	CPPUNIT_TEST(testMalformedLineAmidValidEvents);
	CPPUNIT_TEST(testHugeLine);
	CPPUNIT_TEST(testErrorMidStream);
	CPPUNIT_TEST(testToolCalls);
	CPPUNIT_TEST(testBenchStream);
	CPPUNIT_TEST(testDelayHeader);
	CPPUNIT_TEST(testKeepAliveCountsOneConnection);
	CPPUNIT_TEST(testStatsRecordLastRequest);
	CPPUNIT_TEST(testUnknownPathAndWrongMethod);
	CPPUNIT_TEST(testScriptCallStreamsTheArgumentsInFragments);
	CPPUNIT_TEST(testScriptAnswersTheToolResults);
	CPPUNIT_TEST(testScriptRoundsAndForever);
	CPPUNIT_TEST(testScriptParallelCalls);
	CPPUNIT_TEST(testScriptRequestsAreCheckedStrictly);
	CPPUNIT_TEST(testRateLimitHeaders);
	CPPUNIT_TEST(testStatsKeepBodiesAndHeaders);
	CPPUNIT_TEST_SUITE_END();

public:
	void setUp() override
	{
		NashTest::ServerProcess::Options options;
		options.binary = NASH_FAKE_UPSTREAM_BINARY;
		_server.reset(new NashTest::ServerProcess(options));
		_server->start();
	}

	void tearDown() override
	{
		_server.reset();
	}

	void testOpenAiStreamJoinsToTheReply()
	{
		HttpResult result = post("/v1/chat/completions", chatBody("gpt-4o", "hello  big world", "\"stream\": true, \"stream_options\": {\"include_usage\": true}"));
		CPPUNIT_ASSERT_EQUAL(200, result.status);
		CPPUNIT_ASSERT(result.headers.get("Content-Type", "").find("text/event-stream") == 0);
		std::vector<std::string> events = HttpTestClient::dataEvents(result.body);
		CPPUNIT_ASSERT(events.size() >= 5);
		CPPUNIT_ASSERT_EQUAL(std::string("[DONE]"), events.back());
		events.pop_back();

		Poco::JSON::Object::Ptr first = parseObject(events.front());
		CPPUNIT_ASSERT_EQUAL(std::string("chat.completion.chunk"), first->getValue<std::string>("object"));
		CPPUNIT_ASSERT_EQUAL(std::string("gpt-4o"), first->getValue<std::string>("model"));
		Poco::JSON::Object::Ptr delta = first->getArray("choices")->getObject(0)->getObject("delta");
		CPPUNIT_ASSERT_EQUAL(std::string("assistant"), delta->getValue<std::string>("role"));
		CPPUNIT_ASSERT_EQUAL(std::string(""), delta->getValue<std::string>("content"));

		// One word an event, the spaces before it attached.
		CPPUNIT_ASSERT_EQUAL(std::string("Reply from openai: hello  big world"), openAiContent(events));
		CPPUNIT_ASSERT_EQUAL(std::size_t(2 + 6 + 1), events.size());
		Poco::JSON::Object::Ptr word = parseObject(events[4]);
		CPPUNIT_ASSERT_EQUAL(std::string(" hello"), word->getArray("choices")->getObject(0)->getObject("delta")->getValue<std::string>("content"));

		Poco::JSON::Object::Ptr usage = parseObject(events.back());
		CPPUNIT_ASSERT_EQUAL(std::size_t(0), usage->getArray("choices")->size());
		CPPUNIT_ASSERT_EQUAL(6, usage->getObject("usage")->getValue<int>("completion_tokens"));
		Poco::JSON::Object::Ptr last = parseObject(events[events.size() - 2]);
		CPPUNIT_ASSERT_EQUAL(std::string("stop"), last->getArray("choices")->getObject(0)->getValue<std::string>("finish_reason"));
		CPPUNIT_ASSERT_EQUAL(std::size_t(0), last->getArray("choices")->getObject(0)->getObject("delta")->size());

		// Without include_usage there is no usage chunk.
		HttpResult plain = post("/v1/chat/completions", chatBody("gpt-4o", "x", "\"stream\": true"));
		CPPUNIT_ASSERT(plain.body.find("\"usage\"") == std::string::npos);
	}

	void testOpenAiWholeAnswer()
	{
		HttpResult result = post("/v1/chat/completions", chatBody("gpt-4o", "what now?", "\"max_tokens\": 50"));
		CPPUNIT_ASSERT_EQUAL(200, result.status);
		Poco::JSON::Object::Ptr answer = result.json();
		CPPUNIT_ASSERT_EQUAL(std::string("chat.completion"), answer->getValue<std::string>("object"));
		CPPUNIT_ASSERT(answer->getValue<std::string>("id").compare(0, 9, "chatcmpl-") == 0);
		Poco::JSON::Object::Ptr choice = answer->getArray("choices")->getObject(0);
		CPPUNIT_ASSERT_EQUAL(std::string("stop"), choice->getValue<std::string>("finish_reason"));
		CPPUNIT_ASSERT_EQUAL(std::string("assistant"), choice->getObject("message")->getValue<std::string>("role"));
		CPPUNIT_ASSERT_EQUAL(std::string("Reply from openai: what now?"), choice->getObject("message")->getValue<std::string>("content"));
		Poco::JSON::Object::Ptr usage = answer->getObject("usage");
		CPPUNIT_ASSERT_EQUAL(usage->getValue<int>("prompt_tokens") + usage->getValue<int>("completion_tokens"), usage->getValue<int>("total_tokens"));
	}

	void testAnthropicStreamEventsInOrder()
	{
		// Content given as blocks, as Anthropic clients may send it.
		std::string body = "{\"model\": \"claude-x\", \"max_tokens\": 100, \"system\": \"be brief\", \"stream\": true, "
			"\"messages\": [{\"role\": \"user\", \"content\": [{\"type\": \"text\", \"text\": \"hi there\"}]}]}";
		HttpResult result = post("/v1/messages", body, {{"x-api-key", "sk-ant-fake"}, {"anthropic-version", "2023-06-01"}});
		CPPUNIT_ASSERT_EQUAL(200, result.status);
		std::vector<SseEvent> events = sseEvents(result.body);
		std::vector<std::string> names;
		std::string text;
		for (const auto& event: events)
		{
			names.push_back(event.name);
			Poco::JSON::Object::Ptr data = parseObject(event.data);
			CPPUNIT_ASSERT_EQUAL(event.name, data->getValue<std::string>("type"));
			if (event.name == "content_block_delta")
			{
				CPPUNIT_ASSERT_EQUAL(std::string("text_delta"), data->getObject("delta")->getValue<std::string>("type"));
				text += data->getObject("delta")->getValue<std::string>("text");
			}
		}
		std::vector<std::string> expected{"message_start", "content_block_start", "ping",
			"content_block_delta", "content_block_delta", "content_block_delta", "content_block_delta", "content_block_delta",
			"content_block_stop", "message_delta", "message_stop"};
		CPPUNIT_ASSERT(expected == names);
		CPPUNIT_ASSERT_EQUAL(std::string("Reply from anthropic: hi there"), text);
		Poco::JSON::Object::Ptr start = parseObject(events[0].data)->getObject("message");
		CPPUNIT_ASSERT_EQUAL(std::string("claude-x"), start->getValue<std::string>("model"));
		Poco::JSON::Object::Ptr delta = parseObject(events[9].data);
		CPPUNIT_ASSERT_EQUAL(std::string("end_turn"), delta->getObject("delta")->getValue<std::string>("stop_reason"));
		CPPUNIT_ASSERT_EQUAL(5, delta->getObject("usage")->getValue<int>("output_tokens"));
	}

	void testAnthropicWholeAnswer()
	{
		HttpResult result = post("/v1/messages", chatBody("claude-x", "and you?", "\"max_tokens\": 100"));
		CPPUNIT_ASSERT_EQUAL(200, result.status);
		Poco::JSON::Object::Ptr answer = result.json();
		CPPUNIT_ASSERT_EQUAL(std::string("message"), answer->getValue<std::string>("type"));
		CPPUNIT_ASSERT_EQUAL(std::string("assistant"), answer->getValue<std::string>("role"));
		CPPUNIT_ASSERT_EQUAL(std::string("end_turn"), answer->getValue<std::string>("stop_reason"));
		Poco::JSON::Object::Ptr block = answer->getArray("content")->getObject(0);
		CPPUNIT_ASSERT_EQUAL(std::string("text"), block->getValue<std::string>("type"));
		CPPUNIT_ASSERT_EQUAL(std::string("Reply from anthropic: and you?"), block->getValue<std::string>("text"));
		CPPUNIT_ASSERT(answer->getObject("usage")->getValue<int>("output_tokens") > 0);
	}

	void testOllamaStreamsByDefault()
	{
		HttpResult result = post("/api/chat", chatBody("llama3:latest", "why is the sky blue?", "\"options\": {\"temperature\": 0}"));
		CPPUNIT_ASSERT_EQUAL(200, result.status);
		CPPUNIT_ASSERT_EQUAL(std::string("application/x-ndjson"), result.headers.get("Content-Type", ""));
		std::vector<std::string> objects = lines(result.body);
		CPPUNIT_ASSERT(objects.size() >= 2);
		std::string text;
		for (std::size_t i = 0; i + 1 < objects.size(); ++i)
		{
			Poco::JSON::Object::Ptr line = parseObject(objects[i]);
			CPPUNIT_ASSERT(!line->getValue<bool>("done"));
			CPPUNIT_ASSERT_EQUAL(std::string("llama3:latest"), line->getValue<std::string>("model"));
			text += line->getObject("message")->getValue<std::string>("content");
		}
		CPPUNIT_ASSERT_EQUAL(std::string("Reply from ollama: why is the sky blue?"), text);
		Poco::JSON::Object::Ptr last = parseObject(objects.back());
		CPPUNIT_ASSERT(last->getValue<bool>("done"));
		CPPUNIT_ASSERT_EQUAL(std::string("stop"), last->getValue<std::string>("done_reason"));
		CPPUNIT_ASSERT_EQUAL(static_cast<int>(objects.size() - 1), last->getValue<int>("eval_count"));
		CPPUNIT_ASSERT(last->has("total_duration"));
	}

	void testOllamaWholeAnswer()
	{
		HttpResult result = post("/api/chat", chatBody("llama3", "hi", "\"stream\": false"));
		CPPUNIT_ASSERT_EQUAL(200, result.status);
		Poco::JSON::Object::Ptr answer = result.json();
		CPPUNIT_ASSERT(answer->getValue<bool>("done"));
		CPPUNIT_ASSERT_EQUAL(std::string("Reply from ollama: hi"), answer->getObject("message")->getValue<std::string>("content"));
	}

	void testModelLists()
	{
		HttpTestClient client(_server->port());
		Poco::JSON::Object::Ptr openAi = client.get("/v1/models").json();
		CPPUNIT_ASSERT_EQUAL(std::string("list"), openAi->getValue<std::string>("object"));
		CPPUNIT_ASSERT_EQUAL(std::string("model"), openAi->getArray("data")->getObject(0)->getValue<std::string>("object"));
		Poco::JSON::Object::Ptr tags = client.get("/api/tags").json();
		Poco::JSON::Object::Ptr model = tags->getArray("models")->getObject(0);
		CPPUNIT_ASSERT(model->has("name") && model->has("digest") && model->getObject("details"));
	}

	void testUnauthorizedInEachApisShape()
	{
		HttpResult openAi = post("/v1/chat/completions", chatBody("fault-401", "x"));
		CPPUNIT_ASSERT_EQUAL(401, openAi.status);
		Poco::JSON::Object::Ptr error = openAi.json()->getObject("error");
		CPPUNIT_ASSERT(error->getValue<std::string>("message").find("Incorrect API key") == 0);
		CPPUNIT_ASSERT_EQUAL(std::string("invalid_api_key"), error->getValue<std::string>("code"));
		CPPUNIT_ASSERT(error->has("type") && error->has("param"));

		HttpResult anthropic = post("/v1/messages", chatBody("fault-401", "x", "\"stream\": true"));
		CPPUNIT_ASSERT_EQUAL(401, anthropic.status);
		CPPUNIT_ASSERT_EQUAL(std::string("error"), anthropic.json()->getValue<std::string>("type"));
		CPPUNIT_ASSERT_EQUAL(std::string("authentication_error"), anthropic.json()->getObject("error")->getValue<std::string>("type"));

		HttpResult ollama = post("/api/chat", chatBody("fault-404", "x"));
		CPPUNIT_ASSERT_EQUAL(404, ollama.status);
		CPPUNIT_ASSERT(ollama.json()->getValue<std::string>("error").find("not found") != std::string::npos);
	}

	void testRateLimitEveryTimeWithRetryAfter()
	{
		for (int i = 0; i < 2; ++i)
		{
			HttpResult result = post("/v1/messages", chatBody("fault-429", "x"));
			CPPUNIT_ASSERT_EQUAL(429, result.status);
			CPPUNIT_ASSERT_EQUAL(std::string("1"), result.headers.get("Retry-After", ""));
			CPPUNIT_ASSERT_EQUAL(std::string("rate_limit_error"), result.json()->getObject("error")->getValue<std::string>("type"));
		}
		HttpResult openAi = post("/v1/chat/completions", chatBody("fault-429", "x"));
		CPPUNIT_ASSERT_EQUAL(std::string("rate_limit_exceeded"), openAi.json()->getObject("error")->getValue<std::string>("code"));
	}

	void testOnceFaultsSucceedOnRetryUntilReset()
	{
		HttpResult first = post("/v1/chat/completions", chatBody("fault-429-once", "x"));
		CPPUNIT_ASSERT_EQUAL(429, first.status);
		CPPUNIT_ASSERT_EQUAL(std::string("1"), first.headers.get("Retry-After", ""));
		CPPUNIT_ASSERT_EQUAL(200, post("/v1/chat/completions", chatBody("fault-429-once", "x")).status);

		HttpResult failed = post("/api/chat", chatBody("fault-500-once", "x", "\"stream\": false"));
		CPPUNIT_ASSERT_EQUAL(500, failed.status);
		CPPUNIT_ASSERT(!failed.headers.has("Retry-After"));
		CPPUNIT_ASSERT_EQUAL(200, post("/api/chat", chatBody("fault-500-once", "x", "\"stream\": false")).status);
		// A suffix is a "once" of its own.
		CPPUNIT_ASSERT_EQUAL(500, post("/api/chat", chatBody("fault-500-once-b", "x")).status);

		CPPUNIT_ASSERT_EQUAL(200, HttpTestClient(_server->port()).post("/_reset", "").status);
		CPPUNIT_ASSERT_EQUAL(429, post("/v1/chat/completions", chatBody("fault-429-once", "x")).status);
	}

	void testCutEndsWithoutTerminator()
	{
		std::string wire = HttpTestClient(_server->port()).raw(rawPost("/v1/chat/completions", chatBody("fault-cut", "a b c", "\"stream\": true")));
		CPPUNIT_ASSERT(wire.find("HTTP/1.1 200") == 0);
		CPPUNIT_ASSERT(wire.find("\"content\":\"Reply\"") != std::string::npos);
		CPPUNIT_ASSERT(wire.find("\"content\":\" from\"") != std::string::npos);
		CPPUNIT_ASSERT(wire.find("\"content\":\" openai:\"") == std::string::npos);
		CPPUNIT_ASSERT(wire.find("[DONE]") == std::string::npos);
		CPPUNIT_ASSERT(wire.find("0\r\n\r\n", wire.size() - 5) == std::string::npos);

		std::string anthropic = HttpTestClient(_server->port()).raw(rawPost("/v1/messages", chatBody("fault-cut", "a b c", "\"stream\": true")));
		CPPUNIT_ASSERT(anthropic.find("content_block_delta") != std::string::npos);
		CPPUNIT_ASSERT(anthropic.find("message_stop") == std::string::npos);
	}

	void testStallMidCountsTheClientClosing()
	{
		HttpTestClient client(_server->port());
		std::unique_ptr<NashTest::EventStream> stream = client.openStream("/v1/chat/completions", chatBody("fault-stall-mid", "a b c", "\"stream\": true"));
		CPPUNIT_ASSERT_EQUAL(200, stream->status);
		std::vector<std::string> events;
		std::string data;
		for (int i = 0; i < 3 && stream->nextEvent(data); ++i) events.push_back(data);
		CPPUNIT_ASSERT_EQUAL(std::string("Reply from"), openAiContent(events));
		CPPUNIT_ASSERT_EQUAL(1, stats()->getValue<int>("open"));
		CPPUNIT_ASSERT_EQUAL(0, stats()->getValue<int>("client_closed"));

		stream->disconnect();
		CPPUNIT_ASSERT(NashTest::waitUntil([&] { return stats()->getValue<int>("client_closed") == 1; }, std::chrono::seconds(5)));
		CPPUNIT_ASSERT(NashTest::waitUntil([&] { return stats()->getValue<int>("open") == 0; }, std::chrono::seconds(5)));
	}

	void testStallFirstSendsNothing()
	{
		Poco::Net::StreamSocket socket;
		socket.connect(Poco::Net::SocketAddress("127.0.0.1", static_cast<Poco::UInt16>(_server->port())));
		std::string request = rawPost("/api/chat", chatBody("fault-stall-first", "x"));
		socket.sendBytes(request.data(), static_cast<int>(request.size()));
		CPPUNIT_ASSERT(NashTest::waitUntil([&] { return stats()->getValue<int>("open") == 1; }, std::chrono::seconds(5)));
		CPPUNIT_ASSERT(!socket.poll(Poco::Timespan(0, 300000), Poco::Net::Socket::SELECT_READ));
		socket.close();
		CPPUNIT_ASSERT(NashTest::waitUntil([&] { return stats()->getValue<int>("client_closed") == 1; }, std::chrono::seconds(5)));
	}

	void testMalformedLineAmidValidEvents()
	{
		HttpResult result = post("/v1/chat/completions", chatBody("fault-malformed", "a b", "\"stream\": true"));
		std::vector<std::string> events = HttpTestClient::dataEvents(result.body);
		int invalid = 0;
		for (const auto& data: events)
		{
			if (data != "[DONE]" && !isJson(data)) ++invalid;
		}
		CPPUNIT_ASSERT_EQUAL(1, invalid);
		CPPUNIT_ASSERT(!isJson(events[2]));
		CPPUNIT_ASSERT_EQUAL(std::string("Reply from openai: a b"), openAiContent(events));
		CPPUNIT_ASSERT_EQUAL(std::string("[DONE]"), events.back());

		std::vector<std::string> objects = lines(post("/api/chat", chatBody("fault-malformed", "a b")).body);
		CPPUNIT_ASSERT(isJson(objects[0]));
		CPPUNIT_ASSERT(!isJson(objects[1]));
		CPPUNIT_ASSERT(parseObject(objects.back())->getValue<bool>("done"));
	}

	void testHugeLine()
	{
		std::vector<std::string> objects = lines(post("/api/chat", chatBody("fault-huge-line", "x")).body);
		CPPUNIT_ASSERT(objects[0].size() > 8u * 1024 * 1024);
		std::string content = parseObject(objects[0])->getObject("message")->getValue<std::string>("content");
		CPPUNIT_ASSERT_EQUAL(std::size_t(8 * 1024 * 1024), content.size());
		CPPUNIT_ASSERT_EQUAL(std::string::npos, content.find_first_not_of('x'));
		CPPUNIT_ASSERT(parseObject(objects.back())->getValue<bool>("done"));
	}

	void testErrorMidStream()
	{
		std::vector<SseEvent> events = sseEvents(post("/v1/messages", chatBody("fault-error-mid", "a b", "\"stream\": true")).body);
		CPPUNIT_ASSERT_EQUAL(std::string("error"), events.back().name);
		CPPUNIT_ASSERT_EQUAL(std::string("overloaded_error"), parseObject(events.back().data)->getObject("error")->getValue<std::string>("type"));
	}

	void testToolCalls()
	{
		std::vector<std::string> events = HttpTestClient::dataEvents(post("/v1/chat/completions", chatBody("tools", "weather?", "\"stream\": true")).body);
		std::string arguments;
		std::string finish;
		for (const auto& data: events)
		{
			if (data == "[DONE]") continue;
			Poco::JSON::Object::Ptr choice = parseObject(data)->getArray("choices")->getObject(0);
			if (!choice->isNull("finish_reason")) finish = choice->getValue<std::string>("finish_reason");
			Poco::JSON::Array::Ptr calls = choice->getObject("delta")->getArray("tool_calls");
			if (!calls) continue;
			Poco::JSON::Object::Ptr call = calls->getObject(0);
			CPPUNIT_ASSERT_EQUAL(0, call->getValue<int>("index"));
			if (call->has("id"))
			{
				CPPUNIT_ASSERT_EQUAL(std::string("call_1"), call->getValue<std::string>("id"));
				CPPUNIT_ASSERT_EQUAL(std::string("get_weather"), call->getObject("function")->getValue<std::string>("name"));
			}
			arguments += call->getObject("function")->getValue<std::string>("arguments");
		}
		CPPUNIT_ASSERT_EQUAL(std::string("{\"city\": \"Paris\"}"), arguments);
		CPPUNIT_ASSERT_EQUAL(std::string("tool_calls"), finish);

		Poco::JSON::Object::Ptr anthropic = post("/v1/messages", chatBody("tools", "weather?")).json();
		CPPUNIT_ASSERT_EQUAL(std::string("tool_use"), anthropic->getValue<std::string>("stop_reason"));
		Poco::JSON::Object::Ptr use = anthropic->getArray("content")->getObject(0);
		CPPUNIT_ASSERT_EQUAL(std::string("toolu_1"), use->getValue<std::string>("id"));
		CPPUNIT_ASSERT_EQUAL(std::string("Paris"), use->getObject("input")->getValue<std::string>("city"));

		Poco::JSON::Object::Ptr ollama = post("/api/chat", chatBody("tools", "weather?", "\"stream\": false")).json();
		Poco::JSON::Object::Ptr function = ollama->getObject("message")->getArray("tool_calls")->getObject(0)->getObject("function");
		CPPUNIT_ASSERT_EQUAL(std::string("get_weather"), function->getValue<std::string>("name"));
		CPPUNIT_ASSERT_EQUAL(std::string("Paris"), function->getObject("arguments")->getValue<std::string>("city"));
	}

	void testBenchStream()
	{
		auto started = std::chrono::steady_clock::now();
		std::vector<std::string> events = HttpTestClient::dataEvents(post("/v1/chat/completions", chatBody("bench-20x5", "x", "\"stream\": true")).body);
		auto elapsed = std::chrono::steady_clock::now() - started;
		CPPUNIT_ASSERT(elapsed >= std::chrono::milliseconds(19 * 5));
		CPPUNIT_ASSERT_EQUAL(std::size_t(1 + 20 + 1 + 1), events.size());
		std::string expected = "tok";
		for (int i = 1; i < 20; ++i) expected += " tok";
		CPPUNIT_ASSERT_EQUAL(expected, openAiContent(events));
	}

	void testDelayHeader()
	{
		auto started = std::chrono::steady_clock::now();
		HttpResult result = post("/api/chat", chatBody("llama3", "x", "\"stream\": false"), {{"X-Fake-Delay-Ms", "300"}});
		CPPUNIT_ASSERT_EQUAL(200, result.status);
		CPPUNIT_ASSERT(std::chrono::steady_clock::now() - started >= std::chrono::milliseconds(300));
	}

	void testKeepAliveCountsOneConnection()
	{
		HttpTestClient(_server->port()).post("/_reset", "");
		Poco::Net::HTTPClientSession session("127.0.0.1", static_cast<Poco::UInt16>(_server->port()));
		session.setKeepAlive(true);
		for (int i = 0; i < 2; ++i)
		{
			std::string body = chatBody("gpt-4o", "again", "\"stream\": true");
			Poco::Net::HTTPRequest request(Poco::Net::HTTPRequest::HTTP_POST, "/v1/chat/completions", Poco::Net::HTTPMessage::HTTP_1_1);
			request.setContentType("application/json");
			request.setContentLength(static_cast<std::streamsize>(body.size()));
			session.sendRequest(request) << body;
			Poco::Net::HTTPResponse response;
			std::string answer;
			Poco::StreamCopier::copyToString(session.receiveResponse(response), answer);
			CPPUNIT_ASSERT_EQUAL(200, static_cast<int>(response.getStatus()));
			CPPUNIT_ASSERT(answer.find("[DONE]") != std::string::npos);
		}
		Poco::JSON::Object::Ptr numbers = stats();
		CPPUNIT_ASSERT_EQUAL(2, numbers->getValue<int>("requests"));
		CPPUNIT_ASSERT_EQUAL(1, numbers->getValue<int>("connections_accepted"));

		// A second connection counts; /_stats's own connections do not.
		post("/v1/chat/completions", chatBody("gpt-4o", "x"));
		CPPUNIT_ASSERT_EQUAL(2, stats()->getValue<int>("connections_accepted"));
	}

	void testStatsRecordLastRequest()
	{
		Poco::JSON::Object::Ptr empty = stats();
		CPPUNIT_ASSERT_EQUAL(0, empty->getValue<int>("requests"));
		CPPUNIT_ASSERT_EQUAL(std::string(""), empty->getValue<std::string>("last_authorization"));
		CPPUNIT_ASSERT(empty->isNull("last_body"));

		post("/v1/chat/completions", chatBody("gpt-4o", "x"), {{"Authorization", "Bearer sk-test"}});
		post("/v1/messages", chatBody("claude-x", "y", "\"max_tokens\": 7"), {{"x-api-key", "sk-ant-test"}, {"anthropic-version", "2023-06-01"}});
		Poco::JSON::Object::Ptr numbers = stats();
		CPPUNIT_ASSERT_EQUAL(2, numbers->getValue<int>("requests"));
		CPPUNIT_ASSERT_EQUAL(0, numbers->getValue<int>("open"));
		CPPUNIT_ASSERT_EQUAL(0, numbers->getValue<int>("client_closed"));
		CPPUNIT_ASSERT_EQUAL(std::string(""), numbers->getValue<std::string>("last_authorization"));
		CPPUNIT_ASSERT_EQUAL(std::string("sk-ant-test"), numbers->getValue<std::string>("last_x_api_key"));
		CPPUNIT_ASSERT_EQUAL(std::string("/v1/messages"), numbers->getValue<std::string>("last_path"));
		CPPUNIT_ASSERT_EQUAL(7, numbers->getObject("last_body")->getValue<int>("max_tokens"));
		CPPUNIT_ASSERT_EQUAL(std::string("claude-x"), numbers->getObject("last_body")->getValue<std::string>("model"));

		post("/v1/chat/completions", chatBody("gpt-4o", "x"), {{"Authorization", "Bearer sk-test"}});
		CPPUNIT_ASSERT_EQUAL(std::string("Bearer sk-test"), stats()->getValue<std::string>("last_authorization"));

		HttpTestClient(_server->port()).post("/_reset", "");
		CPPUNIT_ASSERT_EQUAL(0, stats()->getValue<int>("requests"));
		CPPUNIT_ASSERT_EQUAL(std::string(""), stats()->getValue<std::string>("last_path"));
	}

	void testUnknownPathAndWrongMethod()
	{
		HttpTestClient client(_server->port());
		HttpResult missing = client.get("/v1/completions");
		CPPUNIT_ASSERT_EQUAL(404, missing.status);
		CPPUNIT_ASSERT(missing.json()->getValue<std::string>("error").find("/v1/chat/completions") != std::string::npos);
		HttpResult wrong = client.get("/v1/chat/completions");
		CPPUNIT_ASSERT_EQUAL(405, wrong.status);
		CPPUNIT_ASSERT_EQUAL(std::string("POST"), wrong.headers.get("Allow", ""));
		CPPUNIT_ASSERT_EQUAL(400, post("/v1/chat/completions", "{not json").status);
	}

	void testScriptCallStreamsTheArgumentsInFragments()
	{
		// The first user message is the arguments; \u00fc and \u20ac take 2
		// and 3 bytes, which no fragment may cut.
		static const std::string arguments = "{\"city\":\"Z\xC3\xBCrich\",\"days\":3,\"sign\":\"\xE2\x82\xAC\"}";
		std::string body = R"({"model": "script-call-lookup", "max_tokens": 100, "stream": true,
			"tools": [{"name": "lookup", "description": "d", "input_schema": {"type": "object"}}],
			"messages": [{"role": "user", "content": "{\"city\": \"Z\u00fcrich\", \"days\": 3, \"sign\": \"\u20ac\"}"}]})";
		HttpResult result = post("/v1/messages", body);
		CPPUNIT_ASSERT_EQUAL(200, result.status);
		StreamedTurn anthropic = anthropicTurn(result.body);
		CPPUNIT_ASSERT(std::vector<std::string>({"I'll use", " lookup."}) == anthropic.textDeltas);
		CPPUNIT_ASSERT_EQUAL(std::size_t(1), anthropic.calls.size());
		const StreamedCall& use = anthropic.calls.at(1);
		CPPUNIT_ASSERT(idOf(use.id, "toolu_"));
		CPPUNIT_ASSERT_EQUAL(std::string("lookup"), use.name);
		CPPUNIT_ASSERT_EQUAL(arguments, use.arguments);
		CPPUNIT_ASSERT(use.fragments >= static_cast<int>(arguments.size() / 4));
		CPPUNIT_ASSERT(use.fragmentsSmall);
		CPPUNIT_ASSERT_EQUAL(std::string("tool_use"), anthropic.stop);
		CPPUNIT_ASSERT_EQUAL(2 + use.fragments, anthropic.outputTokens);

		// OpenAI: the same, and the ids differ from call to call.
		std::string openAiBody = R"({"model": "script-call-lookup", "stream": true, "stream_options": {"include_usage": true},
			"messages": [{"role": "system", "content": "be brief"}, {"role": "user", "content": "{\"city\": \"Z\u00fcrich\", \"days\": 3, \"sign\": \"\u20ac\"}"}]})";
		StreamedTurn first = openAiTurn(post("/v1/chat/completions", openAiBody).body);
		StreamedTurn second = openAiTurn(post("/v1/chat/completions", openAiBody).body);
		CPPUNIT_ASSERT_EQUAL(std::string("I'll use lookup."), first.text());
		CPPUNIT_ASSERT_EQUAL(std::size_t(1), first.calls.size());
		CPPUNIT_ASSERT(idOf(first.calls.at(0).id, "call_"));
		CPPUNIT_ASSERT(first.calls.at(0).id != second.calls.at(0).id);
		CPPUNIT_ASSERT_EQUAL(arguments, first.calls.at(0).arguments);
		CPPUNIT_ASSERT(first.calls.at(0).fragmentsSmall);
		CPPUNIT_ASSERT_EQUAL(std::string("tool_calls"), first.stop);

		// Not a JSON object: no arguments. Not streamed: the whole call.
		Poco::JSON::Object::Ptr whole = post("/v1/messages", R"({"model": "script-call-lookup", "max_tokens": 100,
			"messages": [{"role": "user", "content": [{"type": "text", "text": "[1, 2]"}]}]})").json();
		CPPUNIT_ASSERT_EQUAL(std::string("tool_use"), whole->getValue<std::string>("stop_reason"));
		Poco::JSON::Array::Ptr content = whole->getArray("content");
		CPPUNIT_ASSERT_EQUAL(std::string("I'll use lookup."), content->getObject(0)->getValue<std::string>("text"));
		CPPUNIT_ASSERT_EQUAL(std::size_t(0), content->getObject(1)->getObject("input")->size());
	}

	void testScriptAnswersTheToolResults()
	{
		// Anthropic: tool_result content as a string or as text blocks.
		std::string body = R"({"model": "script-call-add", "max_tokens": 100, "stream": true, "system": [{"type": "text", "text": "be brief"}],
			"messages": [{"role": "user", "content": "{\"a\": 1, \"b\": 2}"},
				{"role": "assistant", "content": [{"type": "text", "text": "I'll use add."}, {"type": "tool_use", "id": "toolu_A", "name": "add", "input": {"a": 1, "b": 2}}]},
				{"role": "user", "content": [{"type": "tool_result", "tool_use_id": "toolu_A", "content": [{"type": "text", "text": "3"}]}]}]})";
		StreamedTurn anthropic = anthropicTurn(post("/v1/messages", body).body);
		CPPUNIT_ASSERT(std::vector<std::string>({"Result:", " 3"}) == anthropic.textDeltas);
		CPPUNIT_ASSERT(anthropic.calls.empty());
		CPPUNIT_ASSERT_EQUAL(std::string("end_turn"), anthropic.stop);

		// OpenAI: a tool message's content as a string.
		std::string openAiBody = R"({"model": "script-call-add",
			"messages": [{"role": "user", "content": "{\"a\": 1, \"b\": 2}"},
				{"role": "assistant", "content": null, "tool_calls": [{"id": "call_A", "type": "function", "function": {"name": "add", "arguments": "{\"a\":1,\"b\":2}"}}]},
				{"role": "tool", "tool_call_id": "call_A", "content": "3"}]})";
		Poco::JSON::Object::Ptr choice = post("/v1/chat/completions", openAiBody).json()->getArray("choices")->getObject(0);
		CPPUNIT_ASSERT_EQUAL(std::string("stop"), choice->getValue<std::string>("finish_reason"));
		CPPUNIT_ASSERT_EQUAL(std::string("Result: 3"), choice->getObject("message")->getValue<std::string>("content"));
		CPPUNIT_ASSERT(!choice->getObject("message")->has("tool_calls"));
	}

	void testScriptRoundsAndForever()
	{
		std::string first = R"({"role": "user", "content": "{\"q\": \"x\"}"})";
		std::string round1 = R"(, {"role": "assistant", "content": [{"type": "tool_use", "id": "toolu_1", "name": "find", "input": {"q": "x"}}]},
			{"role": "user", "content": [{"type": "tool_result", "tool_use_id": "toolu_1", "content": "one"}]})";
		std::string round2 = R"(, {"role": "assistant", "content": [{"type": "text", "text": "Again."}, {"type": "tool_use", "id": "toolu_2", "name": "find", "input": {"q": "x"}}]},
			{"role": "user", "content": [{"type": "tool_result", "tool_use_id": "toolu_2", "content": "two"}]})";
		auto ask = [&](const std::string& model, const std::string& messages)
		{
			return anthropicTurn(post("/v1/messages", "{\"model\": \"" + model + "\", \"max_tokens\": 100, \"stream\": true, \"messages\": [" + messages + "]}").body);
		};

		StreamedTurn start = ask("script-rounds-2-find", first);
		CPPUNIT_ASSERT_EQUAL(std::string("I'll use find."), start.text());
		CPPUNIT_ASSERT_EQUAL(std::string("tool_use"), start.stop);
		StreamedTurn again = ask("script-rounds-2-find", first + round1);
		CPPUNIT_ASSERT_EQUAL(std::string("Again."), again.text());
		CPPUNIT_ASSERT_EQUAL(std::string("{\"q\":\"x\"}"), again.calls.at(1).arguments);
		StreamedTurn done = ask("script-rounds-2-find", first + round1 + round2);
		CPPUNIT_ASSERT_EQUAL(std::string("Result: two"), done.text());
		CPPUNIT_ASSERT_EQUAL(std::string("end_turn"), done.stop);

		// forever: no text, a call every time, the call in block 0.
		StreamedTurn forever = ask("script-forever-find", first + round1 + round2);
		CPPUNIT_ASSERT(forever.textDeltas.empty());
		CPPUNIT_ASSERT_EQUAL(std::string("find"), forever.calls.at(0).name);
		CPPUNIT_ASSERT_EQUAL(std::string("tool_use"), forever.stop);
	}

	void testScriptParallelCalls()
	{
		std::string body = R"({"model": "script-parallel-add", "stream": true,
			"tools": [{"type": "function", "function": {"name": "add", "parameters": {"type": "object"}}}],
			"messages": [{"role": "user", "content": "{\"a\": 1}"}]})";
		StreamedTurn calls = openAiTurn(post("/v1/chat/completions", body).body);
		CPPUNIT_ASSERT_EQUAL(std::string("I'll use add."), calls.text());
		CPPUNIT_ASSERT_EQUAL(std::size_t(2), calls.calls.size());
		for (int index: {0, 1})
		{
			CPPUNIT_ASSERT(idOf(calls.calls.at(index).id, "call_"));
			CPPUNIT_ASSERT_EQUAL(std::string("add"), calls.calls.at(index).name);
			CPPUNIT_ASSERT_EQUAL(std::string("{\"a\":1}"), calls.calls.at(index).arguments);
		}
		CPPUNIT_ASSERT(calls.calls.at(0).id != calls.calls.at(1).id);
		CPPUNIT_ASSERT_EQUAL(std::string("tool_calls"), calls.stop);

		// Both results, in order.
		std::string answered = R"({"model": "script-parallel-add",
			"messages": [{"role": "user", "content": "{\"a\": 1}"},
				{"role": "assistant", "content": "I'll use add.", "tool_calls": [
					{"id": "call_A", "type": "function", "function": {"name": "add", "arguments": "{\"a\":1}"}},
					{"id": "call_B", "type": "function", "function": {"name": "add", "arguments": "{\"a\":1}"}}]},
				{"role": "tool", "tool_call_id": "call_A", "content": "first"},
				{"role": "tool", "tool_call_id": "call_B", "content": [{"type": "text", "text": "second"}]}]})";
		Poco::JSON::Object::Ptr message = post("/v1/chat/completions", answered).json()->getArray("choices")->getObject(0)->getObject("message");
		CPPUNIT_ASSERT_EQUAL(std::string("Result: first | second"), message->getValue<std::string>("content"));

		// Anthropic: two tool_use blocks after the text.
		Poco::JSON::Array::Ptr content = post("/v1/messages", R"({"model": "script-parallel-add", "max_tokens": 10,
			"messages": [{"role": "user", "content": "{\"a\": 1}"}]})").json()->getArray("content");
		CPPUNIT_ASSERT_EQUAL(std::size_t(3), content->size());
		CPPUNIT_ASSERT_EQUAL(std::string("tool_use"), content->getObject(2)->getValue<std::string>("type"));
		CPPUNIT_ASSERT(idOf(content->getObject(2)->getValue<std::string>("id"), "toolu_"));
		CPPUNIT_ASSERT_EQUAL(1, content->getObject(2)->getObject("input")->getValue<int>("a"));
	}

	void testScriptRequestsAreCheckedStrictly()
	{
		// A tool_use whose result does not come in the very next turn.
		HttpResult dangling = post("/v1/messages", R"({"model": "script-call-add", "max_tokens": 100, "stream": true,
			"messages": [{"role": "user", "content": "{}"},
				{"role": "assistant", "content": [{"type": "tool_use", "id": "toolu_A", "name": "add", "input": {}}]},
				{"role": "user", "content": "go on"}]})");
		CPPUNIT_ASSERT_EQUAL(400, dangling.status);
		CPPUNIT_ASSERT_EQUAL(std::string("error"), dangling.json()->getValue<std::string>("type"));
		Poco::JSON::Object::Ptr error = dangling.json()->getObject("error");
		CPPUNIT_ASSERT_EQUAL(std::string("invalid_request_error"), error->getValue<std::string>("type"));
		CPPUNIT_ASSERT(error->getValue<std::string>("message").find("tool_use ids were found without tool_result blocks immediately after: toolu_A") != std::string::npos);

		auto anthropicMessage = [&](const std::string& body)
		{
			HttpResult result = post("/v1/messages", body);
			CPPUNIT_ASSERT_EQUAL(400, result.status);
			return result.json()->getObject("error")->getValue<std::string>("message");
		};
		CPPUNIT_ASSERT(anthropicMessage(R"({"model": "script-call-add", "max_tokens": 1, "messages": [{"role": "user", "content": "a"}, {"role": "user", "content": "b"}]})").find("roles must alternate") != std::string::npos);
		CPPUNIT_ASSERT(anthropicMessage(R"({"model": "script-call-add", "max_tokens": 1, "messages": [{"role": "user", "content": [{"type": "text", "text": ""}]}]})").find("text content blocks must be non-empty") != std::string::npos);
		CPPUNIT_ASSERT(anthropicMessage(R"({"model": "script-call-add", "messages": [{"role": "user", "content": "a"}]})").find("max_tokens") != std::string::npos);
		CPPUNIT_ASSERT(anthropicMessage(R"({"model": "script-call-add", "max_tokens": 1, "messages": [{"role": "user", "content": "a"}],
			"tools": [{"name": "add", "input_schema": {}}, {"name": "add", "input_schema": {}}]})").find("unique") != std::string::npos);
		CPPUNIT_ASSERT(anthropicMessage(R"({"model": "script-call-add", "max_tokens": 1, "messages": [{"role": "user", "content": "{}"},
			{"role": "assistant", "content": [{"type": "tool_use", "id": "toolu_A", "name": "add", "input": {}}]},
			{"role": "user", "content": [{"type": "tool_result", "tool_use_id": "toolu_B", "content": "x"}]}]})").find("toolu_B") != std::string::npos);

		// OpenAI: a call that no tool message answers.
		HttpResult openAi = post("/v1/chat/completions", R"({"model": "script-call-add",
			"messages": [{"role": "user", "content": "{}"},
				{"role": "assistant", "content": null, "tool_calls": [{"id": "call_A", "type": "function", "function": {"name": "add", "arguments": "{}"}}]}]})");
		CPPUNIT_ASSERT_EQUAL(400, openAi.status);
		Poco::JSON::Object::Ptr openAiError = openAi.json()->getObject("error");
		CPPUNIT_ASSERT_EQUAL(std::string("invalid_request_error"), openAiError->getValue<std::string>("type"));
		CPPUNIT_ASSERT(openAiError->isNull("param") && openAiError->isNull("code"));
		CPPUNIT_ASSERT(openAiError->getValue<std::string>("message").find("call_A") != std::string::npos);

		// The other models are as lenient as before.
		CPPUNIT_ASSERT_EQUAL(200, post("/v1/messages", R"({"model": "claude-x", "messages": [{"role": "user", "content": "a"}, {"role": "user", "content": ""}]})").status);
	}

	void testRateLimitHeaders()
	{
		static const char* const kinds[] = {"input-tokens", "output-tokens", "requests"};
		Poco::Timestamp before;
		HttpResult streamed = post("/v1/messages", chatBody("claude-x", "x", "\"stream\": true"), {{"X-Fake-Ratelimit-Reset-Ms", "1500"}});
		Poco::Timestamp after;
		CPPUNIT_ASSERT_EQUAL(200, streamed.status);
		for (const char* kind: kinds)
		{
			std::string prefix = std::string("anthropic-ratelimit-") + kind;
			CPPUNIT_ASSERT_EQUAL(std::string("1000"), streamed.headers.get(prefix + "-limit", ""));
			CPPUNIT_ASSERT_EQUAL(std::string(std::string(kind) == "requests" ? "0" : "900"), streamed.headers.get(prefix + "-remaining", ""));
			std::string reset = streamed.headers.get(prefix + "-reset", "");
			CPPUNIT_ASSERT_EQUAL(std::size_t(24), reset.size());
			CPPUNIT_ASSERT_EQUAL('Z', reset.back());
			int zone = 0;
			Poco::Timestamp when = Poco::DateTimeParser::parse("%Y-%m-%dT%H:%M:%S.%iZ", reset, zone).timestamp();
			CPPUNIT_ASSERT(when >= before + 1500 * 1000 - 1000 && when <= after + 1500 * 1000);
		}

		// Not streamed, and a script: the same headers.
		HttpResult whole = post("/v1/messages", R"({"model": "script-call-add", "max_tokens": 5, "messages": [{"role": "user", "content": "{}"}]})",
			{{"X-Fake-Ratelimit-Reset-Ms", "0"}});
		CPPUNIT_ASSERT_EQUAL(std::string("0"), whole.headers.get("anthropic-ratelimit-requests-remaining", ""));

		HttpResult malformed = post("/v1/messages", chatBody("claude-x", "x"), {{"X-Fake-Ratelimit-Reset-Ms", "100"}, {"X-Fake-Ratelimit-Malformed", "1"}});
		for (const char* kind: kinds)
			CPPUNIT_ASSERT_EQUAL(std::string("not-a-date"), malformed.headers.get(std::string("anthropic-ratelimit-") + kind + "-reset", ""));

		CPPUNIT_ASSERT(!post("/v1/messages", chatBody("claude-x", "x")).headers.has("anthropic-ratelimit-requests-limit"));
	}

	void testStatsKeepBodiesAndHeaders()
	{
		for (int i = 0; i < 22; ++i) post("/v1/chat/completions", chatBody("gpt-" + std::to_string(i), "x"));
		post("/v1/messages", chatBody("claude-x", "y", "\"max_tokens\": 7"), {{"x-api-key", "sk-ant-secret"}, {"X-Custom", "A b"}});
		Poco::JSON::Object::Ptr numbers = stats();
		Poco::JSON::Array::Ptr bodies = numbers->getArray("bodies");
		CPPUNIT_ASSERT_EQUAL(std::size_t(20), bodies->size());
		CPPUNIT_ASSERT_EQUAL(std::string("gpt-3"), bodies->getObject(0)->getValue<std::string>("model"));
		CPPUNIT_ASSERT_EQUAL(std::string("claude-x"), bodies->getObject(19)->getValue<std::string>("model"));
		Poco::JSON::Object::Ptr headers = numbers->getObject("headers_seen");
		CPPUNIT_ASSERT_EQUAL(std::string("sk-ant-secret"), headers->getValue<std::string>("x-api-key"));
		CPPUNIT_ASSERT_EQUAL(std::string("A b"), headers->getValue<std::string>("x-custom"));
		CPPUNIT_ASSERT(!headers->has("authorization"));

		HttpTestClient(_server->port()).post("/_reset", "");
		CPPUNIT_ASSERT_EQUAL(std::size_t(0), stats()->getArray("bodies")->size());
		CPPUNIT_ASSERT_EQUAL(std::size_t(0), stats()->getObject("headers_seen")->size());
	}

private:
	HttpResult post(const std::string& path, const std::string& body, const Headers& headers = {})
	{
		return HttpTestClient(_server->port()).request("POST", path, body, "application/json", headers);
	}

	Poco::JSON::Object::Ptr stats()
	{
		return HttpTestClient(_server->port()).get("/_stats").json();
	}

	std::unique_ptr<NashTest::ServerProcess> _server;
};


CPPUNIT_TEST_SUITE_REGISTRATION(FakeUpstreamTest);
