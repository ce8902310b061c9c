//
// SummarizeTest.cpp
//


#include "HttpTestClient.h"
#include "ServerProcess.h"
#include "TestEnvironment.h"
#include "Poco/JSON/Array.h"
#include <cppunit/extensions/HelperMacros.h>
#include <memory>


using NashTest::HttpTestClient;


class SummarizeTest: public CppUnit::TestFixture
{
	CPPUNIT_TEST_SUITE(SummarizeTest);
	CPPUNIT_TEST(testSummaryThroughEcho);
	CPPUNIT_TEST(testSystemMessageIsKeptAside);
	CPPUNIT_TEST(testNoMessages);
	CPPUNIT_TEST(testRequestErrors);
	CPPUNIT_TEST(testBackendFailureIs502);
	CPPUNIT_TEST_SUITE_END();

public:
	void setUp() override
	{
		NashTest::ServerProcess::Options options;
		options.iniText =
			"[plugins]\n"
			"path = " + NashTest::testPluginDir() + ", " + NashTest::pluginDir() + "\n"
			"[summarize]\n"
			"system_prompt = Summarize briefly.\n"
			"[backend.broken]\n"
			"plugin = faulty\n"
			"complete_fails = true\n"
			"message = upstream timed out after 30 s\n";
		_server.reset(new NashTest::ServerProcess(options));
		_server->start();
	}

	void tearDown() override
	{
		_server.reset();
	}

	void testSummaryThroughEcho()
	{
		auto result = client().post("/v1/chat/summarize",
			"{\"messages\": [{\"role\": \"user\", \"content\": \"hi\"}, {\"role\": \"assistant\", \"content\": \"Echo: hi\"}], \"session_id\": \"s-1\"}");
		CPPUNIT_ASSERT_EQUAL(200, result.status);
		CPPUNIT_ASSERT_EQUAL(std::string("application/json"), result.headers.get("Content-Type"));
		std::string summary = "Echo: Please summarize this conversation:\n\nuser: hi\nassistant: Echo: hi";
		std::string content = "Previous conversation summary:\n" + summary;
		auto json = result.json();
		CPPUNIT_ASSERT(json->getValue<bool>("success"));
		CPPUNIT_ASSERT_EQUAL(summary, json->getValue<std::string>("summary"));
		CPPUNIT_ASSERT_EQUAL(std::string("s-1"), json->getValue<std::string>("session_id"));
		auto messages = json->getArray("messages");
		CPPUNIT_ASSERT_EQUAL(std::size_t(1), messages->size());
		CPPUNIT_ASSERT_EQUAL(std::string("assistant"), messages->getObject(0)->getValue<std::string>("role"));
		CPPUNIT_ASSERT_EQUAL(content, messages->getObject(0)->getValue<std::string>("content"));
		auto reduction = json->getObject("token_reduction");
		CPPUNIT_ASSERT_EQUAL(0 + 2, reduction->getValue<int>("before"));
		CPPUNIT_ASSERT_EQUAL(static_cast<int>(content.size() / 4), reduction->getValue<int>("after"));
	}

	void testSystemMessageIsKeptAside()
	{
		auto json = client().post("/v1/chat/summarize",
			"{\"messages\": [{\"role\": \"system\", \"content\": \"You are kind.\", \"name\": \"setup\"}, {\"role\": \"user\", \"content\": \"question\"}]}").json();
		auto messages = json->getArray("messages");
		CPPUNIT_ASSERT_EQUAL(std::size_t(2), messages->size());
		CPPUNIT_ASSERT_EQUAL(std::string("You are kind."), messages->getObject(0)->getValue<std::string>("content"));
		CPPUNIT_ASSERT_EQUAL(std::string("setup"), messages->getObject(0)->getValue<std::string>("name"));
		CPPUNIT_ASSERT_EQUAL(std::string("Echo: Please summarize this conversation:\n\nuser: question"), json->getValue<std::string>("summary"));
		CPPUNIT_ASSERT_EQUAL(2, json->getObject("token_reduction")->getValue<int>("before"));
		CPPUNIT_ASSERT_EQUAL(std::size_t(36), json->getValue<std::string>("session_id").size());
	}

	void testNoMessages()
	{
		for (const char* body: {"{\"messages\": []}", "{}", "{\"messages\": [{\"role\": \"system\", \"content\": \"only\"}]}"})
		{
			auto result = client().post("/v1/chat/summarize", body);
			CPPUNIT_ASSERT_EQUAL(400, result.status);
			CPPUNIT_ASSERT_EQUAL(std::string("No messages to summarize"), result.json()->getValue<std::string>("detail"));
		}
	}

	void testRequestErrors()
	{
		auto result = client().post("/v1/chat/summarize", "{\"messages\": [{\"role\": \"user\", \"content\": \"x\"}], \"session_id\": \"a b\"}");
		CPPUNIT_ASSERT_EQUAL(400, result.status);
		CPPUNIT_ASSERT(result.json()->getValue<std::string>("detail").find("session_id") != std::string::npos);
		result = client().post("/v1/chat/summarize", "{\"messages\": [{\"role\": \"user\", \"content\": \"x\"}], \"model\": \"nope\"}");
		CPPUNIT_ASSERT_EQUAL(400, result.status);
		result = client().post("/v1/chat/summarize", "{broken");
		CPPUNIT_ASSERT_EQUAL(400, result.status);
		CPPUNIT_ASSERT(result.json()->has("detail"));
	}

	void testBackendFailureIs502()
	{
		auto result = client().post("/v1/chat/summarize", "{\"messages\": [{\"role\": \"user\", \"content\": \"x\"}], \"model\": \"broken\"}");
		CPPUNIT_ASSERT_EQUAL(502, result.status);
		CPPUNIT_ASSERT_EQUAL(std::string("Error during summarization: upstream timed out after 30 s"), result.json()->getValue<std::string>("error"));
	}

private:
	HttpTestClient client()
	{
		return HttpTestClient(_server->port());
	}

	std::unique_ptr<NashTest::ServerProcess> _server;
};


CPPUNIT_TEST_SUITE_REGISTRATION(SummarizeTest);
