//
// UpstreamObserverTest.cpp
//
// What the provider backends tell an UpstreamObserver (the server's metrics)
// of their exchanges with the fake upstream, a real HTTP server process:
// each request and connection (new or pooled), retry and first byte, and
// each failed call once, by the kind of its failure. The backends are built
// in-process (their sources compiled in) and run as the server runs them, by
// a NashUpstream::ProviderExchange, which the server finds as
// ObservableUpstream by a dynamic_cast.
//


#include "AnthropicBackend.h"
#include "EnvironmentGuard.h"
#include "HttpTestClient.h"
#include "OllamaBackend.h"
#include "OpenAiBackend.h"
#include "RecordingSink.h"
#include "ServerProcess.h"
#include "Nash/BackendException.h"
#include "NashUpstream/ProviderExchange.h"
#include "NashUpstream/UpstreamObserver.h"
#include "Poco/AutoPtr.h"
#include "Poco/Net/ServerSocket.h"
#include "Poco/Util/MapConfiguration.h"
#include <cppunit/extensions/HelperMacros.h>
#include <chrono>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>


namespace {


using Failure = NashUpstream::UpstreamObserver::Failure;


const char* const providers[] = {"openai", "anthropic", "ollama"};


class RecordingObserver: public NashUpstream::UpstreamObserver
	/// Counts what it is told, for one comparison of the whole at a time.
{
public:
	void upstreamRequest() override
	{
		std::lock_guard<std::mutex> lock(_mutex);
		++_requests;
	}

	void upstreamConnection(bool reused) override
	{
		std::lock_guard<std::mutex> lock(_mutex);
		++(reused ? _reused : _opened);
	}

	void upstreamRetry() override
	{
		std::lock_guard<std::mutex> lock(_mutex);
		++_retries;
	}

	void upstreamFirstByte(double seconds) override
	{
		std::lock_guard<std::mutex> lock(_mutex);
		_firstBytes.push_back(seconds);
	}

	void upstreamFailure(Failure kind) override
	{
		std::lock_guard<std::mutex> lock(_mutex);
		_failures.push_back(kind);
	}

	std::string take()
		/// What was counted since the last take(), as
		/// "requests R, new N, reused P, retries T, first bytes B, failures K,...".
	{
		std::lock_guard<std::mutex> lock(_mutex);
		std::string failures;
		for (Failure kind: _failures) failures += (failures.empty() ? "" : ",") + name(kind);
		std::string text = "requests " + std::to_string(_requests) + ", new " + std::to_string(_opened) + ", reused " + std::to_string(_reused) +
			", retries " + std::to_string(_retries) + ", first bytes " + std::to_string(_firstBytes.size()) + ", failures " + (failures.empty() ? "-" : failures);
		_requests = _opened = _reused = _retries = 0;
		_lastFirstBytes.swap(_firstBytes);
		_firstBytes.clear();
		_failures.clear();
		return text;
	}

	std::vector<double> firstBytesTaken() const
		/// The times of the first bytes counted before the last take().
	{
		std::lock_guard<std::mutex> lock(_mutex);
		return _lastFirstBytes;
	}

	static std::string name(Failure kind)
	{
		switch (kind)
		{
		case Failure::Connect: return "Connect";
		case Failure::Timeout: return "Timeout";
		case Failure::Status: return "Status";
		case Failure::Cut: return "Cut";
		case Failure::Malformed: return "Malformed";
		}
		return "?";
	}

private:
	mutable std::mutex _mutex;
	int _requests = 0;
	int _opened = 0;
	int _reused = 0;
	int _retries = 0;
	std::vector<double> _firstBytes;
	std::vector<double> _lastFirstBytes;
	std::vector<Failure> _failures;
};


Nash::ChatRequest chatRequest(const std::string& model)
{
	Nash::ChatRequest request;
	request.model = model;
	Nash::ChatMessage message;
	message.role = "user";
	message.content = "hello there";
	request.messages.push_back(message);
	request.extra = new Poco::JSON::Object;
	return request;
}


int closedPort()
	/// A loopback port nothing listens on (one that was free a moment ago).
{
	Poco::Net::ServerSocket socket(Poco::Net::SocketAddress("127.0.0.1", 0));
	int port = socket.address().port();
	socket.close();
	return port;
}


} // namespace


class UpstreamObserverTest: public CppUnit::TestFixture
{
	CPPUNIT_TEST_SUITE(UpstreamObserverTest);
	CPPUNIT_TEST(testSuccessOpensThenReusesAConnection);
	CPPUNIT_TEST(testFirstByteTakesTheUpstreamsTime);
	CPPUNIT_TEST(testRetriedStatusFailsOnce);
	CPPUNIT_TEST(testRetryThatSucceedsIsNoFailure);
	CPPUNIT_TEST(testRefusedConnection);
	CPPUNIT_TEST(testSilentUpstream);
	CPPUNIT_TEST(testCutConnection);
	CPPUNIT_TEST(testMalformedAnswers);
	CPPUNIT_TEST(testErrorInTheStream);
	CPPUNIT_TEST(testCancelledCallsAreNoFailures);
	CPPUNIT_TEST(testObserverBeforeConfigureAndStopping);
	CPPUNIT_TEST_SUITE_END();

public:
	void setUp() override
	{
		_environment.reset(new NashTest::EnvironmentGuard({"OPENAI_API_KEY", "OPENAI_BASE_URL", "ANTHROPIC_API_KEY", "ANTHROPIC_BASE_URL", "OLLAMA_HOST"}));
		NashTest::ServerProcess::Options options;
		options.binary = NASH_FAKE_UPSTREAM_BINARY;
		_upstream.reset(new NashTest::ServerProcess(options));
		_upstream->start();
	}

	void tearDown() override
	{
		_upstream.reset();
		_environment.reset();
	}

	void testSuccessOpensThenReusesAConnection()
	{
		for (const std::string provider: providers)
		{
			auto backend = make(provider);
			stream(*backend, "some-model");
			CPPUNIT_ASSERT_EQUAL_MESSAGE(provider, std::string("requests 1, new 1, reused 0, retries 0, first bytes 1, failures -"), _observer.take());
			auto firstBytes = _observer.firstBytesTaken();
			CPPUNIT_ASSERT(firstBytes.at(0) >= 0 && firstBytes.at(0) < 5);
			// The answer was read to its end: the next call takes its connection.
			Nash::CancellationToken token;
			CPPUNIT_ASSERT_EQUAL(std::string("Reply from " + provider + ": hello there"), backend->complete(chatRequest("some-model"), token).content);
			CPPUNIT_ASSERT_EQUAL_MESSAGE(provider, std::string("requests 1, new 0, reused 1, retries 0, first bytes 1, failures -"), _observer.take());
			stream(*backend, "some-model");
			CPPUNIT_ASSERT_EQUAL_MESSAGE(provider, std::string("requests 1, new 0, reused 1, retries 0, first bytes 1, failures -"), _observer.take());
		}
		// The upstream saw it so: one connection a backend.
		CPPUNIT_ASSERT_EQUAL(3, upstreamStats()->getValue<int>("connections_accepted"));
		CPPUNIT_ASSERT_EQUAL(9, upstreamStats()->getValue<int>("requests"));
	}

	void testFirstByteTakesTheUpstreamsTime()
	{
		for (const std::string provider: providers)
		{
			auto backend = make(provider, {{"header.X-Fake-Delay-Ms", "300"}});
			stream(*backend, "some-model");
			CPPUNIT_ASSERT_EQUAL_MESSAGE(provider, std::string("requests 1, new 1, reused 0, retries 0, first bytes 1, failures -"), _observer.take());
			double seconds = _observer.firstBytesTaken().at(0);
			CPPUNIT_ASSERT_MESSAGE(provider + ": " + std::to_string(seconds), seconds >= 0.29 && seconds < 5);
		}
	}

	void testRetriedStatusFailsOnce()
	{
		for (const std::string provider: providers)
		{
			// Each error answer closes its connection; the last one is read and
			// becomes the call's failure.
			auto backend = make(provider, {{"max_retries", "2"}});
			CPPUNIT_ASSERT_THROW(stream(*backend, "fault-503"), Nash::BackendException);
			CPPUNIT_ASSERT_EQUAL_MESSAGE(provider, std::string("requests 3, new 3, reused 0, retries 2, first bytes 3, failures Status"), _observer.take());
			Nash::CancellationToken token;
			CPPUNIT_ASSERT_THROW(backend->complete(chatRequest("fault-500"), token), Nash::BackendException);
			CPPUNIT_ASSERT_EQUAL_MESSAGE(provider, std::string("requests 3, new 2, reused 1, retries 2, first bytes 3, failures Status"), _observer.take());

			// 429 with Retry-After: 1, retried once.
			backend = make(provider, {{"max_retries", "1"}});
			CPPUNIT_ASSERT_THROW(stream(*backend, "fault-429"), Nash::BackendException);
			CPPUNIT_ASSERT_EQUAL_MESSAGE(provider, std::string("requests 2, new 2, reused 0, retries 1, first bytes 2, failures Status"), _observer.take());

			// Not worth retrying.
			backend = make(provider, {{"max_retries", "2"}});
			CPPUNIT_ASSERT_THROW(stream(*backend, "fault-401"), Nash::BackendException);
			CPPUNIT_ASSERT_EQUAL_MESSAGE(provider, std::string("requests 1, new 1, reused 0, retries 0, first bytes 1, failures Status"), _observer.take());
		}
	}

	void testRetryThatSucceedsIsNoFailure()
	{
		for (const std::string provider: providers)
		{
			auto backend = make(provider, {{"max_retries", "2"}});
			stream(*backend, "fault-503-once-" + provider);
			CPPUNIT_ASSERT_EQUAL_MESSAGE(provider, std::string("requests 2, new 2, reused 0, retries 1, first bytes 2, failures -"), _observer.take());
		}
	}

	void testRefusedConnection()
	{
		for (const std::string provider: providers)
		{
			auto backend = make(provider, {{"base_url", "http://127.0.0.1:" + std::to_string(closedPort()) + (provider == "openai" ? "/v1" : "")}, {"max_retries", "1"}});
			CPPUNIT_ASSERT_THROW(stream(*backend, "some-model"), Nash::BackendException);
			CPPUNIT_ASSERT_EQUAL_MESSAGE(provider, std::string("requests 0, new 0, reused 0, retries 1, first bytes 0, failures Connect"), _observer.take());
			Nash::CancellationToken token;
			CPPUNIT_ASSERT_THROW(backend->complete(chatRequest("some-model"), token), Nash::BackendException);
			CPPUNIT_ASSERT_EQUAL_MESSAGE(provider, std::string("requests 0, new 0, reused 0, retries 1, first bytes 0, failures Connect"), _observer.take());
		}
	}

	void testSilentUpstream()
	{
		for (const std::string provider: providers)
		{
			// No head within first_byte_timeout_ms: not retried.
			auto backend = make(provider, {{"first_byte_timeout_ms", "300"}});
			CPPUNIT_ASSERT_THROW(stream(*backend, "fault-stall-first"), Nash::BackendException);
			CPPUNIT_ASSERT_EQUAL_MESSAGE(provider, std::string("requests 1, new 1, reused 0, retries 0, first bytes 0, failures Timeout"), _observer.take());

			// Silent mid-answer longer than idle_timeout_ms, streamed or not.
			backend = make(provider, {{"idle_timeout_ms", "300"}});
			CPPUNIT_ASSERT_THROW(stream(*backend, "fault-stall-mid"), Nash::BackendException);
			CPPUNIT_ASSERT_EQUAL_MESSAGE(provider, std::string("requests 1, new 1, reused 0, retries 0, first bytes 1, failures Timeout"), _observer.take());
			Nash::CancellationToken token;
			CPPUNIT_ASSERT_THROW(backend->complete(chatRequest("fault-stall-mid"), token), Nash::BackendException);
			CPPUNIT_ASSERT_EQUAL_MESSAGE(provider, std::string("requests 1, new 1, reused 0, retries 0, first bytes 1, failures Timeout"), _observer.take());
		}
	}

	void testCutConnection()
	{
		for (const std::string provider: providers)
		{
			// Streamed: two events, then the connection closes without the
			// stream's end. Not streamed: half of the Content-Length.
			auto backend = make(provider);
			NashTest::RecordingSink sink;
			CPPUNIT_ASSERT_THROW(stream(*backend, "fault-cut", sink), Nash::BackendException);
			CPPUNIT_ASSERT_EQUAL(std::string("Reply from"), sink.text());
			CPPUNIT_ASSERT_EQUAL_MESSAGE(provider, std::string("requests 1, new 1, reused 0, retries 0, first bytes 1, failures Cut"), _observer.take());
			Nash::CancellationToken token;
			try
			{
				backend->complete(chatRequest("fault-cut"), token);
				CPPUNIT_FAIL(provider + ": a cut answer passed");
			}
			catch (Nash::BackendException& exc)
			{
				CPPUNIT_ASSERT_MESSAGE(provider + ": " + exc.message(), exc.message().find("broke after") != std::string::npos);
			}
			CPPUNIT_ASSERT_EQUAL_MESSAGE(provider, std::string("requests 1, new 1, reused 0, retries 0, first bytes 1, failures Cut"), _observer.take());
		}
	}

	void testMalformedAnswers()
	{
		for (const std::string provider: providers)
		{
			// A line that is no JSON amid the stream; half a JSON body; a line
			// longer than max_line_bytes.
			auto backend = make(provider, {{"max_line_bytes", "1048576"}});
			CPPUNIT_ASSERT_THROW(stream(*backend, "fault-malformed"), Nash::BackendException);
			CPPUNIT_ASSERT_EQUAL_MESSAGE(provider, std::string("requests 1, new 1, reused 0, retries 0, first bytes 1, failures Malformed"), _observer.take());
			Nash::CancellationToken token;
			backend = make(provider, {{"max_line_bytes", "1048576"}});
			CPPUNIT_ASSERT_THROW(backend->complete(chatRequest("fault-malformed"), token), Nash::BackendException);
			CPPUNIT_ASSERT_EQUAL_MESSAGE(provider, std::string("requests 1, new 1, reused 0, retries 0, first bytes 1, failures Malformed"), _observer.take());
			backend = make(provider, {{"max_line_bytes", "1048576"}});
			CPPUNIT_ASSERT_THROW(stream(*backend, "fault-huge-line"), Nash::BackendException);
			CPPUNIT_ASSERT_EQUAL_MESSAGE(provider, std::string("requests 1, new 1, reused 0, retries 0, first bytes 1, failures Malformed"), _observer.take());
		}
	}

	void testErrorInTheStream()
	{
		for (const std::string provider: providers)
		{
			// The upstream's own error event, after two content events.
			auto backend = make(provider);
			CPPUNIT_ASSERT_THROW(stream(*backend, "fault-error-mid"), Nash::BackendException);
			CPPUNIT_ASSERT_EQUAL_MESSAGE(provider, std::string("requests 1, new 1, reused 0, retries 0, first bytes 1, failures Status"), _observer.take());
		}
	}

	void testCancelledCallsAreNoFailures()
	{
		for (const std::string provider: providers)
		{
			// The client leaves mid-answer: the stream ends without an error.
			auto backend = make(provider, {{"idle_timeout_ms", "5000"}});
			{
				NashTest::RecordingSink sink;
				Nash::CancellationToken token;
				sink.cancelOnContent = &token;
				backend->streamChat(chatRequest("fault-stall-mid"), sink, token);
				CPPUNIT_ASSERT_EQUAL(std::string("Reply"), sink.text());
			}
			CPPUNIT_ASSERT_EQUAL_MESSAGE(provider, std::string("requests 1, new 1, reused 0, retries 0, first bytes 1, failures -"), _observer.take());

			// It leaves while the upstream has not answered yet, and while a
			// retry waits (Retry-After: 1).
			backend = make(provider, {{"first_byte_timeout_ms", "5000"}, {"max_retries", "1"}});
			cancelAfter(*backend, "fault-stall-first", std::chrono::milliseconds(200));
			CPPUNIT_ASSERT_EQUAL_MESSAGE(provider, std::string("requests 1, new 1, reused 0, retries 0, first bytes 0, failures -"), _observer.take());
			cancelAfter(*backend, "fault-429", std::chrono::milliseconds(200));
			CPPUNIT_ASSERT_EQUAL_MESSAGE(provider, std::string("requests 1, new 1, reused 0, retries 0, first bytes 1, failures -"), _observer.take());

			// It had left before the call.
			Nash::CancellationToken gone;
			gone.cancel();
			CPPUNIT_ASSERT_THROW(backend->complete(chatRequest("some-model"), gone), Nash::BackendException);
			CPPUNIT_ASSERT_EQUAL_MESSAGE(provider, std::string("requests 0, new 0, reused 0, retries 0, first bytes 0, failures -"), _observer.take());
		}
	}

	void testObserverBeforeConfigureAndStopping()
	{
		for (const std::string provider: providers)
		{
			// The server may hand the observer over before configure(), which
			// makes the client: it counts all the same.
			auto backend = make(provider, {}, true);
			stream(*backend, "some-model");
			CPPUNIT_ASSERT_EQUAL_MESSAGE(provider, std::string("requests 1, new 1, reused 0, retries 0, first bytes 1, failures -"), _observer.take());
			dynamic_cast<NashUpstream::ObservableUpstream&>(*backend).observeUpstream(nullptr);
			stream(*backend, "some-model");
			CPPUNIT_ASSERT_THROW(stream(*backend, "fault-401"), Nash::BackendException);
			CPPUNIT_ASSERT_EQUAL_MESSAGE(provider, std::string("requests 0, new 0, reused 0, retries 0, first bytes 0, failures -"), _observer.take());
		}
	}

private:
	std::unique_ptr<Nash::BlockingBackend> make(const std::string& provider, const std::map<std::string, std::string>& settings = {}, bool observeFirst = false)
		/// A backend of provider for the fake upstream, counted by _observer:
		/// quick retries, short timeouts, its own empty pool.
	{
		std::unique_ptr<Nash::ProviderBackend> translator;
		if (provider == "openai") translator.reset(new Nash::OpenAiBackend);
		else if (provider == "anthropic") translator.reset(new Nash::AnthropicBackend);
		else translator.reset(new Nash::OllamaBackend);
		std::unique_ptr<Nash::BlockingBackend> backend(new NashUpstream::ProviderExchange(std::move(translator)));
		auto* observable = dynamic_cast<NashUpstream::ObservableUpstream*>(backend.get());
		CPPUNIT_ASSERT_MESSAGE(provider, observable != nullptr);

		Poco::AutoPtr<Poco::Util::MapConfiguration> config(new Poco::Util::MapConfiguration);
		std::string base = "http://127.0.0.1:" + std::to_string(_upstream->port());
		config->setString("base_url", provider == "openai" ? base + "/v1" : base);
		config->setString("api_key", "sk-test-observer");
		config->setString("models", "some-model");
		config->setString("max_retries", "0");
		config->setString("retry_base_delay_ms", "10");
		config->setString("first_byte_timeout_ms", "3000");
		config->setString("idle_timeout_ms", "3000");
		for (const auto& setting: settings) config->setString(setting.first, setting.second);
		if (observeFirst) observable->observeUpstream(&_observer);
		backend->configure(provider, *config);
		if (!observeFirst) observable->observeUpstream(&_observer);
		_observer.take();
		return backend;
	}

	void stream(Nash::BlockingBackend& backend, const std::string& model)
	{
		NashTest::RecordingSink sink;
		stream(backend, model, sink);
	}

	void stream(Nash::BlockingBackend& backend, const std::string& model, NashTest::RecordingSink& sink)
	{
		Nash::CancellationToken token;
		backend.streamChat(chatRequest(model), sink, token);
	}

	void cancelAfter(Nash::BlockingBackend& backend, const std::string& model, std::chrono::milliseconds delay)
		/// Streams model and cancels the call from another thread after
		/// delay. Whether the backend returns or throws then is its own
		/// affair.
	{
		NashTest::RecordingSink sink;
		Nash::CancellationToken token;
		std::thread canceller([&token, delay] {
			std::this_thread::sleep_for(delay);
			token.cancel();
		});
		auto start = std::chrono::steady_clock::now();
		try
		{
			backend.streamChat(chatRequest(model), sink, token);
		}
		catch (Nash::BackendException&)
		{
		}
		canceller.join();
		CPPUNIT_ASSERT(std::chrono::steady_clock::now() - start < std::chrono::seconds(3));
		CPPUNIT_ASSERT(sink.events.empty());
	}

	Poco::JSON::Object::Ptr upstreamStats() const
	{
		return NashTest::HttpTestClient(_upstream->port()).get("/_stats").json();
	}

	std::unique_ptr<NashTest::EnvironmentGuard> _environment;
	std::unique_ptr<NashTest::ServerProcess> _upstream;
	RecordingObserver _observer;
};


CPPUNIT_TEST_SUITE_REGISTRATION(UpstreamObserverTest);
