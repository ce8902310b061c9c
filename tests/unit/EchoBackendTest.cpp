//
// EchoBackendTest.cpp
//
// The echo plugin, loaded the way the server loads it.
//


#include "TestEnvironment.h"
#include "core/app/PluginLoader.h"
#include "Poco/AutoPtr.h"
#include "Poco/Util/MapConfiguration.h"
#include <cppunit/extensions/HelperMacros.h>
#include <atomic>
#include <map>
#include <thread>


namespace {


class RecordingSink: public Nash::ChatEventSink
{
public:
	void content(const std::string& text) override
	{
		pieces.push_back(text);
		count = pieces.size();
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

	std::vector<std::string> pieces;
	std::atomic<std::size_t> count{0};
		// What another thread may look at while the stream runs.
	std::string finishReason;
};


Nash::ChatRequest requestSaying(const std::string& text)
{
	Nash::ChatRequest request;
	Nash::ChatMessage system;
	system.role = "system";
	system.content = "be brief";
	Nash::ChatMessage user;
	user.role = "user";
	user.content = text;
	request.messages = {system, user};
	request.model = "echo";
	return request;
}


} // namespace


class EchoBackendTest: public CppUnit::TestFixture
{
	CPPUNIT_TEST_SUITE(EchoBackendTest);
	CPPUNIT_TEST(testStreamsOneWordPerEvent);
	CPPUNIT_TEST(testCompleteGivesTheWholeReply);
	CPPUNIT_TEST(testConfiguration);
	CPPUNIT_TEST(testCancellationStopsTheStream);
	CPPUNIT_TEST_SUITE_END();

public:
	void setUp() override
	{
		CPPUNIT_ASSERT(_loader.load("echo", NashTest::pluginDir() + "/" + Nash::PluginLoader::fileName("echo")));
	}

	void testStreamsOneWordPerEvent()
	{
		auto echo = configured({});
		RecordingSink sink;
		Nash::CancellationToken token;
		echo->streamChat(requestSaying("hello  big\nworld"), sink, token);
		std::vector<std::string> expected{"Echo:", " hello", "  big", "\nworld"};
		CPPUNIT_ASSERT(expected == sink.pieces);
		CPPUNIT_ASSERT_EQUAL(std::string("stop"), sink.finishReason);
	}

	void testCompleteGivesTheWholeReply()
	{
		auto echo = configured({});
		Nash::CancellationToken token;
		CPPUNIT_ASSERT_EQUAL(std::string("Echo: hello there"), echo->complete(requestSaying("hello there"), token).content);
		CPPUNIT_ASSERT_EQUAL(std::string("Echo: (empty message)"), echo->complete(requestSaying("  "), token).content);
	}

	void testConfiguration()
	{
		auto echo = configured({{"prefix", "> "}, {"models", "a, b"}, {"max_words", "2"}});
		CPPUNIT_ASSERT_EQUAL(std::string("a"), echo->defaultModel());
		CPPUNIT_ASSERT_EQUAL(std::size_t(2), echo->models().size());
		Nash::CancellationToken token;
		CPPUNIT_ASSERT_EQUAL(std::string("> one two ..."), echo->complete(requestSaying("one two three"), token).content);
		CPPUNIT_ASSERT_THROW(configured({{"delay_ms", "soon"}}), Poco::InvalidArgumentException);
	}

	void testCancellationStopsTheStream()
	{
		auto echo = configured({{"delay_ms", "20000"}});
		RecordingSink sink;
		Nash::CancellationToken token;
		std::thread canceller([&] {
			NashTest::waitUntil([&] { return sink.count > 0; }, std::chrono::seconds(10));
			token.cancel();
		});
		auto started = std::chrono::steady_clock::now();
		echo->streamChat(requestSaying("one two three"), sink, token);
		canceller.join();
		CPPUNIT_ASSERT(std::chrono::steady_clock::now() - started < std::chrono::seconds(10));
		CPPUNIT_ASSERT_EQUAL(std::size_t(1), sink.pieces.size());
		CPPUNIT_ASSERT(sink.finishReason.empty());
	}

private:
	std::unique_ptr<Nash::BlockingBackend> configured(const std::map<std::string, std::string>& values)
	{
		std::unique_ptr<Nash::BlockingBackend> echo = _loader.createBackend("echo");
		Poco::AutoPtr<Poco::Util::MapConfiguration> section(new Poco::Util::MapConfiguration);
		for (const auto& value: values) section->setString(value.first, value.second);
		echo->configure("echo", *section);
		return echo;
	}

	Nash::PluginLoader _loader;
};


CPPUNIT_TEST_SUITE_REGISTRATION(EchoBackendTest);
