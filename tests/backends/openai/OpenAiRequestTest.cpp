//
// OpenAiRequestTest.cpp
//
// The openai backend's configuration, its requests and the decoding of a
// whole answer, and its exchange with a scripted upstream through the
// server's ProviderExchange, compiled into the unit tests (the plugin
// through the real server is OpenAiBackendTest's).
//


#include "OpenAiBackend.h"
#include "EnvironmentGuard.h"
#include "ObservingSink.h"
#include "ScriptedUpstream.h"
#include "TestCall.h"
#include "NashUpstream/ProviderExchange.h"
#include "Nash/BackendException.h"
#include "Poco/AutoPtr.h"
#include "Poco/JSON/Array.h"
#include "Poco/JSON/ParseHandler.h"
#include "Poco/JSON/Parser.h"
#include "Poco/JSON/Stringifier.h"
#include "Poco/Util/MapConfiguration.h"
#include <cppunit/extensions/HelperMacros.h>
#include <sstream>


using NashTest::TestCall;


namespace {


const char* const apiKey = "sk-openai-test-0123456789";


Poco::JSON::Object::Ptr ordered(const std::string& text)
	/// text parsed with its keys in the order written, as the server keeps
	/// a client's messages.
{
	Poco::JSON::Parser parser(new Poco::JSON::ParseHandler(true));
	return parser.parse(text).extract<Poco::JSON::Object::Ptr>();
}


Nash::ChatMessage message(const std::string& role, const std::string& content, const std::string& raw)
{
	Nash::ChatMessage result;
	result.role = role;
	result.content = content;
	result.raw = ordered(raw);
	return result;
}


Nash::ChatRequest request(std::vector<Nash::ChatMessage> messages)
{
	Nash::ChatRequest result;
	result.model = "gpt-test";
	result.messages = std::move(messages);
	result.extra = new Poco::JSON::Object;
	return result;
}


std::string text(const Poco::Dynamic::Var& value)
{
	std::ostringstream out;
	Poco::JSON::Stringifier::condense(value, out);
	return out.str();
}


std::string header(const Nash::UpstreamRequest& request, const std::string& name)
	/// The value of the request's header name, or "(none)".
{
	for (const auto& entry: request.headers)
	{
		if (entry.first == name) return entry.second;
	}
	return "(none)";
}


} // namespace


class OpenAiRequestTest: public CppUnit::TestFixture
{
	CPPUNIT_TEST_SUITE(OpenAiRequestTest);
	CPPUNIT_TEST(testToolLoopKeysAreLeftOut);
	CPPUNIT_TEST(testOtherMessagesAreSentAsTheyCame);
	CPPUNIT_TEST(testChatRequest);
	CPPUNIT_TEST(testApiKeyAndBaseUrl);
	CPPUNIT_TEST(testDecodeAnswer);
	CPPUNIT_TEST(testUpstreamHeadReachesAnObserver);
	CPPUNIT_TEST(testExchangeOfAWholeAnswer);
	CPPUNIT_TEST(testErrorInTheStreamIsRedacted);
	CPPUNIT_TEST_SUITE_END();

public:
	void setUp() override
	{
		_environment.reset(new NashTest::EnvironmentGuard({"OPENAI_API_KEY", "OPENAI_BASE_URL"}));
		_config = new Poco::Util::MapConfiguration;
		_config->setString("base_url", "http://127.0.0.1:9/v1");
		_config->setString("api_key", apiKey);
		_backend.configure("o", *_config);
	}

	void tearDown() override
	{
		_environment.reset();
	}

	void testToolLoopKeysAreLeftOut()
	{
		// The server's tool loop appends messages in LiteLLM's shape;
		// is_error on a tool result, a null function_call and the index of a
		// tool call are no fields of OpenAI's request messages.
		Nash::ChatRequest chat = request({
			message("user", "Add 2 and 40.", R"({"role": "user", "content": "Add 2 and 40."})"),
			message("assistant", "I'll add them.", R"({"content": "I'll add them.", "role": "assistant", "tool_calls": [)"
				R"({"id": "toolu_01Ju5", "function": {"arguments": "{\"a\": 2, \"b\": 40}", "name": "add"}, "type": "function", "index": 0}], "function_call": null})"),
			message("tool", "42", R"({"role": "tool", "tool_call_id": "toolu_01Ju5", "name": "add", "content": "42", "is_error": false})"),
			message("tool", "failed", R"({"role": "tool", "tool_call_id": "toolu_02", "name": "add", "content": "failed", "is_error": true})"),
			message("assistant", "The sum is 42.", R"({"content": "The sum is 42.", "role": "assistant"})")});
		Poco::JSON::Object::Ptr body = _backend.requestBody(chat, true);
		CPPUNIT_ASSERT_EQUAL(std::string(
			R"([{"role":"user","content":"Add 2 and 40."},)"
			R"({"content":"I'll add them.","role":"assistant","tool_calls":[)"
				R"({"id":"toolu_01Ju5","function":{"arguments":"{\"a\": 2, \"b\": 40}","name":"add"},"type":"function"}]},)"
			R"({"role":"tool","tool_call_id":"toolu_01Ju5","name":"add","content":"42"},)"
			R"({"role":"tool","tool_call_id":"toolu_02","name":"add","content":"failed"},)"
			R"({"content":"The sum is 42.","role":"assistant"}])"), text(body->get("messages")));

		// Copies: the messages the server holds keep what they had.
		CPPUNIT_ASSERT(chat.messages[1].raw->has("function_call"));
		CPPUNIT_ASSERT(chat.messages[1].raw->getArray("tool_calls")->getObject(0)->has("index"));
		CPPUNIT_ASSERT(chat.messages[2].raw->has("is_error"));
	}

	void testOtherMessagesAreSentAsTheyCame()
	{
		// Only what must go goes: a function_call that is not null, an
		// is_error on another role and unknown keys stay; a message with
		// nothing to leave out is sent as it is, not copied.
		Nash::ChatRequest chat = request({
			message("user", "x", R"({"role": "user", "content": "x", "is_error": true, "name": "ann"})"),
			message("assistant", "", R"({"role": "assistant", "content": null, "function_call": {"name": "f", "arguments": "{}"}})"),
			message("assistant", "", R"({"role": "assistant", "content": null, "tool_calls": [{"id": "c1", "type": "function", "function": {"name": "f", "arguments": "{}"}}]})")});
		Poco::JSON::Array::Ptr messages = _backend.requestBody(chat, false)->getArray("messages");
		for (unsigned i = 0; i < 3; ++i)
			CPPUNIT_ASSERT(messages->getObject(i).get() == chat.messages[i].raw.get());
		CPPUNIT_ASSERT_EQUAL(std::string(R"({"role":"user","content":"x","is_error":true,"name":"ann"})"), text(messages->get(0)));
	}

	void testChatRequest()
	{
		_config->setString("organization", "org-42");
		_backend.configure("o", *_config);
		Nash::ChatRequest chat = request({message("user", "Hi", R"({"role": "user", "content": "Hi"})")});
		Nash::UpstreamRequest streamed = _backend.chatRequest(chat, true);
		CPPUNIT_ASSERT_EQUAL(std::string("POST"), streamed.method);
		CPPUNIT_ASSERT_EQUAL(std::string("/chat/completions"), streamed.path);
		CPPUNIT_ASSERT_EQUAL(std::string("Bearer ") + apiKey, header(streamed, "Authorization"));
		CPPUNIT_ASSERT_EQUAL(std::string("org-42"), header(streamed, "OpenAI-Organization"));
		CPPUNIT_ASSERT_EQUAL(std::string("text/event-stream"), header(streamed, "Accept"));
		CPPUNIT_ASSERT_EQUAL(0, streamed.timeoutMilliseconds);
		std::ostringstream body;
		_backend.requestBody(chat, true)->stringify(body);
		CPPUNIT_ASSERT_EQUAL(body.str(), streamed.body);
		CPPUNIT_ASSERT(streamed.body.find("\"include_usage\":true") != std::string::npos);

		Nash::UpstreamRequest whole = _backend.chatRequest(chat, false);
		CPPUNIT_ASSERT_EQUAL(std::string("/chat/completions"), whole.path);
		CPPUNIT_ASSERT_EQUAL(std::string("(none)"), header(whole, "Accept"));
		CPPUNIT_ASSERT_EQUAL(std::string("Bearer ") + apiKey, header(whole, "Authorization"));
		CPPUNIT_ASSERT_EQUAL(false, TestCall::json(whole.body)->getValue<bool>("stream"));
		CPPUNIT_ASSERT(!TestCall::json(whole.body)->has("stream_options"));

		// Without a key (a local server): no Authorization at all.
		_config->remove("api_key");
		_config->remove("organization");
		_backend.configure("o", *_config);
		CPPUNIT_ASSERT_EQUAL(std::string("(none)"), header(_backend.chatRequest(chat, true), "Authorization"));
		CPPUNIT_ASSERT_EQUAL(std::string("(none)"), header(_backend.chatRequest(chat, true), "OpenAI-Organization"));
		CPPUNIT_ASSERT(_backend.setupRequest().path.empty());
	}

	void testApiKeyAndBaseUrl()
	{
		CPPUNIT_ASSERT_EQUAL(std::string("OpenAI-compatible upstream 'o'"), _backend.providerName());
		CPPUNIT_ASSERT_EQUAL(std::string("http://127.0.0.1:9/v1"), _backend.baseUrl());
		CPPUNIT_ASSERT(_backend.secrets() == std::vector<std::string>{apiKey});
		CPPUNIT_ASSERT(_backend.acceptsAnyModel());
		CPPUNIT_ASSERT_EQUAL(std::string("gpt-4o-mini"), _backend.defaultModel());

		// OpenAI's own API refuses every call without a key: so does the
		// configuration, with the key's names.
		Poco::AutoPtr<Poco::Util::MapConfiguration> config = new Poco::Util::MapConfiguration;
		Nash::OpenAiBackend official;
		try
		{
			official.configure("gpt", *config);
			CPPUNIT_FAIL("no key for api.openai.com was accepted");
		}
		catch (Poco::InvalidArgumentException& exc)
		{
			CPPUNIT_ASSERT_EQUAL(std::string("no API key for https://api.openai.com/v1: set api_key in [backend.gpt] or OPENAI_API_KEY"), exc.message());
		}

		// The environment: OPENAI_BASE_URL is the default, base_url wins.
		Poco::Environment::set("OPENAI_BASE_URL", "http://localhost:8000/v1");
		Poco::Environment::set("OPENAI_API_KEY", "sk-from-the-environment");
		official.configure("gpt", *config);
		CPPUNIT_ASSERT_EQUAL(std::string("http://localhost:8000/v1"), official.baseUrl());
		CPPUNIT_ASSERT_EQUAL(std::string("Bearer sk-from-the-environment"), header(official.chatRequest(request({}), false), "Authorization"));
		config->setString("base_url", " http://vllm:8000/v1 ");
		official.configure("gpt", *config);
		CPPUNIT_ASSERT_EQUAL(std::string("http://vllm:8000/v1"), official.baseUrl());

		// A base URL that is no URL is refused by the server, not here.
		Poco::Environment::set("OPENAI_API_KEY", "");
		config->setString("base_url", "http://user:pa ss@[bad/v1");
		official.configure("gpt", *config);
	}

	void testDecodeAnswer()
	{
		Nash::ChatResult result = _backend.decodeAnswer(R"({"id":"c1","object":"chat.completion","choices":[{"index":0,)"
			R"("message":{"role":"assistant","content":"Whole reply."},"finish_reason":"length"}],"usage":{"prompt_tokens":3,"completion_tokens":4}})");
		CPPUNIT_ASSERT_EQUAL(std::string("Whole reply."), result.content);
		CPPUNIT_ASSERT_EQUAL(std::string("length"), result.finishReason);
		CPPUNIT_ASSERT_EQUAL(3LL, result.usage.promptTokens.value());
		CPPUNIT_ASSERT_EQUAL(4LL, result.usage.completionTokens.value());

		try
		{
			_backend.decodeAnswer(R"({"choices":[]})");
			CPPUNIT_FAIL("an answer without a message was taken");
		}
		catch (Nash::BackendException& exc)
		{
			CPPUNIT_ASSERT(exc.cause() == Nash::BackendException::Cause::Malformed);
			CPPUNIT_ASSERT_EQUAL(std::string("OpenAI-compatible upstream 'o' answered without choices[0].message"), exc.message());
		}
		try
		{
			_backend.decodeAnswer(R"({"choices": [{"mess)");
			CPPUNIT_FAIL("half an answer was taken");
		}
		catch (Nash::BackendException& exc)
		{
			CPPUNIT_ASSERT(exc.cause() == Nash::BackendException::Cause::Malformed);
			CPPUNIT_ASSERT_EQUAL(std::string("OpenAI-compatible upstream 'o' sent data that is not a JSON object: {\"choices\": [{\"mess"), exc.message());
		}
	}

	void testUpstreamHeadReachesAnObserver()
	{
		NashTest::ScriptedUpstream upstream;
		upstream.header("x-ratelimit-remaining-requests", "499");
		upstream.answer(200, "text/event-stream",
			"data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"Hi\"}}]}\n\n"
			"data: {\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}]}\n\n"
			"data: [DONE]\n\n");
		auto exchange = exchangeFor(upstream);
		NashTest::ObservingSink sink;
		Nash::CancellationToken token;
		exchange->streamChat(request({message("user", "Hi", R"({"role": "user", "content": "Hi"})")}), sink, token);

		CPPUNIT_ASSERT_EQUAL(std::size_t(1), sink.statuses.size());
		CPPUNIT_ASSERT_EQUAL(200, sink.statuses[0]);
		CPPUNIT_ASSERT_EQUAL(std::string("499"), sink.lastHeaders.get("x-ratelimit-remaining-requests", ""));
		CPPUNIT_ASSERT(sink.events.size() >= 2);
		CPPUNIT_ASSERT_EQUAL(std::string("head"), sink.events.front());
		CPPUNIT_ASSERT_EQUAL(std::string("Hi"), sink.text());
		CPPUNIT_ASSERT_EQUAL(std::string("stop"), sink.finishReasons.at(0));
		auto requests = upstream.requests();
		CPPUNIT_ASSERT_EQUAL(std::string("/v1/chat/completions"), requests.at(0).uri);
		CPPUNIT_ASSERT_EQUAL(std::string("Bearer ") + apiKey, requests.at(0).headers.get("Authorization", ""));
		CPPUNIT_ASSERT_EQUAL(std::string("text/event-stream"), requests.at(0).headers.get("Accept", ""));
		CPPUNIT_ASSERT_EQUAL(true, TestCall::json(requests.at(0).body)->getValue<bool>("stream"));
	}

	void testExchangeOfAWholeAnswer()
	{
		NashTest::ScriptedUpstream upstream;
		upstream.answer(200, "application/json",
			R"({"choices":[{"index":0,"message":{"role":"assistant","content":"Whole reply."},"finish_reason":"stop"}],"usage":{"prompt_tokens":3,"completion_tokens":4}})");
		auto exchange = exchangeFor(upstream);
		Nash::CancellationToken token;
		Nash::ChatResult result = exchange->complete(request({message("user", "Hi", R"({"role": "user", "content": "Hi"})")}), token);
		CPPUNIT_ASSERT_EQUAL(std::string("Whole reply."), result.content);
		CPPUNIT_ASSERT_EQUAL(4LL, result.usage.completionTokens.value());
		CPPUNIT_ASSERT_EQUAL(false, TestCall::json(upstream.requests().at(0).body)->getValue<bool>("stream"));
	}

	void testErrorInTheStreamIsRedacted()
	{
		// The upstream echoes the key in its error: the client never sees it.
		NashTest::ScriptedUpstream upstream;
		upstream.answer(200, "text/event-stream",
			"data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"Hi\"}}]}\n\n"
			"data: {\"error\":{\"message\":\"invalid key " + std::string(apiKey) + "\"}}\n\n");
		auto exchange = exchangeFor(upstream);
		NashTest::ObservingSink sink;
		Nash::CancellationToken token;
		try
		{
			exchange->streamChat(request({message("user", "Hi", R"({"role": "user", "content": "Hi"})")}), sink, token);
			CPPUNIT_FAIL("an error chunk must fail the call");
		}
		catch (Nash::BackendException& exc)
		{
			CPPUNIT_ASSERT_EQUAL(std::string("OpenAI-compatible upstream 'o' reported an error mid-stream: invalid key [redacted]"), exc.message());
		}
		CPPUNIT_ASSERT_EQUAL(std::string("Hi"), sink.text());
	}

private:
	std::unique_ptr<NashUpstream::ProviderExchange> exchangeFor(const NashTest::ScriptedUpstream& upstream)
		/// The backend, as the server runs it, for upstream.
	{
		std::unique_ptr<NashUpstream::ProviderExchange> exchange(new NashUpstream::ProviderExchange(std::unique_ptr<Nash::ProviderBackend>(new Nash::OpenAiBackend)));
		_config->setString("base_url", upstream.baseUrl() + "/v1");
		_config->setString("max_retries", "0");
		exchange->configure("o", *_config);
		return exchange;
	}

	std::unique_ptr<NashTest::EnvironmentGuard> _environment;
	Poco::AutoPtr<Poco::Util::MapConfiguration> _config;
	Nash::OpenAiBackend _backend;
};


CPPUNIT_TEST_SUITE_REGISTRATION(OpenAiRequestTest);
