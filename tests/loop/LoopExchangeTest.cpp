//
// LoopExchangeTest.cpp
//
// One streamed chat call done without blocking on a loop thread, against
// the real fake_upstream process, with a small OpenAI translator written
// here: success, error answers, retries, the timeouts, a cut stream,
// cancellation, back-pressure, the connection pool, and a thousand streams
// on two threads.
//


#include "core/loop/EventLoop.h"
#include "core/loop/IdleConnectionPool.h"
#include "core/loop/LoopExchange.h"
#include "HttpTestClient.h"
#include "ServerProcess.h"
#include "NashUpstream/SseParser.h"
#include "NashUpstream/UpstreamHeadObserver.h"
#include "Nash/BackendException.h"
#include "Poco/File.h"
#include "Poco/DirectoryIterator.h"
#include "Poco/JSON/Object.h"
#include "Poco/JSON/Parser.h"
#include "Poco/JSON/Stringifier.h"
#include "Poco/Net/ServerSocket.h"
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cppunit/extensions/HelperMacros.h>
#include <mutex>
#include <sstream>
#include <thread>


using Nash::EventLoop;
using Nash::LoopExchange;
using Nash::LoopThread;
using NashTest::HttpTestClient;
using NashUpstream::UpstreamObserver;
using NashUpstream::UpstreamSettings;


namespace {


const std::string secretKey = "sk-secret-key-123";


class OpenAiDecoder: public Nash::ChatDecoder
	/// SSE data lines of chat.completion.chunk objects: the content deltas
	/// and finish reasons; data: [DONE] must end the stream.
{
public:
	OpenAiDecoder():
		_parser([this](const NashUpstream::SseEvent& event) { onEvent(event); })
	{
	}

	void feed(const char* data, std::size_t size, Nash::ChatEventSink& sink) override
	{
		_sink = &sink;
		_parser.feed(data, size);
	}

	void end(Nash::ChatEventSink& sink) override
	{
		_sink = &sink;
		_parser.finish();
		if (!_done) throw Nash::BackendException("OpenAI test upstream ended its stream before [DONE]", 0, Nash::BackendException::Cause::Incomplete);
	}

private:
	void onEvent(const NashUpstream::SseEvent& event)
	{
		if (_done) return;
		if (event.data == "[DONE]")
		{
			_done = true;
			return;
		}
		Poco::JSON::Object::Ptr chunk;
		try
		{
			chunk = Poco::JSON::Parser().parse(event.data).extract<Poco::JSON::Object::Ptr>();
		}
		catch (Poco::Exception&)
		{
			throw Nash::BackendException("OpenAI test upstream sent a line that is not JSON", 0, Nash::BackendException::Cause::Malformed);
		}
		if (chunk->has("error"))
		{
			// The key in the message: the exchange must remove it.
			throw Nash::BackendException("OpenAI test upstream reported an error (key " + secretKey + ")", 0, Nash::BackendException::Cause::ErrorReported);
		}
		auto choices = chunk->getArray("choices");
		if (!choices || choices->size() == 0) return;
		auto choice = choices->getObject(0);
		auto delta = choice->getObject("delta");
		if (delta && delta->has("content") && !delta->isNull("content")) _sink->content(delta->getValue<std::string>("content"));
		if (choice->has("finish_reason") && !choice->isNull("finish_reason")) _sink->finish(choice->getValue<std::string>("finish_reason"));
	}

	NashUpstream::SseParser _parser;
	Nash::ChatEventSink* _sink = nullptr;
	bool _done = false;
};


class OpenAiTranslator: public Nash::ProviderBackend
{
public:
	explicit OpenAiTranslator(std::string baseUrl):
		_baseUrl(std::move(baseUrl))
	{
	}

	void configure(const std::string&, const Poco::Util::AbstractConfiguration&) override
	{
	}

	std::vector<std::string> models() const override
	{
		return {};
	}

	std::string defaultModel() const override
	{
		return "gpt-test";
	}

	std::string providerName() const override
	{
		return "OpenAI test upstream";
	}

	std::string baseUrl() const override
	{
		return _baseUrl;
	}

	std::vector<std::string> secrets() const override
	{
		return {secretKey};
	}

	Nash::UpstreamRequest chatRequest(const Nash::ChatRequest& request, bool stream) const override
	{
		if (request.model == "refused") throw Nash::BackendException("this model cannot be asked", 400);
		Poco::JSON::Object body;
		body.set("model", request.model);
		body.set("stream", stream);
		Poco::JSON::Array messages;
		for (const auto& message: request.messages)
		{
			Poco::JSON::Object entry;
			entry.set("role", message.role);
			entry.set("content", message.content);
			messages.add(entry);
		}
		body.set("messages", messages);
		std::ostringstream text;
		Poco::JSON::Stringifier::stringify(body, text);
		Nash::UpstreamRequest upstream;
		upstream.path = "/chat/completions";
		upstream.headers.emplace_back("Authorization", "Bearer " + secretKey);
		upstream.body = text.str();
		return upstream;
	}

	std::unique_ptr<Nash::ChatDecoder> streamDecoder(const Nash::ChatRequest&, std::size_t) const override
	{
		return std::unique_ptr<Nash::ChatDecoder>(new OpenAiDecoder);
	}

	Nash::ChatResult decodeAnswer(const std::string&) const override
	{
		throw Nash::BackendException("not used");
	}

private:
	std::string _baseUrl;
};


class Sink: public Nash::ChatEventSink, public NashUpstream::UpstreamHeadObserver
	/// Collects what the exchange delivers; onContent runs after each piece
	/// (to cancel or pause from inside the sink, as a slow client would).
{
public:
	void content(const std::string& text) override
	{
		// Empty pieces are ignored (ChatEventSink): the role's first chunk.
		if (text.empty()) return;
		text_ += text;
		++pieces;
		if (onContent) onContent(pieces);
	}

	void toolCallDelta(const Nash::ToolCallDelta&) override
	{
	}

	void usage(const Nash::Usage&) override
	{
	}

	void finish(const std::string& reason) override
	{
		finishReason = reason;
	}

	void upstreamHead(int status, const Poco::Net::NameValueCollection&) override
	{
		headStatus = status;
	}

	std::string text_;
	std::atomic<int> pieces{0};
	std::string finishReason;
	int headStatus = 0;
	std::function<void(int)> onContent;
};


class CountingObserver: public UpstreamObserver
{
public:
	void upstreamRequest() override
	{
		++requests;
	}

	void upstreamConnection(bool reused) override
	{
		if (reused) ++reusedConnections;
		else ++newConnections;
	}

	void upstreamRetry() override
	{
		++retries;
	}

	void upstreamFirstByte(double) override
	{
		++firstBytes;
	}

	void upstreamFailure(Failure kind) override
	{
		++failures;
		lastFailure = static_cast<int>(kind);
	}

	std::atomic<int> requests{0};
	std::atomic<int> reusedConnections{0};
	std::atomic<int> newConnections{0};
	std::atomic<int> retries{0};
	std::atomic<int> firstBytes{0};
	std::atomic<int> failures{0};
	std::atomic<int> lastFailure{-1};
};


struct Call
{
	Sink sink;
	LoopExchange::Outcome outcome;
	std::shared_ptr<LoopExchange> exchange;
	std::mutex mutex;
	std::condition_variable doneChanged;
	bool done = false;
	std::chrono::steady_clock::time_point started;
	std::chrono::steady_clock::duration took{};
	int attempts = 0;

	bool wait(int milliseconds = 20000)
	{
		std::unique_lock<std::mutex> lock(mutex);
		return doneChanged.wait_for(lock, std::chrono::milliseconds(milliseconds), [this] { return done; });
	}
};


int threadCount()
{
	int count = 0;
	for (Poco::DirectoryIterator it(std::string("/proc/self/task")), end; it != end; ++it) ++count;
	return count;
}


} // namespace


class LoopExchangeTest: public CppUnit::TestFixture
{
	CPPUNIT_TEST_SUITE(LoopExchangeTest);
	CPPUNIT_TEST(testStreamsTheAnswer);
	CPPUNIT_TEST(testErrorStatus);
	CPPUNIT_TEST(testRetriesA429Once);
	CPPUNIT_TEST(testRetriesA500Once);
	CPPUNIT_TEST(testRetriesExhausted);
	CPPUNIT_TEST(testUnreachable);
	CPPUNIT_TEST(testFirstByteTimeout);
	CPPUNIT_TEST(testIdleTimeoutMidStream);
	CPPUNIT_TEST(testCutStream);
	CPPUNIT_TEST(testMalformedStream);
	CPPUNIT_TEST(testErrorEventIsRedacted);
	CPPUNIT_TEST(testTranslatorRefusal);
	CPPUNIT_TEST(testCancelMidStream);
	CPPUNIT_TEST(testPauseAndResume);
	CPPUNIT_TEST(testConnectionReuse);
	CPPUNIT_TEST(testHostNameIsResolved);
	CPPUNIT_TEST(testThousandConcurrentStreams);
	CPPUNIT_TEST_SUITE_END();

public:
	void setUp() override
	{
		NashTest::ServerProcess::Options options;
		options.binary = NASH_FAKE_UPSTREAM_BINARY;
		_server.reset(new NashTest::ServerProcess(options));
		_server->start();
		_provider.reset(new OpenAiTranslator(baseUrl()));
		_loop.reset(new LoopThread("exchange-test"));
		_loop->start();
	}

	void tearDown() override
	{
		_loop.reset();
		_server.reset();
	}

	void testStreamsTheAnswer()
	{
		auto settings = makeSettings();
		CPPUNIT_ASSERT(LoopExchange::supports(*settings));
		CountingObserver observer;
		auto call = run(*_loop, "gpt-test", settings, &observer);
		CPPUNIT_ASSERT(call->outcome.result == LoopExchange::Result::Complete);
		CPPUNIT_ASSERT_EQUAL(std::string("Reply from openai: hello big world"), call->sink.text_);
		CPPUNIT_ASSERT_EQUAL(std::string("stop"), call->sink.finishReason);
		CPPUNIT_ASSERT_EQUAL(200, call->sink.headStatus);
		CPPUNIT_ASSERT_EQUAL(1, observer.requests.load());
		CPPUNIT_ASSERT_EQUAL(1, observer.newConnections.load());
		CPPUNIT_ASSERT_EQUAL(1, observer.firstBytes.load());
		CPPUNIT_ASSERT_EQUAL(0, observer.failures.load());
		auto stats = HttpTestClient(_server->port()).get("/_stats").json();
		CPPUNIT_ASSERT_EQUAL(std::string("/v1/chat/completions"), stats->getValue<std::string>("last_path"));
		CPPUNIT_ASSERT_EQUAL(std::string("Bearer " + secretKey), stats->getValue<std::string>("last_authorization"));
		CPPUNIT_ASSERT_EQUAL(std::string("configured"), stats->getObject("headers_seen")->getValue<std::string>("x-extra"));
		CPPUNIT_ASSERT(stats->getObject("headers_seen")->getValue<std::string>("content-type").find("application/json") == 0);
	}

	void testErrorStatus()
	{
		CountingObserver observer;
		auto call = run(*_loop, "fault-401", makeSettings(), &observer);
		CPPUNIT_ASSERT(call->outcome.result == LoopExchange::Result::Failed);
		CPPUNIT_ASSERT_EQUAL(401, call->outcome.status);
		CPPUNIT_ASSERT(call->outcome.upstreamFailure);
		CPPUNIT_ASSERT(call->outcome.failure == UpstreamObserver::Failure::Status);
		CPPUNIT_ASSERT_MESSAGE(call->outcome.message, call->outcome.message.find("OpenAI test upstream answered 401") == 0);
		CPPUNIT_ASSERT_EQUAL(1, observer.failures.load());
		CPPUNIT_ASSERT_EQUAL(static_cast<int>(UpstreamObserver::Failure::Status), observer.lastFailure.load());
		CPPUNIT_ASSERT_EQUAL(0, observer.retries.load());
		CPPUNIT_ASSERT(call->sink.text_.empty());
	}

	void testRetriesA429Once()
	{
		CountingObserver observer;
		auto call = run(*_loop, "fault-429-once", makeSettings(), &observer);
		CPPUNIT_ASSERT_MESSAGE(call->outcome.message, call->outcome.result == LoopExchange::Result::Complete);
		CPPUNIT_ASSERT_EQUAL(std::string("Reply from openai: hello big world"), call->sink.text_);
		CPPUNIT_ASSERT_EQUAL(1, observer.retries.load());
		CPPUNIT_ASSERT_EQUAL(2, observer.requests.load());
		CPPUNIT_ASSERT_EQUAL(2, observer.firstBytes.load());
		CPPUNIT_ASSERT_EQUAL(0, observer.failures.load());
		// Retry-After: 1 was honoured.
		CPPUNIT_ASSERT(call->took >= std::chrono::milliseconds(900));
	}

	void testRetriesA500Once()
	{
		CountingObserver observer;
		auto call = run(*_loop, "fault-500-once", makeSettings(), &observer);
		CPPUNIT_ASSERT_MESSAGE(call->outcome.message, call->outcome.result == LoopExchange::Result::Complete);
		CPPUNIT_ASSERT_EQUAL(1, observer.retries.load());
		CPPUNIT_ASSERT_EQUAL(2, observer.requests.load());
		CPPUNIT_ASSERT_EQUAL(2, call->attempts);
	}

	void testRetriesExhausted()
	{
		CountingObserver observer;
		auto settings = makeSettings();
		auto call = run(*_loop, "fault-503", settings, &observer);
		CPPUNIT_ASSERT(call->outcome.result == LoopExchange::Result::Failed);
		CPPUNIT_ASSERT_EQUAL(503, call->outcome.status);
		CPPUNIT_ASSERT_EQUAL(settings->maxRetries, observer.retries.load());
		CPPUNIT_ASSERT_EQUAL(settings->maxRetries + 1, observer.requests.load());
		CPPUNIT_ASSERT_EQUAL(1, observer.failures.load());
	}

	void testUnreachable()
	{
		Poco::UInt16 closedPort = 0;
		{
			Poco::Net::ServerSocket probe(Poco::Net::SocketAddress("127.0.0.1", 0));
			closedPort = probe.address().port();
		}
		auto settings = makeSettings("http://user:pw@127.0.0.1:" + std::to_string(closedPort) + "/v1");
		CountingObserver observer;
		auto call = run(*_loop, "gpt-test", settings, &observer);
		CPPUNIT_ASSERT(call->outcome.result == LoopExchange::Result::Failed);
		CPPUNIT_ASSERT(call->outcome.failure == UpstreamObserver::Failure::Connect);
		CPPUNIT_ASSERT_EQUAL(0, call->outcome.status);
		CPPUNIT_ASSERT_MESSAGE(call->outcome.message, call->outcome.message.find("cannot reach http://127.0.0.1:") != std::string::npos);
		CPPUNIT_ASSERT(call->outcome.message.find("pw") == std::string::npos);
		CPPUNIT_ASSERT_EQUAL(settings->maxRetries, observer.retries.load());
		CPPUNIT_ASSERT_EQUAL(0, observer.requests.load());
		CPPUNIT_ASSERT_EQUAL(1, observer.failures.load());
	}

	void testFirstByteTimeout()
	{
		auto settings = makeSettings();
		settings->firstByteTimeout = Poco::Timespan(0, 300 * 1000);
		CountingObserver observer;
		auto call = run(*_loop, "fault-stall-first", settings, &observer);
		CPPUNIT_ASSERT(call->outcome.result == LoopExchange::Result::Failed);
		CPPUNIT_ASSERT(call->outcome.failure == UpstreamObserver::Failure::Timeout);
		CPPUNIT_ASSERT_MESSAGE(call->outcome.message, call->outcome.message.find("no answer from") != std::string::npos);
		CPPUNIT_ASSERT(call->took >= std::chrono::milliseconds(290));
		CPPUNIT_ASSERT(call->took < std::chrono::seconds(5));
		CPPUNIT_ASSERT_EQUAL(0, observer.retries.load());
		CPPUNIT_ASSERT_EQUAL(1, observer.failures.load());
	}

	void testIdleTimeoutMidStream()
	{
		auto settings = makeSettings();
		settings->idleTimeout = Poco::Timespan(0, 300 * 1000);
		auto call = run(*_loop, "fault-stall-mid", settings);
		CPPUNIT_ASSERT(call->outcome.result == LoopExchange::Result::Failed);
		CPPUNIT_ASSERT(call->outcome.failure == UpstreamObserver::Failure::Timeout);
		CPPUNIT_ASSERT_MESSAGE(call->outcome.message, call->outcome.message.find("sent nothing for 300 ms") != std::string::npos);
		CPPUNIT_ASSERT_EQUAL(2, call->sink.pieces.load());
	}

	void testCutStream()
	{
		CountingObserver observer;
		auto call = run(*_loop, "fault-cut", makeSettings(), &observer);
		CPPUNIT_ASSERT(call->outcome.result == LoopExchange::Result::Failed);
		CPPUNIT_ASSERT(call->outcome.failure == UpstreamObserver::Failure::Cut);
		CPPUNIT_ASSERT_EQUAL(2, call->sink.pieces.load());
		CPPUNIT_ASSERT_EQUAL(0, observer.retries.load());
		CPPUNIT_ASSERT_EQUAL(1, observer.failures.load());
	}

	void testMalformedStream()
	{
		auto call = run(*_loop, "fault-malformed", makeSettings());
		CPPUNIT_ASSERT(call->outcome.result == LoopExchange::Result::Failed);
		CPPUNIT_ASSERT(call->outcome.failure == UpstreamObserver::Failure::Malformed);
		CPPUNIT_ASSERT(call->outcome.message.find("not JSON") != std::string::npos);
	}

	void testErrorEventIsRedacted()
	{
		auto call = run(*_loop, "fault-error-mid", makeSettings());
		CPPUNIT_ASSERT(call->outcome.result == LoopExchange::Result::Failed);
		CPPUNIT_ASSERT(call->outcome.failure == UpstreamObserver::Failure::Status);
		CPPUNIT_ASSERT_MESSAGE(call->outcome.message, call->outcome.message.find(secretKey) == std::string::npos);
		CPPUNIT_ASSERT(call->outcome.message.find("[redacted]") != std::string::npos);
	}

	void testTranslatorRefusal()
	{
		CountingObserver observer;
		auto call = run(*_loop, "refused", makeSettings(), &observer);
		CPPUNIT_ASSERT(call->outcome.result == LoopExchange::Result::Failed);
		CPPUNIT_ASSERT(!call->outcome.upstreamFailure);
		CPPUNIT_ASSERT_EQUAL(400, call->outcome.status);
		CPPUNIT_ASSERT_EQUAL(0, observer.failures.load());
		CPPUNIT_ASSERT_EQUAL(0, observer.requests.load());
	}

	void testCancelMidStream()
	{
		CountingObserver observer;
		auto call = run(*_loop, "bench-200x10", makeSettings(), &observer, [](Call& prepared) {
			Call* call = &prepared;
			call->sink.onContent = [call](int pieces) {
				// From inside the sink, on the loop thread, as a relay whose
				// client went away.
				if (pieces == 3) call->exchange->cancel();
			};
		});
		CPPUNIT_ASSERT(call->outcome.result == LoopExchange::Result::Cancelled);
		CPPUNIT_ASSERT_EQUAL(3, call->sink.pieces.load());
		CPPUNIT_ASSERT(call->took < std::chrono::seconds(1));
		CPPUNIT_ASSERT_EQUAL(0, observer.failures.load());
		// The upstream saw the connection close.
		bool closed = false;
		for (int i = 0; i < 100 && !closed; ++i)
		{
			closed = HttpTestClient(_server->port()).get("/_stats").json()->getValue<int>("client_closed") >= 1;
			if (!closed) std::this_thread::sleep_for(std::chrono::milliseconds(50));
		}
		CPPUNIT_ASSERT(closed);
	}

	void testPauseAndResume()
	{
		auto settings = makeSettings();
		// Shorter than the pause: a paused stream does not time out.
		settings->idleTimeout = Poco::Timespan(0, 200 * 1000);
		std::atomic<int> piecesAtPause{-1};
		auto call = run(*_loop, "bench-20x5", settings, nullptr, [&](Call& prepared) {
			Call* call = &prepared;
			call->sink.onContent = [this, call, &piecesAtPause](int pieces) {
				if (pieces != 2) return;
				call->exchange->pause();
				piecesAtPause = pieces;
				_loop->addTimer(std::chrono::milliseconds(300), [call, &piecesAtPause] {
					// Nothing arrived while paused, but what the read under way
					// held (here, at most one more piece).
					piecesAtPause = call->sink.pieces.load();
					call->exchange->resume();
				});
			};
		});
		CPPUNIT_ASSERT_MESSAGE(call->outcome.message, call->outcome.result == LoopExchange::Result::Complete);
		CPPUNIT_ASSERT_EQUAL(20, call->sink.pieces.load());
		CPPUNIT_ASSERT(piecesAtPause.load() >= 2 && piecesAtPause.load() <= 3);
		CPPUNIT_ASSERT(call->took >= std::chrono::milliseconds(300));
	}

	void testConnectionReuse()
	{
		HttpTestClient(_server->port()).post("/_reset", "");
		CountingObserver observer;
		auto settings = makeSettings();
		auto first = run(*_loop, "gpt-test", settings, &observer);
		CPPUNIT_ASSERT(first->outcome.result == LoopExchange::Result::Complete);
		std::size_t idle = 0;
		onLoop([&] { idle = _loop->idleConnections().size(); });
		CPPUNIT_ASSERT_EQUAL(std::size_t(1), idle);
		auto second = run(*_loop, "gpt-test", settings, &observer);
		CPPUNIT_ASSERT(second->outcome.result == LoopExchange::Result::Complete);
		CPPUNIT_ASSERT_EQUAL(1, observer.newConnections.load());
		CPPUNIT_ASSERT_EQUAL(1, observer.reusedConnections.load());
		auto stats = HttpTestClient(_server->port()).get("/_stats").json();
		CPPUNIT_ASSERT_EQUAL(2, stats->getValue<int>("requests"));
		CPPUNIT_ASSERT_EQUAL(1, stats->getValue<int>("connections_accepted"));

		// Bounded: without idle connections allowed, none is kept.
		settings->maxIdleConnections = 0;
		onLoop([&] { _loop->idleConnections().clear(); });
		auto third = run(*_loop, "gpt-test", settings, &observer);
		CPPUNIT_ASSERT(third->outcome.result == LoopExchange::Result::Complete);
		onLoop([&] { idle = _loop->idleConnections().size(); });
		CPPUNIT_ASSERT_EQUAL(std::size_t(0), idle);
	}

	void testHostNameIsResolved()
	{
		auto settings = makeSettings("http://localhost:" + std::to_string(_server->port()) + "/v1");
		Poco::Net::SocketAddress address;
		try
		{
			address = LoopExchange::resolve(*settings);
		}
		catch (Poco::Exception&)
		{
			return; // No name for the loopback here: nothing to test.
		}
		// Resolved on a thread of its own by the exchange.
		auto call = run(*_loop, "gpt-test", settings);
		if (address.family() == Poco::Net::SocketAddress::IPv4)
			CPPUNIT_ASSERT_MESSAGE(call->outcome.message, call->outcome.result == LoopExchange::Result::Complete);
	}

	void testThousandConcurrentStreams()
	{
		const int streams = 1000;
		auto settings = makeSettings();
		int threadsBefore = threadCount();
		EventLoop loop(2, "relay");
		CPPUNIT_ASSERT_EQUAL(threadsBefore + 2, threadCount());
		CountingObserver observer;
		std::vector<std::unique_ptr<Call>> calls;
		std::atomic<int> done{0};
		std::mutex mutex;
		std::condition_variable allDone;
		for (int i = 0; i < streams; ++i)
		{
			calls.emplace_back(new Call);
			Call& call = *calls.back();
			LoopThread& thread = loop.next();
			thread.post([&, settings] {
				call.exchange = LoopExchange::create(thread, *_provider, settings, call.sink, [&](const LoopExchange::Outcome& outcome) {
					call.outcome = outcome;
					call.exchange.reset();
					if (++done == streams)
					{
						std::lock_guard<std::mutex> lock(mutex);
						allDone.notify_all();
					}
				}, &observer);
				call.exchange->start(request("bench-20x50"));
			});
		}
		int maxThreads = 0;
		{
			auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(120);
			std::unique_lock<std::mutex> lock(mutex);
			while (done < streams && std::chrono::steady_clock::now() < deadline)
			{
				maxThreads = std::max(maxThreads, threadCount());
				allDone.wait_for(lock, std::chrono::milliseconds(100), [&] { return done == streams; });
			}
		}
		CPPUNIT_ASSERT_EQUAL(streams, done.load());
		int complete = 0;
		std::string firstProblem;
		for (auto& call: calls)
		{
			if (call->outcome.result == LoopExchange::Result::Complete && call->sink.pieces == 20) ++complete;
			else if (firstProblem.empty()) firstProblem = call->outcome.message;
		}
		CPPUNIT_ASSERT_EQUAL_MESSAGE(firstProblem, streams, complete);
		CPPUNIT_ASSERT_EQUAL(threadsBefore + 2, maxThreads);
		CPPUNIT_ASSERT_EQUAL(streams, observer.requests.load());
		CPPUNIT_ASSERT_EQUAL(0, observer.failures.load());
		loop.stop();
	}

private:
	std::string baseUrl() const
	{
		return "http://127.0.0.1:" + std::to_string(_server->port()) + "/v1/";
	}

	std::shared_ptr<UpstreamSettings> makeSettings(const std::string& url = "")
	{
		auto settings = std::make_shared<UpstreamSettings>();
		settings->baseUri = Poco::URI(url.empty() ? baseUrl() : url);
		settings->headers.emplace_back("X-Extra", "configured");
		settings->retryBaseDelay = Poco::Timespan(0, 20 * 1000);
		settings->maxRetries = 2;
		settings->connectTimeout = Poco::Timespan(5, 0);
		settings->firstByteTimeout = Poco::Timespan(10, 0);
		settings->idleTimeout = Poco::Timespan(10, 0);
		return settings;
	}

	static Nash::ChatRequest request(const std::string& model)
	{
		Nash::ChatRequest request;
		request.model = model;
		Nash::ChatMessage message;
		message.role = "user";
		message.content = "hello big world";
		request.messages.push_back(message);
		return request;
	}

	template <typename Work>
	void onLoop(Work work)
	{
		std::mutex mutex;
		std::condition_variable cv;
		bool ran = false;
		_loop->post([&] {
			work();
			std::lock_guard<std::mutex> lock(mutex);
			ran = true;
			cv.notify_all();
		});
		std::unique_lock<std::mutex> lock(mutex);
		CPPUNIT_ASSERT(cv.wait_for(lock, std::chrono::seconds(5), [&] { return ran; }));
	}

	std::unique_ptr<Call> run(LoopThread& loop, const std::string& model, std::shared_ptr<const UpstreamSettings> settings,
		UpstreamObserver* observer = nullptr, std::function<void(Call&)> prepare = nullptr)
		/// One call on loop; returns once it completed (its exchange gone).
	{
		std::unique_ptr<Call> call(new Call);
		Call* raw = call.get();
		if (prepare) prepare(*raw);
		loop.post([&loop, raw, model, settings, observer, this] {
			raw->started = std::chrono::steady_clock::now();
			raw->exchange = LoopExchange::create(loop, *_provider, settings, raw->sink, [raw](const LoopExchange::Outcome& outcome) {
				raw->took = std::chrono::steady_clock::now() - raw->started;
				raw->attempts = raw->exchange->attempts();
				std::lock_guard<std::mutex> lock(raw->mutex);
				raw->outcome = outcome;
				raw->done = true;
				raw->doneChanged.notify_all();
			}, observer);
			raw->exchange->start(request(model));
		});
		CPPUNIT_ASSERT_MESSAGE("the call did not complete", raw->wait());
		// Destroyed on the loop thread, where it belongs.
		onLoopOf(loop, [raw] { raw->exchange.reset(); });
		return call;
	}

	template <typename Work>
	void onLoopOf(LoopThread& loop, Work work)
	{
		std::mutex mutex;
		std::condition_variable cv;
		bool ran = false;
		loop.post([&] {
			work();
			std::lock_guard<std::mutex> lock(mutex);
			ran = true;
			cv.notify_all();
		});
		std::unique_lock<std::mutex> lock(mutex);
		CPPUNIT_ASSERT(cv.wait_for(lock, std::chrono::seconds(5), [&] { return ran; }));
	}

	std::unique_ptr<NashTest::ServerProcess> _server;
	std::unique_ptr<OpenAiTranslator> _provider;
	std::unique_ptr<LoopThread> _loop;
};


CPPUNIT_TEST_SUITE_REGISTRATION(LoopExchangeTest);
