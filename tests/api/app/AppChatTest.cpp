//
// AppChatTest.cpp
//
// The Nash app's dialect against the real server: the tool loop over the
// demo MCP server, driven by the fake upstream's scripted models in
// Anthropic's and OpenAI's shapes, whose request validation also checks
// every history the server sends.
//


#include "HttpTestClient.h"
#include "ServerProcess.h"
#include "TestEnvironment.h"
#include "Poco/JSON/Array.h"
#include "Poco/JSON/Parser.h"
#include "Poco/JSON/Stringifier.h"
#include "Poco/Thread.h"
#include "Poco/Timestamp.h"
#include <cppunit/extensions/HelperMacros.h>
#include <memory>
#include <sstream>


using NashTest::HttpTestClient;
using NashTest::ServerProcess;


namespace {


const std::string userKey = "sk-ant-user-Rk29Xq71LmZp";
const std::string electron = "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Nash/1.0.0 Chrome/132.0.6834.210 Electron/34.3.0 Safari/537.36";


Poco::JSON::Object::Ptr parse(const std::string& json)
{
	Poco::JSON::Parser parser;
	return parser.parse(json).extract<Poco::JSON::Object::Ptr>();
}


std::string text(const Poco::Dynamic::Var& value)
{
	std::ostringstream out;
	Poco::JSON::Stringifier::condense(value, out);
	return out.str();
}


std::string quoted(const std::string& value)
{
	return text(Poco::Dynamic::Var(value));
}


struct Event
	/// One event of the app's stream: its raw line and, unless [DONE], the parsed object.
{
	std::string line;
	Poco::JSON::Object::Ptr data;

	std::string type() const
	{
		return data && data->has("type") ? data->getValue<std::string>("type") : std::string();
	}

	bool isNull(const std::string& key) const
	{
		return data->has(key) && data->get(key).isEmpty();
	}

	std::string string(const std::string& key) const
	{
		return data->get(key).isString() ? data->getValue<std::string>(key) : std::string();
	}
};


std::vector<Event> eventsOf(const std::string& body)
{
	std::vector<Event> events;
	std::string::size_type at = 0;
	while (at < body.size())
	{
		std::string::size_type end = body.find("\n\n", at);
		CPPUNIT_ASSERT_MESSAGE("an unterminated event: " + body.substr(at), end != std::string::npos);
		Event event;
		event.line = body.substr(at, end - at);
		at = end + 2;
		CPPUNIT_ASSERT_EQUAL_MESSAGE(event.line, std::string("data: "), event.line.substr(0, 6));
		CPPUNIT_ASSERT_MESSAGE(event.line, event.line.find('\n') == std::string::npos && event.line.find('\r') == std::string::npos);
		if (event.line != "data: [DONE]") event.data = parse(event.line.substr(6));
		events.push_back(event);
	}
	return events;
}


std::string describe(const std::vector<Event>& events)
{
	std::string out;
	for (const auto& event: events) out += event.line.substr(0, 300) + "\n";
	return out;
}


std::string streamText(const std::vector<Event>& events, const std::string& key)
{
	std::string joined;
	for (const auto& event: events)
	{
		if (event.type() == "stream") joined += event.string(key);
	}
	return joined;
}


std::vector<std::string> typesOf(const std::vector<Event>& events)
	/// A compact trace: S for content, N for a tool name, A for arguments,
	/// 0 for the all-null stream event, F:<reason>, Z, R, M (messages), E, D.
{
	std::vector<std::string> trace;
	for (const auto& event: events)
	{
		if (!event.data) trace.push_back("D");
		else if (event.data->has("error")) trace.push_back("E");
		else if (event.type() == "stream")
		{
			if (!event.isNull("content")) trace.push_back("S");
			else if (!event.isNull("tool_name")) trace.push_back("N");
			else if (!event.isNull("tool_args")) trace.push_back("A");
			else trace.push_back("0");
		}
		else if (event.type() == "finish_reason") trace.push_back("F:" + event.string("finish_reason"));
		else if (event.type() == "sleep_seconds") trace.push_back("Z");
		else if (event.type() == "tool_result") trace.push_back("R");
		else if (event.type() == "new_raw_llm_messages") trace.push_back("M");
		else trace.push_back("?");
	}
	return trace;
}


std::string compact(const std::vector<std::string>& trace)
	/// Runs of S and A folded into one letter each, so the trace shows the order.
{
	std::string out;
	std::string last;
	for (const auto& item: trace)
	{
		if ((item == "S" || item == "A") && item == last) continue;
		if (!out.empty()) out += " ";
		out += item;
		last = item;
	}
	return out;
}


void expectEightKeys(const std::vector<Event>& events)
{
	static const std::vector<std::string> keys = {"type", "content", "tool_name", "tool_args", "tool_result", "new_raw_llm_messages", "finish_reason", "sleep_seconds"};
	for (const auto& event: events)
	{
		if (!event.data || event.data->has("error")) continue;
		CPPUNIT_ASSERT_EQUAL_MESSAGE(event.line, keys.size(), event.data->size());
		for (const auto& key: keys) CPPUNIT_ASSERT_MESSAGE(event.line + " lacks " + key, event.data->has(key));
	}
}


} // namespace


class AppChatTest: public CppUnit::TestFixture
{
	CPPUNIT_TEST_SUITE(AppChatTest);
	CPPUNIT_TEST(testPlainAnswerByteForByte);
	CPPUNIT_TEST(testToolRoundAnthropic);
	CPPUNIT_TEST(testToolRoundOpenAi);
	CPPUNIT_TEST(testTwoRounds);
	CPPUNIT_TEST(testParallelCalls);
	CPPUNIT_TEST(testRoundCap);
	CPPUNIT_TEST(testHangingToolTimesOut);
	CPPUNIT_TEST(testDisconnectMidTool);
	CPPUNIT_TEST(testForbiddenBaseUrlNeverConnects);
	CPPUNIT_TEST(testEmptyKeyNeverConnects);
	CPPUNIT_TEST(testKeyAndHeadersReachTheUpstreamOnly);
	CPPUNIT_TEST(testUpstreamErrorsInBand);
	CPPUNIT_TEST(testRateLimitWait);
	CPPUNIT_TEST(testOldResultsTruncated);
	CPPUNIT_TEST(testValidation);
	CPPUNIT_TEST(testCors);
	CPPUNIT_TEST(testTokenInfo);
	CPPUNIT_TEST(testOriginalDialectToolLoop);
	CPPUNIT_TEST_SUITE_END();

public:
	void setUp() override
	{
		ServerProcess::Options upstream;
		upstream.binary = NASH_FAKE_UPSTREAM_BINARY;
		_upstream.reset(new ServerProcess(upstream));
		_upstream->start();
		_base = "http://127.0.0.1:" + std::to_string(_upstream->port());

		ServerProcess::Options options;
		options.iniText =
			"[server]\n"
			"cors_origins = http://localhost:3000, null, file://\n"
			"[plugins]\n"
			"path = " + NashTest::pluginDir() + "\n"
			"[app]\n"
			"enabled = true\n"
			"allowed_base_urls = https://api.anthropic.com, " + _base + "\n"
			"tools = demo/*\n"
			"tool_timeout_seconds = 2\n"
			"max_rounds = 4\n"
			"[backend.scripted]\n"
			"plugin = anthropic\n"
			"base_url = " + _base + "\n"
			"api_key = sk-server-key-Yt5Hq0\n"
			"models = script-call-add\n"
			"[mcp.demo]\n"
			"args = --test-tools\n";
		_server.reset(new ServerProcess(options));
		_server->start();
	}

	void tearDown() override
	{
		_server.reset();
		_upstream.reset();
	}

	void testPlainAnswerByteForByte()
	{
		auto result = chat("claude-3-7-sonnet-latest", "h\xC3\xA9llo there");
		CPPUNIT_ASSERT_EQUAL_MESSAGE(result.body, 200, result.status);
		CPPUNIT_ASSERT_EQUAL(std::string("text/event-stream; charset=utf-8"), result.headers.get("Content-Type"));
		auto events = eventsOf(result.body);
		expectEightKeys(events);
		CPPUNIT_ASSERT_EQUAL_MESSAGE(describe(events), std::string("S 0 F:stop M D"), compact(typesOf(events)));
		CPPUNIT_ASSERT_EQUAL(std::string("Reply from anthropic: h\xC3\xA9llo there"), streamText(events, "content"));
		// Non-ASCII is escaped: no byte of the body is above 0x7f.
		for (char c: result.body) CPPUNIT_ASSERT(static_cast<unsigned char>(c) < 0x80);
		CPPUNIT_ASSERT(result.body.find("h\\u00e9llo") != std::string::npos);

		std::size_t n = events.size();
		CPPUNIT_ASSERT_EQUAL(std::string("data: {\"content\": \" there\", \"tool_name\": null, \"tool_args\": null, \"type\": \"stream\", \"tool_result\": null, \"new_raw_llm_messages\": [], \"finish_reason\": null, \"sleep_seconds\": 0}"), events[n - 5].line);
		CPPUNIT_ASSERT_EQUAL(std::string("data: {\"content\": null, \"tool_name\": null, \"tool_args\": null, \"type\": \"stream\", \"tool_result\": null, \"new_raw_llm_messages\": [], \"finish_reason\": null, \"sleep_seconds\": 0}"), events[n - 4].line);
		CPPUNIT_ASSERT_EQUAL(std::string("data: {\"type\": \"finish_reason\", \"content\": null, \"tool_name\": null, \"tool_args\": null, \"tool_result\": null, \"new_raw_llm_messages\": null, \"finish_reason\": \"stop\", \"sleep_seconds\": null}"), events[n - 3].line);
		CPPUNIT_ASSERT_EQUAL(std::string("data: {\"type\": \"new_raw_llm_messages\", \"content\": null, \"tool_name\": null, \"tool_args\": null, \"tool_result\": null, \"new_raw_llm_messages\": [{\"content\": \"Reply from anthropic: h\\u00e9llo there\", \"role\": \"assistant\"}], \"finish_reason\": null, \"sleep_seconds\": null}"), events[n - 2].line);
		CPPUNIT_ASSERT_EQUAL(std::string("data: [DONE]"), events[n - 1].line);

		// The upstream got the system prompt with today's date, the user's
		// message, the tools in Anthropic's form, one tool per answer.
		auto body = stats()->getObject("last_body");
		CPPUNIT_ASSERT(text(body->get("system")).find("Nash") != std::string::npos);
		auto tools = body->getArray("tools");
		CPPUNIT_ASSERT(tools && tools->size() >= 2);
		for (std::size_t i = 0; i < tools->size(); ++i)
		{
			auto tool = tools->getObject(static_cast<unsigned>(i));
			CPPUNIT_ASSERT(tool->has("name") && tool->has("description") && tool->has("input_schema"));
			CPPUNIT_ASSERT(!tool->has("annotations") && !tool->has("title") && !tool->has("outputSchema"));
		}
		CPPUNIT_ASSERT_EQUAL(std::string("{\"disable_parallel_tool_use\":true,\"type\":\"auto\"}"), text(body->get("tool_choice")));
	}

	void testToolRoundAnthropic()
	{
		toolRound("anthropic");
	}

	void testToolRoundOpenAi()
	{
		toolRound("openai");
	}

	void testTwoRounds()
	{
		auto events = eventsOf(chat("script-rounds-2-add", "{\"a\": 2, \"b\": 40}").body);
		expectEightKeys(events);
		CPPUNIT_ASSERT_EQUAL_MESSAGE(describe(events), std::string("S N A 0 F:tool_calls R S N A 0 F:tool_calls R S 0 F:stop M D"), compact(typesOf(events)));
		auto messages = events[events.size() - 2].data->getArray("new_raw_llm_messages");
		CPPUNIT_ASSERT_EQUAL(std::size_t(5), messages->size());
		CPPUNIT_ASSERT_EQUAL(std::string("Result: 42"), messages->getObject(4)->getValue<std::string>("content"));
	}

	void testParallelCalls()
	{
		auto events = eventsOf(chat("script-parallel-add", "{\"a\": 1, \"b\": 2}").body);
		CPPUNIT_ASSERT_EQUAL_MESSAGE(describe(events), std::string("S N A N A 0 F:tool_calls R R S 0 F:stop M D"), compact(typesOf(events)));
		auto messages = events[events.size() - 2].data->getArray("new_raw_llm_messages");
		CPPUNIT_ASSERT_EQUAL(std::size_t(4), messages->size());
		CPPUNIT_ASSERT_EQUAL(std::size_t(2), messages->getObject(0)->getArray("tool_calls")->size());
		CPPUNIT_ASSERT_EQUAL(std::string("tool"), messages->getObject(1)->getValue<std::string>("role"));
		CPPUNIT_ASSERT_EQUAL(std::string("tool"), messages->getObject(2)->getValue<std::string>("role"));
		CPPUNIT_ASSERT_EQUAL(std::string("Result: 3 | 3"), messages->getObject(3)->getValue<std::string>("content"));
	}

	void testRoundCap()
	{
		auto events = eventsOf(chat("script-forever-add", "{\"a\": 1, \"b\": 1}").body);
		std::string trace = compact(typesOf(events));
		CPPUNIT_ASSERT_EQUAL_MESSAGE(describe(events), std::string("E D"), trace.substr(trace.size() - 3));
		CPPUNIT_ASSERT(trace.find("M") == std::string::npos);
		CPPUNIT_ASSERT(events[events.size() - 2].string("error").find("ToolLoopLimitExceeded: ") == 0);
		CPPUNIT_ASSERT_EQUAL(4, stats()->getValue<int>("requests"));
	}

	void testHangingToolTimesOut()
	{
		Poco::Timestamp started;
		auto events = eventsOf(chat("script-call-hang", "{}").body);
		CPPUNIT_ASSERT(started.elapsed() < 10 * Poco::Timestamp::resolution());
		CPPUNIT_ASSERT_EQUAL_MESSAGE(describe(events), std::string("S N A 0 F:tool_calls R S 0 F:stop M D"), compact(typesOf(events)));
		std::string result;
		for (const auto& event: events)
		{
			if (event.type() == "tool_result") result = event.string("tool_result");
		}
		CPPUNIT_ASSERT_EQUAL(std::string("Error executing tool: 'hang' did not answer within 2 s"), result);
		auto messages = events[events.size() - 2].data->getArray("new_raw_llm_messages");
		CPPUNIT_ASSERT(messages->getObject(1)->getValue<bool>("is_error"));
	}

	void testDisconnectMidTool()
	{
		auto stream = HttpTestClient(_server->port()).openStream("/v1/chat/completions/stream", body("script-call-hang", "{}"));
		std::string data;
		bool sawCall = false;
		while (!sawCall && stream->nextEvent(data)) sawCall = data.find("\"tool_calls\"") != std::string::npos;
		CPPUNIT_ASSERT(sawCall);
		stream->disconnect();
		// The loop stops: no further model call, the stream slot is given back.
		Poco::Thread::sleep(2500);
		CPPUNIT_ASSERT_EQUAL(1, stats()->getValue<int>("requests"));
		CPPUNIT_ASSERT_EQUAL(0, client().get("/health").json()->getValue<int>("open_streams"));
		CPPUNIT_ASSERT(_server->isRunning());
	}

	void testForbiddenBaseUrlNeverConnects()
	{
		for (const std::string& url: {std::string("http://127.0.0.1:1"), _base + ".evil.example", "http://user:pw@127.0.0.1:" + std::to_string(_upstream->port()),
			std::string("https://api.anthropic.com.evil.example"), std::string("")})
		{
			auto events = eventsOf(chat("claude-3-7-sonnet-latest", "hi", "anthropic", userKey, url).body);
			CPPUNIT_ASSERT_EQUAL_MESSAGE(describe(events), std::string("E D"), compact(typesOf(events)));
			CPPUNIT_ASSERT_MESSAGE(describe(events), events[0].string("error").find("PermissionDeniedError: api_base_url") == 0);
			CPPUNIT_ASSERT(events[0].string("error").find("pw") == std::string::npos);
		}
		CPPUNIT_ASSERT_EQUAL(0, stats()->getValue<int>("requests"));
	}

	void testEmptyKeyNeverConnects()
	{
		auto events = eventsOf(chat("claude-3-7-sonnet-latest", "hi", "anthropic", "").body);
		CPPUNIT_ASSERT_EQUAL_MESSAGE(describe(events), std::string("E D"), compact(typesOf(events)));
		CPPUNIT_ASSERT(events[0].string("error").find("AuthenticationError: ") == 0);
		CPPUNIT_ASSERT_EQUAL(0, stats()->getValue<int>("requests"));
	}

	void testKeyAndHeadersReachTheUpstreamOnly()
	{
		std::string request = body("claude-3-7-sonnet-latest", "hi");
		request.insert(request.size() - 1, ", \"headers\": {\"helicone-auth\": \"Bearer hh\", \"x-api-key\": \"stolen\", \"Host\": \"evil\", \"n\": 5}");
		auto result = client().post("/v1/chat/completions/stream", request);
		CPPUNIT_ASSERT_EQUAL_MESSAGE(result.body, 200, result.status);
		auto seen = stats();
		CPPUNIT_ASSERT_EQUAL(userKey, seen->getValue<std::string>("last_x_api_key"));
		auto headers = seen->getObject("headers_seen");
		CPPUNIT_ASSERT_EQUAL(std::string("Bearer hh"), headers->getValue<std::string>("helicone-auth"));
		CPPUNIT_ASSERT(headers->getValue<std::string>("host").find("evil") == std::string::npos);
		CPPUNIT_ASSERT(!headers->has("n"));
		// The user's key is in no answer and no log line.
		CPPUNIT_ASSERT(result.body.find(userKey) == std::string::npos);
		auto failed = chat("fault-401", "hi");
		CPPUNIT_ASSERT(failed.body.find(userKey) == std::string::npos);
		CPPUNIT_ASSERT(_server->output().find(userKey) == std::string::npos);
	}

	void testUpstreamErrorsInBand()
	{
		for (const auto& fault: std::vector<std::pair<std::string, std::string>>{{"fault-401", "AuthenticationError: "}, {"fault-403", "PermissionDeniedError: "},
			{"fault-404", "NotFoundError: "}, {"fault-500", "InternalServerError: "}, {"fault-529", "InternalServerError: "}, {"fault-cut", "APIConnectionError: "}})
		{
			auto events = eventsOf(chat(fault.first, "hi").body);
			CPPUNIT_ASSERT(events.size() >= 2);
			const Event& error = events[events.size() - 2];
			CPPUNIT_ASSERT_MESSAGE(fault.first + "\n" + describe(events), error.data->has("error") && error.data->size() == 1);
			CPPUNIT_ASSERT_MESSAGE(fault.first + ": " + error.line, error.string("error").find(fault.second) == 0);
			CPPUNIT_ASSERT_EQUAL(std::string("data: [DONE]"), events.back().line);
			CPPUNIT_ASSERT(compact(typesOf(events)).find("M") == std::string::npos);
		}
	}

	void testRateLimitWait()
	{
		std::string request = body("script-call-add", "{\"a\": 2, \"b\": 40}");
		request.insert(request.size() - 1, ", \"headers\": {\"X-Fake-Ratelimit-Reset-Ms\": \"1500\"}");
		Poco::Timestamp started;
		auto events = eventsOf(client().post("/v1/chat/completions/stream", request).body);
		double took = static_cast<double>(started.elapsed()) / Poco::Timestamp::resolution();
		CPPUNIT_ASSERT_EQUAL_MESSAGE(describe(events), std::string("S N A 0 F:tool_calls Z R S 0 F:stop M D"), compact(typesOf(events)));
		double wait = 0;
		for (const auto& event: events)
		{
			if (event.type() == "sleep_seconds") wait = event.data->getValue<double>("sleep_seconds");
		}
		CPPUNIT_ASSERT_MESSAGE(std::to_string(wait), wait > 0.5 && wait <= 1.6);
		CPPUNIT_ASSERT_MESSAGE(std::to_string(took), took >= wait - 0.2);

		std::string malformed = body("script-call-add", "{\"a\": 2, \"b\": 40}");
		malformed.insert(malformed.size() - 1, ", \"headers\": {\"X-Fake-Ratelimit-Reset-Ms\": \"1500\", \"X-Fake-Ratelimit-Malformed\": \"1\"}");
		events = eventsOf(client().post("/v1/chat/completions/stream", malformed).body);
		CPPUNIT_ASSERT_EQUAL_MESSAGE(describe(events), std::string("S N A 0 F:tool_calls R S 0 F:stop M D"), compact(typesOf(events)));
	}

	void testOldResultsTruncated()
	{
		auto events = eventsOf(chat("script-call-big", "{\"repeat\": 2000}").body);
		CPPUNIT_ASSERT_EQUAL_MESSAGE(describe(events), std::string("S N A 0 F:tool_calls R S 0 F:stop M D"), compact(typesOf(events)));
		std::string full;
		for (const auto& event: events)
		{
			if (event.type() == "tool_result") full = event.string("tool_result");
		}
		// 2000 times "ä€𝄞-": 8000 code points, shown whole to the user.
		CPPUNIT_ASSERT_EQUAL(std::size_t(2000 * 10), full.size());
		auto messages = events[events.size() - 2].data->getArray("new_raw_llm_messages");
		std::string kept = messages->getObject(1)->getValue<std::string>("content");
		const std::string suffix = "... (Truncated. Rerun tool to operate on full results again.)";
		CPPUNIT_ASSERT_EQUAL(full.substr(0, 1250 * 10) + suffix, kept);
		CPPUNIT_ASSERT(events[events.size() - 2].line.find("\\ud834\\udd1e") != std::string::npos);

		// The history comes back, and the model is sent it in valid form.
		Poco::JSON::Array::Ptr history = new Poco::JSON::Array;
		history->add(parse("{\"role\": \"user\", \"content\": \"{\\\"repeat\\\": 2000}\"}"));
		for (std::size_t i = 0; i < messages->size(); ++i) history->add(messages->get(static_cast<unsigned>(i)));
		history->add(parse("{\"role\": \"user\", \"content\": \"thanks\"}"));
		auto next = eventsOf(post(history, "script-call-add", "anthropic").body);
		CPPUNIT_ASSERT_MESSAGE(describe(next), compact(typesOf(next)).find("E") == std::string::npos);
	}

	void testValidation()
	{
		auto missing = client().request("POST", "/v1/chat/completions/stream",
			"{\"messages\": [{\"role\": \"user\", \"content\": \"hi\"}], \"model\": \"m\", \"api_base_url\": \"x\", \"headers\": {\"a\": \"secret-header\"}}",
			"application/json", {{"Origin", "http://localhost:3000"}});
		CPPUNIT_ASSERT_EQUAL(422, missing.status);
		CPPUNIT_ASSERT_EQUAL(std::string("http://localhost:3000"), missing.headers.get("Access-Control-Allow-Origin", ""));
		auto problem = missing.json()->getArray("detail")->getObject(0);
		CPPUNIT_ASSERT_EQUAL(std::string("missing"), problem->getValue<std::string>("type"));
		CPPUNIT_ASSERT_EQUAL(std::string("[\"body\",\"api_key\"]"), text(problem->get("loc")));
		CPPUNIT_ASSERT(missing.body.find("secret-header") == std::string::npos);

		auto wrongType = client().post("/v1/chat/completions/stream", "{\"messages\": [{\"role\": \"user\", \"content\": \"hi\"}], \"model\": \"m\", \"api_base_url\": \"x\", \"api_key\": [\"" + userKey + "\"]}");
		CPPUNIT_ASSERT_EQUAL(422, wrongType.status);
		CPPUNIT_ASSERT(wrongType.body.find("string_type") != std::string::npos);
		CPPUNIT_ASSERT(wrongType.body.find(userKey) == std::string::npos);

		auto empty = client().post("/v1/chat/completions/stream", "{\"messages\": [], \"model\": \"m\", \"api_base_url\": \"x\", \"api_key\": \"k\"}");
		CPPUNIT_ASSERT_EQUAL(422, empty.status);
		CPPUNIT_ASSERT(empty.body.find("too_short") != std::string::npos);

		CPPUNIT_ASSERT_EQUAL(422, client().post("/v1/chat/completions/stream", "{not json").status);
		CPPUNIT_ASSERT_EQUAL(422, client().post("/v1/chat/completions/stream", "[1, 2]").status);
		auto notAMessage = client().post("/v1/chat/completions/stream", "{\"messages\": [\"hi\"], \"model\": \"m\", \"api_base_url\": \"x\", \"api_key\": \"k\"}");
		CPPUNIT_ASSERT_EQUAL(422, notAMessage.status);
		CPPUNIT_ASSERT(notAMessage.body.find("[\"body\", \"messages\", 0]") != std::string::npos);

		// The original's dialect is still served on the same path.
		auto original = client().post("/v1/chat/completions/stream", "{\"messages\": [{\"role\": \"user\", \"content\": \"hi\"}], \"session_id\": \"s-1\"}");
		CPPUNIT_ASSERT_EQUAL(200, original.status);
		CPPUNIT_ASSERT_EQUAL(std::string("{\"session_id\": \"s-1\"}"), HttpTestClient::dataEvents(original.body).front());
	}

	void testCors()
	{
		for (const auto& origin: std::vector<std::pair<std::string, std::string>>{{"http://localhost:3000", ""}, {"null", electron}})
		{
			for (const char* path: {"/v1/chat/completions/stream", "/v1/chat/token_info"})
			{
				std::vector<std::pair<std::string, std::string>> headers = {{"Origin", origin.first}, {"Access-Control-Request-Method", "POST"},
					{"Access-Control-Request-Headers", "content-type"}};
				if (!origin.second.empty()) headers.emplace_back("User-Agent", origin.second);
				auto preflight = client().request("OPTIONS", path, "", "", headers);
				CPPUNIT_ASSERT_EQUAL_MESSAGE(origin.first + " " + std::string(path), 204, preflight.status);
				CPPUNIT_ASSERT_EQUAL(origin.first, preflight.headers.get("Access-Control-Allow-Origin", ""));
				CPPUNIT_ASSERT(Poco::toLower(preflight.headers.get("Access-Control-Allow-Headers", "")).find("content-type") != std::string::npos);
			}
			std::vector<std::pair<std::string, std::string>> headers = {{"Origin", origin.first}};
			if (!origin.second.empty()) headers.emplace_back("User-Agent", origin.second);
			auto answer = client().request("POST", "/v1/chat/completions/stream", body("claude-3-7-sonnet-latest", "hi"), "application/json", headers);
			CPPUNIT_ASSERT_EQUAL(200, answer.status);
			CPPUNIT_ASSERT_EQUAL(origin.first, answer.headers.get("Access-Control-Allow-Origin", ""));
		}
		auto privateNetwork = client().request("OPTIONS", "/v1/chat/token_info", "", "", {{"Origin", "http://localhost:3000"},
			{"Access-Control-Request-Method", "POST"}, {"Access-Control-Request-Private-Network", "true"}});
		CPPUNIT_ASSERT_EQUAL(std::string("true"), privateNetwork.headers.get("Access-Control-Allow-Private-Network", ""));

		auto evil = client().request("OPTIONS", "/v1/chat/completions/stream", "", "", {{"Origin", "https://evil.example"}, {"Access-Control-Request-Method", "POST"}});
		CPPUNIT_ASSERT_EQUAL(403, evil.status);
		CPPUNIT_ASSERT(!evil.headers.has("Access-Control-Allow-Origin"));
		auto evilPost = client().request("POST", "/v1/chat/completions/stream", body("script-call-add", "{}"), "application/json", {{"Origin", "https://evil.example"}});
		CPPUNIT_ASSERT_EQUAL(403, evilPost.status);
		auto sandboxed = client().request("POST", "/v1/chat/completions/stream", body("script-call-add", "{}"), "application/json",
			{{"Origin", "null"}, {"User-Agent", "Mozilla/5.0 Chrome/132.0 Safari/537.36"}});
		CPPUNIT_ASSERT_EQUAL(403, sandboxed.status);
		auto form = client().request("POST", "/v1/chat/completions/stream", body("script-call-add", "{}"), "text/plain", {{"Origin", "http://localhost:3000"}});
		CPPUNIT_ASSERT_EQUAL(415, form.status);
		CPPUNIT_ASSERT_EQUAL(0, stats()->getValue<int>("requests") - 2);
	}

	void testTokenInfo()
	{
		auto emptyList = client().post("/v1/chat/token_info", "{\"messages\": [], \"model\": \"claude-3-7-sonnet-latest\"}");
		CPPUNIT_ASSERT_EQUAL(400, emptyList.status);
		CPPUNIT_ASSERT_EQUAL(std::string("Messages list is required"), emptyList.json()->getValue<std::string>("detail"));
		auto emptyModel = client().post("/v1/chat/token_info", "{\"messages\": [{\"role\": \"user\", \"content\": \"hi\"}], \"model\": \"\"}");
		CPPUNIT_ASSERT_EQUAL(400, emptyModel.status);
		CPPUNIT_ASSERT_EQUAL(std::string("Model identifier is required"), emptyModel.json()->getValue<std::string>("detail"));
		CPPUNIT_ASSERT_EQUAL(422, client().post("/v1/chat/token_info", "{\"messages\": [{\"role\": \"user\", \"content\": \"hi\"}]}").status);
		CPPUNIT_ASSERT_EQUAL(422, client().post("/v1/chat/token_info", "{\"messages\": \"hi\", \"model\": \"m\"}").status);

		auto one = client().post("/v1/chat/token_info", "{\"messages\": [{\"role\": \"user\", \"content\": \"hi\"}], \"model\": \"claude-3-7-sonnet-latest\"}");
		CPPUNIT_ASSERT_EQUAL_MESSAGE(one.body, 200, one.status);
		auto info = one.json();
		CPPUNIT_ASSERT_EQUAL(200000, info->getValue<int>("max_tokens"));
		int used = info->getValue<int>("used_tokens");
		CPPUNIT_ASSERT(used > 10);
		CPPUNIT_ASSERT_EQUAL(200000 - used, info->getValue<int>("remaining_tokens"));
		CPPUNIT_ASSERT_EQUAL(std::string("claude-3-7-sonnet-latest"), info->getValue<std::string>("model"));

		auto two = client().post("/v1/chat/token_info", "{\"messages\": [{\"role\": \"user\", \"content\": \"hi\"}, {\"content\": \"I'll add\", \"role\": \"assistant\", "
			"\"tool_calls\": [{\"id\": \"toolu_1\", \"function\": {\"arguments\": \"{\\\"a\\\": 2, \\\"b\\\": 40}\", \"name\": \"add\"}, \"type\": \"function\", \"index\": 0}], \"function_call\": null}, "
			"{\"role\": \"tool\", \"tool_call_id\": \"toolu_1\", \"name\": \"add\", \"content\": \"42\", \"is_error\": false}], \"model\": \"claude-3-7-sonnet-latest\"}");
		CPPUNIT_ASSERT_EQUAL_MESSAGE(two.body, 200, two.status);
		CPPUNIT_ASSERT(two.json()->getValue<int>("used_tokens") > used + 6);

		auto unknown = client().post("/v1/chat/token_info", "{\"messages\": [{\"role\": \"user\", \"content\": \"hi\"}], \"model\": \"mystery-1\"}");
		CPPUNIT_ASSERT_EQUAL(200, unknown.status);
		CPPUNIT_ASSERT_EQUAL(0, unknown.json()->getValue<int>("used_tokens"));
		CPPUNIT_ASSERT(unknown.json()->has("error"));
	}

	void testOriginalDialectToolLoop()
	{
		auto result = client().post("/v1/chat/completions/stream",
			"{\"messages\": [{\"role\": \"user\", \"content\": \"{\\\"a\\\": 2, \\\"b\\\": 40}\"}], \"model\": \"scripted/script-call-add\", \"mcp_tools\": true, \"session_id\": \"t-1\"}");
		CPPUNIT_ASSERT_EQUAL_MESSAGE(result.body, 200, result.status);
		auto events = HttpTestClient::dataEvents(result.body);
		std::string content;
		bool call = false;
		bool toolResult = false;
		for (const auto& event: events)
		{
			if (event == "[DONE]") continue;
			auto data = parse(event);
			if (data->has("content")) content += data->getValue<std::string>("content");
			if (data->has("tool_call")) call = data->getObject("tool_call")->getValue<std::string>("name") == "add";
			if (data->has("tool_result")) toolResult = data->getObject("tool_result")->getValue<std::string>("content") == "42";
			CPPUNIT_ASSERT_MESSAGE(event, !data->has("error"));
		}
		CPPUNIT_ASSERT(call && toolResult);
		CPPUNIT_ASSERT_EQUAL(std::string("I'll use add.Result: 42"), content);
		CPPUNIT_ASSERT_EQUAL(std::string("{\"session_id\": \"t-1\"}"), events[events.size() - 2]);

		auto refused = client().post("/v1/chat/completions/stream", "{\"messages\": [{\"role\": \"user\", \"content\": \"hi\"}], \"mcp_tools\": \"yes\"}");
		CPPUNIT_ASSERT_EQUAL(400, refused.status);
	}

private:
	void toolRound(const std::string& provider)
	{
		auto result = chat("script-call-add", "{\"a\": 2, \"b\": 40}", provider);
		CPPUNIT_ASSERT_EQUAL_MESSAGE(result.body, 200, result.status);
		auto events = eventsOf(result.body);
		expectEightKeys(events);
		CPPUNIT_ASSERT_EQUAL_MESSAGE(describe(events), std::string("S N A 0 F:tool_calls R S 0 F:stop M D"), compact(typesOf(events)));
		CPPUNIT_ASSERT_EQUAL(std::string("I'll use add.Result: 42"), streamText(events, "content"));
		CPPUNIT_ASSERT_EQUAL(std::string("add"), streamText(events, "tool_name"));
		CPPUNIT_ASSERT_EQUAL(std::string("{\"a\":2,\"b\":40}"), streamText(events, "tool_args"));
		int fragments = 0;
		std::size_t resultAt = 0;
		for (std::size_t i = 0; i < events.size(); ++i)
		{
			if (events[i].type() == "stream" && !events[i].isNull("tool_args")) ++fragments;
			if (events[i].type() == "tool_result") resultAt = i;
		}
		CPPUNIT_ASSERT(fragments > 2);
		CPPUNIT_ASSERT_EQUAL(std::string("data: {\"type\": \"tool_result\", \"content\": null, \"tool_name\": null, \"tool_args\": null, \"tool_result\": \"42\", \"new_raw_llm_messages\": [], \"finish_reason\": null, \"sleep_seconds\": null}"), events[resultAt].line);
		// Text after a tool result directly follows it.
		CPPUNIT_ASSERT_EQUAL(std::string("Result:"), events[resultAt + 1].string("content"));

		auto messages = events[events.size() - 2].data->getArray("new_raw_llm_messages");
		CPPUNIT_ASSERT_EQUAL(std::size_t(3), messages->size());
		auto assistant = messages->getObject(0);
		auto call = assistant->getArray("tool_calls")->getObject(0);
		std::string id = call->getValue<std::string>("id");
		CPPUNIT_ASSERT_EQUAL(std::string(provider == "openai" ? "call_" : "toolu_"), id.substr(0, provider == "openai" ? 5 : 6));
		// As the app stores them, in Python's JSON, in this key order.
		const std::string& line = events[events.size() - 2].line;
		const std::string expected = "[{\"content\": \"I'll use add.\", \"role\": \"assistant\", \"tool_calls\": [{\"id\": " + quoted(id)
			+ ", \"function\": {\"arguments\": \"{\\\"a\\\":2,\\\"b\\\":40}\", \"name\": \"add\"}, \"type\": \"function\", \"index\": 0}], \"function_call\": null}, "
			"{\"role\": \"tool\", \"tool_call_id\": " + quoted(id) + ", \"name\": \"add\", \"content\": \"42\", \"is_error\": false}, "
			"{\"content\": \"Result: 42\", \"role\": \"assistant\"}]";
		CPPUNIT_ASSERT_MESSAGE(line + "\nlacks\n" + expected, line.find("\"new_raw_llm_messages\": " + expected + ", \"finish_reason\": null") != std::string::npos);

		// The app sends the history back with a new question; the scripted
		// model's validation accepts the conversation it is sent.
		Poco::JSON::Array::Ptr history = new Poco::JSON::Array;
		history->add(parse("{\"role\": \"user\", \"content\": \"{\\\"a\\\": 2, \\\"b\\\": 40}\"}"));
		for (std::size_t i = 0; i < messages->size(); ++i) history->add(messages->get(static_cast<unsigned>(i)));
		history->add(parse("{\"role\": \"user\", \"content\": \"and again\"}"));
		auto next = eventsOf(post(history, "script-call-add", provider).body);
		CPPUNIT_ASSERT_EQUAL_MESSAGE(describe(next), std::string("S N A 0 F:tool_calls R S 0 F:stop M D"), compact(typesOf(next)));
		// After an error turn the app sends user, user: valid too.
		history->add(parse("{\"role\": \"user\", \"content\": \"once more\"}"));
		auto after = eventsOf(post(history, "script-call-add", provider).body);
		CPPUNIT_ASSERT_MESSAGE(describe(after), compact(typesOf(after)).find("E") == std::string::npos);
	}

	std::string body(const std::string& model, const std::string& message, const std::string& provider = "anthropic",
		const std::string& key = userKey, const std::string& base = std::string("\x01"))
	{
		Poco::JSON::Object::Ptr request = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
		Poco::JSON::Array::Ptr messages = new Poco::JSON::Array;
		Poco::JSON::Object::Ptr user = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
		user->set("role", "user");
		user->set("content", message);
		messages->add(user);
		request->set("messages", messages);
		request->set("model", model);
		request->set("api_key", key);
		request->set("api_base_url", base == "\x01" ? _base : base);
		request->set("provider", provider);
		return text(request);
	}

	NashTest::HttpResult chat(const std::string& model, const std::string& message, const std::string& provider = "anthropic",
		const std::string& key = userKey, const std::string& base = std::string("\x01"))
	{
		return client().post("/v1/chat/completions/stream", body(model, message, provider, key, base));
	}

	NashTest::HttpResult post(const Poco::JSON::Array::Ptr& messages, const std::string& model, const std::string& provider)
	{
		Poco::JSON::Object::Ptr request = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
		request->set("messages", messages);
		request->set("model", model);
		request->set("api_key", userKey);
		request->set("api_base_url", _base);
		request->set("provider", provider);
		return client().post("/v1/chat/completions/stream", text(request));
	}

	HttpTestClient client()
	{
		return HttpTestClient(_server->port());
	}

	Poco::JSON::Object::Ptr stats()
	{
		return HttpTestClient(_upstream->port()).get("/_stats").json();
	}

	std::unique_ptr<ServerProcess> _upstream;
	std::unique_ptr<ServerProcess> _server;
	std::string _base;
};


CPPUNIT_TEST_SUITE_REGISTRATION(AppChatTest);
