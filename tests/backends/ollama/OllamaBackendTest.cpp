//
// OllamaBackendTest.cpp
//
// The ollama backend's configuration (addresses, model discovery by its
// setup request), its request bodies, and whole exchanges with a scripted
// upstream through the server's ProviderExchange.
//


#include "OllamaBackend.h"
#include "EnvironmentGuard.h"
#include "RecordingSink.h"
#include "ScriptedUpstream.h"
#include "TestCall.h"
#include "NashUpstream/ProviderExchange.h"
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


std::string header(const Nash::UpstreamRequest& request, const std::string& name)
	/// The value of the request's header name, or "(none)".
{
	for (const auto& entry: request.headers)
	{
		if (entry.first == name) return entry.second;
	}
	return "(none)";
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
	CPPUNIT_TEST(testChatRequest);
	CPPUNIT_TEST(testSetupRequest);
	CPPUNIT_TEST(testSetupAnswer);
	CPPUNIT_TEST(testModelsDiscovered);
	CPPUNIT_TEST(testConfiguredModelsNeedNoServer);
	CPPUNIT_TEST(testGivenAddressMayBeDownAtStart);
	CPPUNIT_TEST(testNoServerAtTheDefaultAddress);
	CPPUNIT_TEST(testStreamExchange);
	CPPUNIT_TEST(testStreamWithoutDoneFails);
	CPPUNIT_TEST(testErrorAnswerKeepsMessage);
	CPPUNIT_TEST(testErrorLineIsRedacted);
	CPPUNIT_TEST(testComplete);
	CPPUNIT_TEST(testDecodeAnswer);
	CPPUNIT_TEST(testCancellationEndsTheStream);
	CPPUNIT_TEST(testCancelledBeforeTheAnswer);
	CPPUNIT_TEST_SUITE_END();

public:
	void setUp() override
	{
		_environment.reset(new NashTest::EnvironmentGuard({"OLLAMA_HOST"}));
		_config = new Poco::Util::MapConfiguration;
		_exchange.reset(new NashUpstream::ProviderExchange(std::unique_ptr<Nash::ProviderBackend>(new Nash::OllamaBackend)));
	}

	void tearDown() override
	{
		_exchange.reset();
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
			R"({"role":"user","content":"What is this?","images":["aGVsbG8="]}],"stream":true})"), text(backend().requestBody(chat, true)));

		chat.temperature = 0.25;
		chat.topP = 0.5;
		chat.maxTokens = 64;
		chat.stop = {"###"};
		chat.extra->set("tools", TestCall::json(R"({"t":[{"type":"function","function":{"name":"get_weather"}}]})")->get("t"));
		chat.extra->set("seed", 3);
		Poco::JSON::Object::Ptr body = backend().requestBody(chat, false);
		CPPUNIT_ASSERT_EQUAL(false, body->getValue<bool>("stream"));
		CPPUNIT_ASSERT_EQUAL(std::string(R"({"temperature":0.25,"top_p":0.5,"num_predict":64,"stop":["###"]})"), text(body->get("options")));
		CPPUNIT_ASSERT_EQUAL(std::string(R"([{"function":{"name":"get_weather"},"type":"function"}])"), text(body->get("tools")));
		CPPUNIT_ASSERT(!body->has("seed"));

		// OpenAI's image parts: a data URL's base64 goes as an image; a link cannot.
		Nash::ChatRequest pictures = request({message("user", "and this?", R"({"role":"user","content":[{"type":"text","text":"and this?"},
			{"type":"image_url","image_url":{"url":"data:image/jpeg;base64,d29ybGQ="}}]})")});
		CPPUNIT_ASSERT_EQUAL(std::string(R"([{"role":"user","content":"and this?","images":["d29ybGQ="]}])"),
			text(backend().requestBody(pictures, true)->get("messages")));
		Nash::ChatRequest link = request({message("user", "x", R"({"role":"user","content":[{"type":"image_url","image_url":{"url":"https://example.com/a.png"}}]})")});
		try
		{
			backend().requestBody(link, true);
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
			R"({"role":"tool","content":"sunny","tool_name":"get_sky"}])"), text(backend().requestBody(chat, true)->get("messages")));

		chat.messages[1] = message("assistant", "", R"({"role":"assistant","tool_calls":[{"id":"call_2","function":{"name":"f","arguments":"not json"}}]})");
		CPPUNIT_ASSERT_THROW(backend().requestBody(chat, true), Nash::BackendException);
	}

	void testChatRequest()
	{
		configureWithoutServer();
		Nash::ChatRequest chat = request({message("user", "Hi")});
		Nash::UpstreamRequest streamed = backend().chatRequest(chat, true);
		CPPUNIT_ASSERT_EQUAL(std::string("POST"), streamed.method);
		CPPUNIT_ASSERT_EQUAL(std::string("/api/chat"), streamed.path);
		CPPUNIT_ASSERT_EQUAL(std::string("application/x-ndjson"), header(streamed, "Accept"));
		CPPUNIT_ASSERT_EQUAL(std::string("(none)"), header(streamed, "Authorization"));
		std::ostringstream body;
		backend().requestBody(chat, true)->stringify(body);
		CPPUNIT_ASSERT_EQUAL(body.str(), streamed.body);
		Nash::UpstreamRequest whole = backend().chatRequest(chat, false);
		CPPUNIT_ASSERT_EQUAL(std::string("(none)"), header(whole, "Accept"));
		CPPUNIT_ASSERT_EQUAL(false, TestCall::json(whole.body)->getValue<bool>("stream"));

		// An Ollama behind an authenticating proxy.
		_config->setString("api_key", "proxy-token-123");
		_exchange->configure("o", *_config);
		CPPUNIT_ASSERT_EQUAL(std::string("Bearer proxy-token-123"), header(backend().chatRequest(chat, true), "Authorization"));
		CPPUNIT_ASSERT(backend().secrets() == std::vector<std::string>{"proxy-token-123"});
		CPPUNIT_ASSERT_EQUAL(std::string("Ollama upstream 'o'"), backend().providerName());

		// A conversation Ollama cannot take is refused before any request.
		Nash::ChatRequest link = request({message("user", "x", R"({"role":"user","content":[{"type":"image_url","image_url":{"url":"https://example.com/a.png"}}]})")});
		CPPUNIT_ASSERT_THROW(backend().chatRequest(link, true), Nash::BackendException);
	}

	void testSetupRequest()
	{
		// The models configured: nothing to ask.
		Nash::OllamaBackend ollama;
		_config->setString("base_url", "http://gpu-box:11434");
		_config->setString("models", "llama3.1:8b");
		ollama.configure("o", *_config);
		CPPUNIT_ASSERT(ollama.setupRequest().path.empty());

		_config->remove("models");
		ollama.configure("o", *_config);
		Nash::UpstreamRequest request = ollama.setupRequest();
		CPPUNIT_ASSERT_EQUAL(std::string("GET"), request.method);
		CPPUNIT_ASSERT_EQUAL(std::string("/api/tags"), request.path);
		CPPUNIT_ASSERT_EQUAL(1500, request.timeoutMilliseconds);
		CPPUNIT_ASSERT(request.body.empty());
		CPPUNIT_ASSERT(request.headers.empty());
		// Until the answer: the default model alone.
		CPPUNIT_ASSERT_EQUAL(std::string("llama3.2"), ollama.defaultModel());
		CPPUNIT_ASSERT_EQUAL(std::size_t(1), ollama.models().size());

		_config->setString("discovery_timeout_ms", "250");
		_config->setString("api_key", "proxy-token-123");
		ollama.configure("o", *_config);
		request = ollama.setupRequest();
		CPPUNIT_ASSERT_EQUAL(250, request.timeoutMilliseconds);
		CPPUNIT_ASSERT_EQUAL(std::string("Bearer proxy-token-123"), header(request, "Authorization"));

		_config->setString("discovery_timeout_ms", "0");
		CPPUNIT_ASSERT_THROW(ollama.configure("o", *_config), Poco::InvalidArgumentException);
	}

	void testSetupAnswer()
	{
		Nash::OllamaBackend ollama;
		Nash::UpstreamAnswer answer;
		answer.answered = true;
		answer.status = 200;
		answer.body = tagsAnswer;
		ollama.configure("o", *_config);
		ollama.setupAnswer(answer);
		CPPUNIT_ASSERT_EQUAL(std::string("fake-llama:latest"), ollama.defaultModel());
		CPPUNIT_ASSERT_EQUAL(std::size_t(2), ollama.models().size());

		// Answered, but no list: the server is there, with no names.
		for (const auto& unusable: {std::make_pair(500, std::string(tagsAnswer)), std::make_pair(200, std::string("{\"models\": [")),
			std::make_pair(200, std::string("[]")), std::make_pair(200, std::string("{\"models\": [{\"size\": 1}]}"))})
		{
			answer.status = unusable.first;
			answer.body = unusable.second;
			ollama.configure("o", *_config);
			ollama.setupAnswer(answer);
			CPPUNIT_ASSERT_EQUAL(std::string("llama3.2"), ollama.defaultModel());
			CPPUNIT_ASSERT_EQUAL(std::size_t(1), ollama.models().size());
		}
		// A body that could not be read whole.
		answer.status = 200;
		answer.body = tagsAnswer;
		answer.problem = "the connection broke";
		ollama.configure("o", *_config);
		ollama.setupAnswer(answer);
		CPPUNIT_ASSERT_EQUAL(std::string("llama3.2"), ollama.defaultModel());

		// No answer at the default address: no Ollama here.
		Nash::UpstreamAnswer none;
		none.problem = "Connection refused";
		try
		{
			ollama.setupAnswer(none);
			CPPUNIT_FAIL("without an address and without a server, configuration must fail");
		}
		catch (Poco::Exception& exc)
		{
			CPPUNIT_ASSERT_EQUAL(std::string("no Ollama server answers at http://127.0.0.1:11434 (Connection refused); "
				"start Ollama, or set base_url in [backend.o] or OLLAMA_HOST"), exc.message());
		}
		// No answer at an address given: it may come up later.
		_config->setString("base_url", "http://gpu-box:11434");
		_config->setString("default_model", "gemma3");
		ollama.configure("o", *_config);
		ollama.setupAnswer(none);
		CPPUNIT_ASSERT_EQUAL(std::string("gemma3"), ollama.defaultModel());
		CPPUNIT_ASSERT_EQUAL(std::size_t(1), ollama.models().size());

		// The models configured: the answer (there is none) changes nothing.
		_config->setString("models", "phi4");
		ollama.configure("o", *_config);
		ollama.setupAnswer(none);
		CPPUNIT_ASSERT_EQUAL(std::string("gemma3"), ollama.defaultModel());
		CPPUNIT_ASSERT_EQUAL(std::size_t(2), ollama.models().size());
	}

	void testModelsDiscovered()
	{
		NashTest::ScriptedUpstream upstream;
		upstream.answer(200, "application/json", tagsAnswer);
		_config->setString("base_url", upstream.baseUrl());
		_exchange->configure("o", *_config);
		CPPUNIT_ASSERT_EQUAL(std::string("fake-llama:latest"), _exchange->defaultModel());
		CPPUNIT_ASSERT_EQUAL(std::size_t(2), _exchange->models().size());
		CPPUNIT_ASSERT_EQUAL(std::string("qwen3:8b"), _exchange->models()[1]);
		CPPUNIT_ASSERT(_exchange->acceptsAnyModel());
		CPPUNIT_ASSERT_EQUAL(std::string("GET"), upstream.requests().at(0).method);
		CPPUNIT_ASSERT_EQUAL(std::string("/api/tags"), upstream.requests().at(0).uri);

		_config->setString("default_model", "mistral");
		_exchange->configure("o", *_config);
		CPPUNIT_ASSERT_EQUAL(std::string("mistral"), _exchange->defaultModel());
		CPPUNIT_ASSERT_EQUAL(std::size_t(3), _exchange->models().size());
		CPPUNIT_ASSERT_EQUAL(std::string("mistral"), _exchange->models()[0]);

		// A server that answers, but not with a list, is still a server.
		upstream.answer(500, "application/json", R"({"error":"busy"})");
		_config->remove("default_model");
		_exchange->configure("o", *_config);
		CPPUNIT_ASSERT_EQUAL(std::string("llama3.2"), _exchange->defaultModel());
	}

	void testConfiguredModelsNeedNoServer()
	{
		NashTest::ScriptedUpstream upstream;
		_config->setString("base_url", upstream.baseUrl());
		_config->setString("models", "llama3.1:8b, phi4");
		_exchange->configure("o", *_config);
		CPPUNIT_ASSERT_EQUAL(std::string("llama3.1:8b"), _exchange->defaultModel());
		CPPUNIT_ASSERT_EQUAL(std::size_t(2), _exchange->models().size());
		CPPUNIT_ASSERT(upstream.requests().empty());
	}

	void testGivenAddressMayBeDownAtStart()
	{
		unsigned short port = closedPort();
		_config->setString("base_url", "http://127.0.0.1:" + std::to_string(port));
		_exchange->configure("o", *_config);
		CPPUNIT_ASSERT_EQUAL(std::string("llama3.2"), _exchange->defaultModel());

		_config->remove("base_url");
		Poco::Environment::set("OLLAMA_HOST", "127.0.0.1:" + std::to_string(port));
		_config->setString("default_model", "gemma3");
		_exchange->configure("o", *_config);
		CPPUNIT_ASSERT_EQUAL(std::string("gemma3"), _exchange->defaultModel());
		CPPUNIT_ASSERT_EQUAL(std::string("http://127.0.0.1:" + std::to_string(port)), backend().baseUrl());
		CPPUNIT_ASSERT_EQUAL(std::string("http://127.0.0.1:" + std::to_string(port)), _exchange->client().settings().baseUri.toString());

		// base_url wins over OLLAMA_HOST, even an unusable one.
		Poco::Environment::set("OLLAMA_HOST", "ftp://nowhere");
		_config->setString("base_url", "http://127.0.0.1:" + std::to_string(port));
		_exchange->configure("o", *_config);
	}

	void testNoServerAtTheDefaultAddress()
	{
		// Only meaningful where no Ollama runs; on a machine with one, the
		// default address answers and configuration rightly succeeds.
		if (somethingListensAt(11434)) return;
		_config->setString("discovery_timeout_ms", "500");
		try
		{
			_exchange->configure("ollama", *_config);
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
		_exchange->streamChat(request({message("user", "Hi")}), sink, token);

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
			_exchange->streamChat(request({message("user", "Hi")}), sink, token);
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
			_exchange->streamChat(request({message("user", "Hi")}), sink, token);
			CPPUNIT_FAIL("a 404 must fail");
		}
		catch (Nash::BackendException& exc)
		{
			CPPUNIT_ASSERT_EQUAL(std::string("Ollama upstream 'o' answered 404 Not Found: model \"llama-test\" not found, try pulling it first ([redacted])"), exc.message());
		}
	}

	void testErrorLineIsRedacted()
	{
		// The upstream echoes the key in its error: the client never sees it.
		NashTest::ScriptedUpstream upstream;
		upstream.answer(200, "application/x-ndjson",
			"{\"message\":{\"role\":\"assistant\",\"content\":\"Hi\"},\"done\":false}\n"
			"{\"error\":\"an error was encountered while running the model (proxy-token-123)\"}\n");
		configureFor(upstream);
		NashTest::RecordingSink sink;
		Nash::CancellationToken token;
		try
		{
			_exchange->streamChat(request({message("user", "Hi")}), sink, token);
			CPPUNIT_FAIL("an error line must fail the call");
		}
		catch (Nash::BackendException& exc)
		{
			CPPUNIT_ASSERT_EQUAL(std::string("Ollama upstream 'o' reported an error mid-stream: an error was encountered while running the model ([redacted])"), exc.message());
		}
		CPPUNIT_ASSERT_EQUAL(std::string("Hi"), sink.text());
	}

	void testComplete()
	{
		NashTest::ScriptedUpstream upstream;
		upstream.answer(200, "application/json",
			R"({"model":"m","message":{"role":"assistant","content":"Whole reply."},"done":true,"done_reason":"length","prompt_eval_count":3,"eval_count":4})");
		configureFor(upstream);
		Nash::CancellationToken token;
		Nash::ChatResult result = _exchange->complete(request({message("user", "Hi")}), token);
		CPPUNIT_ASSERT_EQUAL(std::string("Whole reply."), result.content);
		CPPUNIT_ASSERT_EQUAL(std::string("length"), result.finishReason);
		CPPUNIT_ASSERT_EQUAL(3LL, result.usage.promptTokens.value());
		CPPUNIT_ASSERT_EQUAL(4LL, result.usage.completionTokens.value());
		CPPUNIT_ASSERT_EQUAL(false, TestCall::json(upstream.requests().at(0).body)->getValue<bool>("stream"));
	}

	void testDecodeAnswer()
	{
		configureWithoutServer();
		Nash::ChatResult result = backend().decodeAnswer(R"({"message":{"role":"assistant","content":"","tool_calls":[{"function":{"name":"f","arguments":{}}}]},"done":true,"done_reason":"stop"})");
		CPPUNIT_ASSERT_EQUAL(std::string("tool_calls"), result.finishReason);
		CPPUNIT_ASSERT(result.usage.promptTokens.isNull());

		struct Case
		{
			const char* body;
			Nash::BackendException::Cause cause;
			const char* message;
		};
		for (const Case& bad: {
			Case{R"({"error":"model not loaded"})", Nash::BackendException::Cause::ErrorReported, "Ollama upstream 'o' reported an error: model not loaded"},
			Case{R"({"done":true})", Nash::BackendException::Cause::Malformed, "Ollama upstream 'o' answered without a message"},
			Case{R"({"message":)", Nash::BackendException::Cause::Malformed, "Ollama upstream 'o' sent data that is not a JSON object: {\"message\":"}})
		{
			try
			{
				backend().decodeAnswer(bad.body);
				CPPUNIT_FAIL(std::string("accepted ") + bad.body);
			}
			catch (Nash::BackendException& exc)
			{
				CPPUNIT_ASSERT(exc.cause() == bad.cause);
				CPPUNIT_ASSERT_EQUAL(std::string(bad.message), exc.message());
			}
		}
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
		_exchange->streamChat(request({message("user", "Hi")}), sink, token);
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
		_exchange->streamChat(request({message("user", "Hi")}), sink, token);
		CPPUNIT_ASSERT(sink.events.empty());
		CPPUNIT_ASSERT_THROW(_exchange->complete(request({message("user", "Hi")}), token), Nash::BackendException);
	}

private:
	void configureWithoutServer()
	{
		_config->setString("base_url", "http://127.0.0.1:9");
		_config->setString("models", "llama-test");
		_exchange->configure("o", *_config);
	}

	void configureFor(const NashTest::ScriptedUpstream& upstream)
	{
		_config->setString("base_url", upstream.baseUrl());
		_config->setString("models", "llama-test");
		_config->setString("api_key", "proxy-token-123");
		_config->setString("max_retries", "0");
		_exchange->configure("o", *_config);
	}

	Nash::OllamaBackend& backend()
		/// The translator the exchange runs.
	{
		return static_cast<Nash::OllamaBackend&>(_exchange->provider());
	}

	std::unique_ptr<NashTest::EnvironmentGuard> _environment;
	Poco::AutoPtr<Poco::Util::MapConfiguration> _config;
	std::unique_ptr<NashUpstream::ProviderExchange> _exchange;
};


CPPUNIT_TEST_SUITE_REGISTRATION(OllamaBackendTest);
