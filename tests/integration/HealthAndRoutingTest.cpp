//
// HealthAndRoutingTest.cpp
//


#include "HttpTestClient.h"
#include "ServerProcess.h"
#include "TestEnvironment.h"
#include "Poco/JSON/Array.h"
#include "Poco/Net/HTTPRequest.h"
#include <cppunit/extensions/HelperMacros.h>
#include <memory>
#include <set>


using NashTest::HttpTestClient;


class HealthAndRoutingTest: public CppUnit::TestFixture
{
	CPPUNIT_TEST_SUITE(HealthAndRoutingTest);
	CPPUNIT_TEST(testHealth);
	CPPUNIT_TEST(testHealthShowsNoSecrets);
	CPPUNIT_TEST(testUnknownPathIs404Json);
	CPPUNIT_TEST(testWrongMethodIs405WithAllow);
	CPPUNIT_TEST(testQueryStringDoesNotMatter);
	CPPUNIT_TEST(testKeepAliveServesSeveralRequests);
	CPPUNIT_TEST_SUITE_END();

public:
	void setUp() override
	{
		NashTest::ServerProcess::Options options;
		options.iniText =
			"[backend.secretive]\n"
			"plugin = echo\n"
			"api_key = sk-must-never-show-1234\n"
			"models = quiet\n";
		_server.reset(new NashTest::ServerProcess(options));
		_server->start();
	}

	void tearDown() override
	{
		_server.reset();
	}

	void testHealth()
	{
		auto result = client().get("/health");
		CPPUNIT_ASSERT_EQUAL(200, result.status);
		CPPUNIT_ASSERT_EQUAL(std::string("application/json"), result.headers.get("Content-Type"));
		auto json = result.json();
		CPPUNIT_ASSERT_EQUAL(std::string("ok"), json->getValue<std::string>("status"));
		CPPUNIT_ASSERT(!json->getValue<std::string>("version").empty());
		bool echoLoaded = false;
		auto plugins = json->getArray("plugins");
		for (std::size_t i = 0; i < plugins->size(); ++i)
		{
			auto plugin = plugins->getObject(static_cast<unsigned>(i));
			if (plugin->getValue<std::string>("name") == "echo") echoLoaded = plugin->getValue<bool>("loaded");
		}
		CPPUNIT_ASSERT(echoLoaded);
		std::set<std::string> available;
		auto backends = json->getArray("backends");
		for (std::size_t i = 0; i < backends->size(); ++i)
		{
			auto backend = backends->getObject(static_cast<unsigned>(i));
			if (backend->getValue<bool>("available")) available.insert(backend->getValue<std::string>("name"));
		}
		CPPUNIT_ASSERT(available.count("echo") == 1 && available.count("secretive") == 1);
		CPPUNIT_ASSERT(json->isArray("mcp_servers"));
	}

	void testHealthShowsNoSecrets()
	{
		CPPUNIT_ASSERT(client().get("/health").body.find("sk-must-never-show") == std::string::npos);
	}

	void testUnknownPathIs404Json()
	{
		auto result = client().get("/v2/anything");
		CPPUNIT_ASSERT_EQUAL(404, result.status);
		std::string detail = result.json()->getValue<std::string>("detail");
		CPPUNIT_ASSERT(detail.find("/v2/anything") != std::string::npos);
		CPPUNIT_ASSERT(detail.find("/v1/chat/completions/stream") != std::string::npos);
	}

	void testWrongMethodIs405WithAllow()
	{
		auto result = client().get("/v1/chat/completions/stream");
		CPPUNIT_ASSERT_EQUAL(405, result.status);
		CPPUNIT_ASSERT_EQUAL(std::string("POST"), result.headers.get("Allow"));
		CPPUNIT_ASSERT(result.json()->has("detail"));
		result = client().post("/health", "{}");
		CPPUNIT_ASSERT_EQUAL(405, result.status);
		CPPUNIT_ASSERT_EQUAL(std::string("GET"), result.headers.get("Allow"));
	}

	void testQueryStringDoesNotMatter()
	{
		CPPUNIT_ASSERT_EQUAL(200, client().get("/health?verbose=1").status);
		auto result = client().post("/v1/chat/completions/stream?x=y", "{\"messages\": [{\"role\": \"user\", \"content\": \"q\"}], \"model\": \"quiet\"}");
		CPPUNIT_ASSERT_EQUAL(200, result.status);
		CPPUNIT_ASSERT(result.body.find("{\"content\": \" q\"}") != std::string::npos);
	}

	void testKeepAliveServesSeveralRequests()
	{
		Poco::Net::HTTPClientSession session("127.0.0.1", static_cast<Poco::UInt16>(_server->port()));
		for (int i = 0; i < 3; ++i)
		{
			std::string body = "{\"messages\": [{\"role\": \"user\", \"content\": \"n" + std::to_string(i) + "\"}]}";
			Poco::Net::HTTPRequest request("POST", "/v1/chat/completions/stream", Poco::Net::HTTPMessage::HTTP_1_1);
			request.setContentType("application/json");
			request.setContentLength(static_cast<std::streamsize>(body.size()));
			request.setKeepAlive(true);
			session.sendRequest(request) << body;
			Poco::Net::HTTPResponse response;
			std::istream& in = session.receiveResponse(response);
			std::string received((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
			CPPUNIT_ASSERT_EQUAL(200, static_cast<int>(response.getStatus()));
			CPPUNIT_ASSERT(received.find("{\"content\": \" n" + std::to_string(i) + "\"}") != std::string::npos);
			CPPUNIT_ASSERT(received.find("data: [DONE]\n\n") != std::string::npos);
		}
	}

private:
	HttpTestClient client()
	{
		return HttpTestClient(_server->port());
	}

	std::unique_ptr<NashTest::ServerProcess> _server;
};


CPPUNIT_TEST_SUITE_REGISTRATION(HealthAndRoutingTest);
