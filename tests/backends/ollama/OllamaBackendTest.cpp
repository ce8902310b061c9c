//
// OllamaBackendTest.cpp
//
// The ollama backend's configuration (addresses, model discovery), its
// request bodies, and whole exchanges with a scripted upstream.
//


#include "OllamaBackend.h"
#include "EnvironmentGuard.h"
#include "RecordingSink.h"
#include "ScriptedUpstream.h"
#include "TestCall.h"
#include "Nash/BackendException.h"
#include "Poco/AutoPtr.h"
#include "Poco/JSON/Array.h"
#include "Poco/JSON/Stringifier.h"
#include "Poco/Net/NetException.h"
#include "Poco/Net/ServerSocket.h"
#include "Poco/Net/StreamSocket.h"
#include "Poco/Util/MapConfiguration.h"
#include <cppunit/extensions/HelperMacros.h>
#include <sstream>


using NashTest::TestCall;


namespace {


Nash::ChatMessage message(const std::string& role, const std::string& content, const std::string& raw = std::string())
{
	Nash::ChatMessage result;
	result.role = role;
	result.content = content;
	result.raw = raw.empty() ? nullptr : TestCall::json(raw);
	return result;
}


Nash::ChatRequest request(std::vector<Nash::ChatMessage> messages)
{
	Nash::ChatRequest result;
	result.model = "llama-test";
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


unsigned short closedPort()
	/// A loopback port nothing listens on (it did a moment ago).
{
	Poco::Net::ServerSocket socket(Poco::Net::SocketAddress("127.0.0.1", 0));
	unsigned short port = socket.address().port();
	socket.close();
	return port;
}


bool somethingListensAt(unsigned short port)
{
	try
	{
		Poco::Net::StreamSocket socket;
		socket.connect(Poco::Net::SocketAddress("127.0.0.1", port), Poco::Timespan(1, 0));
		return true;
	}
	catch (Poco::Exception&)
	{
		return false;
	}
}


const char* const tagsAnswer = R"({"models":[{"name":"fake-llama:latest","model":"fake-llama:latest"},{"model":"qwen3:8b"}]})";


} // namespace


class OllamaBackendTest: public CppUnit::TestFixture
{
	CPPUNIT_TEST_SUITE(OllamaBackendTest);
	CPPUNIT_TEST(testBaseUrlOfHost);
	CPPUNIT_TEST(testBody);
	CPPUNIT_TEST(testBodyOfAToolConversation);
	CPPUNIT_TEST(testModelsDiscovered);
	CPPUNIT_TEST(testConfiguredModelsNeedNoServer);
	CPPUNIT_TEST(testGivenAddressMayBeDownAtStart);
	CPPUNIT_TEST(testNoServerAtTheDefaultAddress);
	CPPUNIT_TEST(testStreamExchange);
	CPPUNIT_TEST(testStreamWithoutDoneFails);
	CPPUNIT_TEST(testErrorAnswerKeepsMessage);
	CPPUNIT_TEST(testComplete);
	CPPUNIT_TEST(testCancellationEndsTheStream);
	CPPUNIT_TEST(testCancelledBeforeTheAnswer);
	CPPUNIT_TEST_SUITE_END();

public:
	void setUp() override
	{
		_environment.reset(new NashTest::EnvironmentGuard({"OLLAMA_HOST"}));
		_config = new Poco::Util::MapConfiguration;
	}

	void tearDown() override
	{
		_environment.reset();
	}

	void testBaseUrlOfHost()
	{
		CPPUNIT_ASSERT_EQUAL(std::string("http://gpu-box:11434"), Nash::OllamaBackend::baseUrlOfHost("gpu-box"));
		CPPUNIT_ASSERT_EQUAL(std::string("http://gpu-box:8080"), Nash::OllamaBackend::baseUrlOfHost("gpu-box:8080"));
		CPPUNIT_ASSERT_EQUAL(std::string("http://gpu-box:8080"), Nash::OllamaBackend::baseUrlOfHost(" http://gpu-box:8080 "));
		CPPUNIT_ASSERT_EQUAL(std::string("http://10.0.0.5:11434"), Nash::OllamaBackend::baseUrlOfHost("http://10.0.0.5"));
		CPPUNIT_ASSERT_EQUAL(std::string("https://ollama.example:11434/base"), Nash::OllamaBackend::baseUrlOfHost("https://ollama.example/base"));
		CPPUNIT_ASSERT_EQUAL(std::string("http://127.0.0.1:11434"), Nash::OllamaBackend::baseUrlOfHost("0.0.0.0"));
		CPPUNIT_ASSERT_EQUAL(std::string("http://127.0.0.1:9000"), Nash::OllamaBackend::baseUrlOfHost("0.0.0.0:9000"));
		CPPUNIT_ASSERT_EQUAL(std::string("http://[::1]:11434"), Nash::OllamaBackend::baseUrlOfHost("[::1]"));
		CPPUNIT_ASSERT_THROW(Nash::OllamaBackend::baseUrlOfHost("ftp://gpu-box"), Poco::InvalidArgumentException);
	}

	void testBody()
	{
		configureWithoutServer();
		Nash::ChatRequest chat = request({
			message("system", "Be brief."),
			message("user", "What is this?", R"({"role":"user","content":"What is this?","name":"ann","images":["aGVsbG8="]})")});
		CPPUNIT_ASSERT_EQUAL(std::string(
			R"({"model":"llama-test","messages":[{"role":"system","content":"Be brief."},)"
			R"({"role":"user","content":"What is this?","images":["aGVsbG8="]}],"stream":true})"), text(_backend.requestBody(chat, true)));

		chat.temperature = 0.25;
		chat.topP = 0.5;
		chat.maxTokens = 64;
		chat.stop = {"###"};
		chat.extra->set("tools", TestCall::json(R"({"t":[{"type":"function","function":{"name":"get_weather"}}]})")->get("t"));
		chat.extra->set("seed", 3);
		Poco::JSON::Object::Ptr body = _backend.requestBody(chat, false);
		CPPUNIT_ASSERT_EQUAL(false, body->getValue<bool>("stream"));
		CPPUNIT_ASSERT_EQUAL(std::string(R"({"temperature":0.25,"top_p":0.5,"num_predict":64,"stop":["###"]})"), text(body->get("options")));
		CPPUNIT_ASSERT_EQUAL(std::string(R"([{"function":{"name":"get_weather"},"type":"function"}])"), text(body->get("tools")));
		CPPUNIT_ASSERT(!body->has("seed"));

		// OpenAI's image parts: a data URL's base64 goes as an image; a link cannot.
		Nash::ChatRequest pictures = request({message("user", "and this?", R"({"role":"user","content":[{"type":"text","text":"and this?"},
			{"type":"image_url","image_url":{"url":"data:image/jpeg;base64,d29ybGQ="}}]})")});
		CPPUNIT_ASSERT_EQUAL(std::string(R"([{"role":"user","content":"and this?","images":["d29ybGQ="]}])"),
			text(_backend.requestBody(pictures, true)->get("messages")));
		Nash::ChatRequest link = request({message("user", "x", R"({"role":"user","content":[{"type":"image_url","image_url":{"url":"https://example.com/a.png"}}]})")});
		try
		{
			_backend.requestBody(link, true);
			CPPUNIT_FAIL("an image link was taken");
		}
		catch (Nash::BackendException& exc)
		{
			CPPUNIT_ASSERT_EQUAL(400, exc.code());
			CPPUNIT_ASSERT(exc.message().find("base64") != std::string::npos);
		}
	}

	void testBodyOfAToolConversation()
	{
		configureWithoutServer();
		Nash::ChatRequest chat = request({
			message("user", "Weather in Paris?"),
			message("assistant", "", R"({"role":"assistant","content":null,"tool_calls":[
				{"id":"call_1","type":"function","function":{"name":"get_weather","arguments":"{\"city\":\"Paris\"}"}}]})"),
			message("tool", "18 C", R"({"role":"tool","tool_call_id":"call_1","content":"18 C"})"),
			message("tool", "sunny", R"({"role":"tool","tool_name":"get_sky","content":"sunny"})")});
		CPPUNIT_ASSERT_EQUAL(std::string(
			R"([{"role":"user","content":"Weather in Paris?"},)"
			R"({"role":"assistant","content":"","tool_calls":[{"function":{"name":"get_weather","arguments":{"city":"Paris"}}}]},)"
			R"({"role":"tool","content":"18 C","tool_name":"get_weather"},)"
			R"({"role":"tool","content":"sunny","tool_name":"get_sky"}])"), text(_backend.requestBody(chat, true)->get("messages")));

		chat.messages[1] = message("assistant", "", R"({"role":"assistant","tool_calls":[{"id":"call_2","function":{"name":"f","arguments":"not json"}}]})");
		CPPUNIT_ASSERT_THROW(_backend.requestBody(chat, true), Nash::BackendException);
	}

	void testModelsDiscovered()
	{
		NashTest::ScriptedUpstream upstream;
		upstream.answer(200, "application/json", tagsAnswer);
		_config->setString("base_url", upstream.baseUrl());
		_backend.configure("o", *_config);
		CPPUNIT_ASSERT_EQUAL(std::string("fake-llama:latest"), _backend.defaultModel());
		CPPUNIT_ASSERT_EQUAL(std::size_t(2), _backend.models().size());
		CPPUNIT_ASSERT_EQUAL(std::string("qwen3:8b"), _backend.models()[1]);
		CPPUNIT_ASSERT(_backend.acceptsAnyModel());
		CPPUNIT_ASSERT_EQUAL(std::string("GET"), upstream.requests().at(0).method);
		CPPUNIT_ASSERT_EQUAL(std::string("/api/tags"), upstream.requests().at(0).uri);

		_config->setString("default_model", "mistral");
		_backend.configure("o", *_config);
		CPPUNIT_ASSERT_EQUAL(std::string("mistral"), _backend.defaultModel());
		CPPUNIT_ASSERT_EQUAL(std::size_t(3), _backend.models().size());
		CPPUNIT_ASSERT_EQUAL(std::string("mistral"), _backend.models()[0]);

		// A server that answers, but not with a list, is still a server.
		upstream.answer(500, "application/json", R"({"error":"busy"})");
		_config->remove("default_model");
		_backend.configure("o", *_config);
		CPPUNIT_ASSERT_EQUAL(std::string("llama3.2"), _backend.defaultModel());
	}

	void testConfiguredModelsNeedNoServer()
	{
		NashTest::ScriptedUpstream upstream;
		_config->setString("base_url", upstream.baseUrl());
		_config->setString("models", "llama3.1:8b, phi4");
		_backend.configure("o", *_config);
		CPPUNIT_ASSERT_EQUAL(std::string("llama3.1:8b"), _backend.defaultModel());
		CPPUNIT_ASSERT_EQUAL(std::size_t(2), _backend.models().size());
		CPPUNIT_ASSERT(upstream.requests().empty());
	}

	void testGivenAddressMayBeDownAtStart()
	{
		unsigned short port = closedPort();
		_config->setString("base_url", "http://127.0.0.1:" + std::to_string(port));
		_backend.configure("o", *_config);
		CPPUNIT_ASSERT_EQUAL(std::string("llama3.2"), _backend.defaultModel());

		_config->remove("base_url");
		Poco::Environment::set("OLLAMA_HOST", "127.0.0.1:" + std::to_string(port));
		_config->setString("default_model", "gemma3");
		_backend.configure("o", *_config);
		CPPUNIT_ASSERT_EQUAL(std::string("gemma3"), _backend.defaultModel());
		CPPUNIT_ASSERT_EQUAL(std::string("http://127.0.0.1:" + std::to_string(port)), _backend.baseUrl());

		// base_url wins over OLLAMA_HOST, even an unusable one.
		Poco::Environment::set("OLLAMA_HOST", "ftp://nowhere");
		_config->setString("base_url", "http://127.0.0.1:" + std::to_string(port));
		_backend.configure("o", *_config);
	}

	void testNoServerAtTheDefaultAddress()
	{
		// Only meaningful where no Ollama runs; on a machine with one, the
		// default address answers and configuration rightly succeeds.
		if (somethingListensAt(11434)) return;
		_config->setString("discovery_timeout_ms", "500");
		try
		{
			_backend.configure("ollama", *_config);
			CPPUNIT_FAIL("without an address and without a server, configuration must fail");
		}
		catch (Poco::Exception& exc)
		{
			CPPUNIT_ASSERT(exc.message().find("no Ollama server answers at http://127.0.0.1:11434") == 0);
			CPPUNIT_ASSERT(exc.message().find("OLLAMA_HOST") != std::string::npos);
		}
	}

	void testStreamExchange()
	{
		NashTest::ScriptedUpstream upstream;
		upstream.answer(200, "application/x-ndjson",
			"{\"model\":\"m\",\"message\":{\"role\":\"assistant\",\"content\":\"Reply\"},\"done\":false}\n"
			"\r\n"
			"{\"model\":\"m\",\"message\":{\"role\":\"assistant\",\"content\":\" here\"},\"done\":false}\r\n"
			"{\"model\":\"m\",\"message\":{\"role\":\"assistant\",\"content\":\"\"},\"done\":true,\"done_reason\":\"stop\",\"prompt_eval_count\":11,\"eval_count\":2}");
		configureFor(upstream);
		NashTest::RecordingSink sink;
		Nash::CancellationToken token;
		_backend.streamChat(request({message("user", "Hi")}), sink, token);

		CPPUNIT_ASSERT_EQUAL(std::string("Reply here"), sink.text());
		CPPUNIT_ASSERT_EQUAL(std::string("stop"), sink.finishReasons.at(0));
		CPPUNIT_ASSERT_EQUAL(11LL, sink.usages.at(0).promptTokens.value());
		CPPUNIT_ASSERT_EQUAL(2LL, sink.usages.at(0).completionTokens.value());
		auto requests = upstream.requests();
		CPPUNIT_ASSERT_EQUAL(std::size_t(1), requests.size());
		CPPUNIT_ASSERT_EQUAL(std::string("POST"), requests[0].method);
		CPPUNIT_ASSERT_EQUAL(std::string("/api/chat"), requests[0].uri);
		CPPUNIT_ASSERT_EQUAL(std::string("Bearer proxy-token-123"), requests[0].headers.get("Authorization", ""));
		CPPUNIT_ASSERT_EQUAL(true, TestCall::json(requests[0].body)->getValue<bool>("stream"));
	}

	void testStreamWithoutDoneFails()
	{
		NashTest::ScriptedUpstream upstream;
		upstream.answer(200, "application/x-ndjson", "{\"message\":{\"role\":\"assistant\",\"content\":\"Reply\"},\"done\":false}\n");
		configureFor(upstream);
		NashTest::RecordingSink sink;
		Nash::CancellationToken token;
		try
		{
			_backend.streamChat(request({message("user", "Hi")}), sink, token);
			CPPUNIT_FAIL("a stream without done must fail");
		}
		catch (Nash::BackendException& exc)
		{
			CPPUNIT_ASSERT(exc.message().find("ended the stream before it was complete") != std::string::npos);
		}
		CPPUNIT_ASSERT_EQUAL(std::string("Reply"), sink.text());
	}

	void testErrorAnswerKeepsMessage()
	{
		NashTest::ScriptedUpstream upstream;
		upstream.answer(404, "application/json", R"json({"error":"model \"llama-test\" not found, try pulling it first (proxy-token-123)"})json");
		configureFor(upstream);
		NashTest::RecordingSink sink;
		Nash::CancellationToken token;
		try
		{
			_backend.streamChat(request({message("user", "Hi")}), sink, token);
			CPPUNIT_FAIL("a 404 must fail");
		}
		catch (Nash::BackendException& exc)
		{
			CPPUNIT_ASSERT_EQUAL(std::string("Ollama upstream 'o' answered 404 Not Found: model \"llama-test\" not found, try pulling it first ([redacted])"), exc.message());
		}
	}

	void testComplete()
	{
		NashTest::ScriptedUpstream upstream;
		upstream.answer(200, "application/json",
			R"({"model":"m","message":{"role":"assistant","content":"Whole reply."},"done":true,"done_reason":"length","prompt_eval_count":3,"eval_count":4})");
		configureFor(upstream);
		Nash::CancellationToken token;
		Nash::ChatResult result = _backend.complete(request({message("user", "Hi")}), token);
		CPPUNIT_ASSERT_EQUAL(std::string("Whole reply."), result.content);
		CPPUNIT_ASSERT_EQUAL(std::string("length"), result.finishReason);
		CPPUNIT_ASSERT_EQUAL(3LL, result.usage.promptTokens.value());
		CPPUNIT_ASSERT_EQUAL(4LL, result.usage.completionTokens.value());
		CPPUNIT_ASSERT_EQUAL(false, TestCall::json(upstream.requests().at(0).body)->getValue<bool>("stream"));
	}

	void testCancellationEndsTheStream()
	{
		NashTest::ScriptedUpstream upstream;
		upstream.answer(200, "application/x-ndjson", "{\"message\":{\"role\":\"assistant\",\"content\":\"Reply\"},\"done\":false}\n", NashTest::ScriptedUpstream::STALL_AFTER_BODY);
		configureFor(upstream);
		NashTest::RecordingSink sink;
		Nash::CancellationToken token;
		sink.cancelOnContent = &token;
		auto start = std::chrono::steady_clock::now();
		_backend.streamChat(request({message("user", "Hi")}), sink, token);
		CPPUNIT_ASSERT(std::chrono::steady_clock::now() - start < std::chrono::seconds(5));
		CPPUNIT_ASSERT_EQUAL(std::string("Reply"), sink.text());
		CPPUNIT_ASSERT(sink.finishReasons.empty());
	}

	void testCancelledBeforeTheAnswer()
	{
		// The client went away before the upstream answered: no error.
		NashTest::ScriptedUpstream upstream;
		configureFor(upstream);
		NashTest::RecordingSink sink;
		Nash::CancellationToken token;
		token.cancel();
		_backend.streamChat(request({message("user", "Hi")}), sink, token);
		CPPUNIT_ASSERT(sink.events.empty());
		CPPUNIT_ASSERT_THROW(_backend.complete(request({message("user", "Hi")}), token), Nash::BackendException);
	}

private:
	void configureWithoutServer()
	{
		_config->setString("base_url", "http://127.0.0.1:9");
		_config->setString("models", "llama-test");
		_backend.configure("o", *_config);
	}

	void configureFor(const NashTest::ScriptedUpstream& upstream)
	{
		_config->setString("base_url", upstream.baseUrl());
		_config->setString("models", "llama-test");
		_config->setString("api_key", "proxy-token-123");
		_config->setString("max_retries", "0");
		_backend.configure("o", *_config);
	}

	std::unique_ptr<NashTest::EnvironmentGuard> _environment;
	Poco::AutoPtr<Poco::Util::MapConfiguration> _config;
	Nash::OllamaBackend _backend;
};


CPPUNIT_TEST_SUITE_REGISTRATION(OllamaBackendTest);
