//
// StartupTest.cpp
//
// How the binary starts, from the command line and its configuration.
//


#include "HttpTestClient.h"
#include "ServerProcess.h"
#include "TestEnvironment.h"
#include "Poco/JSON/Array.h"
#include "Poco/Net/NetException.h"
#include "Poco/Net/ServerSocket.h"
#include <cppunit/extensions/HelperMacros.h>
#include <iostream>


using NashTest::HttpTestClient;
using NashTest::ServerProcess;


namespace {


const int exitConfig = 78;


int runToExit(ServerProcess& server)
{
	server.launch();
	int code = server.waitForExit(20000);
	server.stop();
	return code;
}


} // namespace


class StartupTest: public CppUnit::TestFixture
{
	CPPUNIT_TEST_SUITE(StartupTest);
	CPPUNIT_TEST(testNoOptionsServesOnDefaultPortWithPluginsBesideBinary);
	CPPUNIT_TEST(testHelp);
	CPPUNIT_TEST(testMissingConfigFile);
	CPPUNIT_TEST(testBadConfigValueNamesTheKey);
	CPPUNIT_TEST(testBadPortOption);
	CPPUNIT_TEST(testPluginOfOtherSdkIsRefusedAndServerServes);
	CPPUNIT_TEST(testRequiredPluginMissingStopsStart);
	CPPUNIT_TEST(testRequiredBackendFailingStopsStart);
	CPPUNIT_TEST(testOptionalBackendFailingIsReported);
	CPPUNIT_TEST(testStopsCleanly);
	CPPUNIT_TEST(testSampleConfigurationServes);
	CPPUNIT_TEST_SUITE_END();

public:
	void testNoOptionsServesOnDefaultPortWithPluginsBesideBinary()
	{
		try
		{
			Poco::Net::ServerSocket probe(Poco::Net::SocketAddress("127.0.0.1", 8001));
		}
		catch (Poco::Net::NetException&)
		{
			std::cout << "SKIPPED: port 8001 is in use on this machine, so the no-options start cannot be tried" << std::endl;
			return;
		}
		ServerProcess::Options options;
		options.fixedPort = 8001;
		ServerProcess server(options);
		server.start();
		auto events = HttpTestClient::dataEvents(HttpTestClient(8001).post("/v1/chat/completions/stream",
			"{\"messages\": [{\"role\": \"user\", \"content\": \"hi\"}]}").body);
		CPPUNIT_ASSERT_EQUAL(std::size_t(5), events.size());
		CPPUNIT_ASSERT_EQUAL(std::string("{\"content\": \" hi\"}"), events[2]);
		CPPUNIT_ASSERT_EQUAL(0, server.stop());
	}

	void testHelp()
	{
		ServerProcess::Options options;
		options.fixedPort = 1;
		options.extraArgs = {"--help"};
		ServerProcess server(options);
		CPPUNIT_ASSERT_EQUAL(0, runToExit(server));
		CPPUNIT_ASSERT(server.output().find("--config=FILE") != std::string::npos);
		CPPUNIT_ASSERT(server.output().find("--port=N") != std::string::npos);
		CPPUNIT_ASSERT(server.output().find("--mcp-config=FILE") != std::string::npos);
	}

	void testMissingConfigFile()
	{
		ServerProcess::Options options;
		options.extraArgs = {"--config=/nonexistent/llm_server.ini"};
		ServerProcess server(options);
		CPPUNIT_ASSERT_EQUAL(exitConfig, runToExit(server));
		CPPUNIT_ASSERT(server.output().find("Cannot read the configuration file /nonexistent/llm_server.ini") != std::string::npos);
	}

	void testBadConfigValueNamesTheKey()
	{
		ServerProcess::Options options;
		options.iniText = "[chat]\nlimits.max_messages = many\n";
		ServerProcess server(options);
		CPPUNIT_ASSERT_EQUAL(exitConfig, runToExit(server));
		CPPUNIT_ASSERT(server.output().find("chat.limits.max_messages") != std::string::npos);
	}

	void testBadPortOption()
	{
		ServerProcess::Options options;
		options.fixedPort = 1;
		options.extraArgs = {"--port=http"};
		ServerProcess server(options);
		CPPUNIT_ASSERT(runToExit(server) != 0);
		CPPUNIT_ASSERT(server.output().find("--port") != std::string::npos);
	}

	void testPluginOfOtherSdkIsRefusedAndServerServes()
	{
		ServerProcess::Options options;
		options.iniText = "[plugins]\npath = " + NashTest::testPluginDir() + ", " + NashTest::pluginDir() + "\n";
		ServerProcess server(options);
		server.start();
		auto json = HttpTestClient(server.port()).get("/health").json();
		auto plugins = json->getArray("plugins");
		bool refused = false;
		for (std::size_t i = 0; i < plugins->size(); ++i)
		{
			auto plugin = plugins->getObject(static_cast<unsigned>(i));
			if (plugin->getValue<std::string>("name") != "wrong_sdk") continue;
			refused = !plugin->getValue<bool>("loaded") && plugin->getValue<std::string>("error").find("SDK version") != std::string::npos;
		}
		CPPUNIT_ASSERT(refused);
		CPPUNIT_ASSERT(server.waitForOutput("Plugin 'wrong_sdk' not loaded: built against SDK version 1, but this server supports SDK version 2; "
			"rebuild the plugin against this server's SDK"));
		CPPUNIT_ASSERT(server.waitForOutput("Plugin 'not_a_plugin' not loaded"));
		CPPUNIT_ASSERT_EQUAL(200, HttpTestClient(server.port()).post("/v1/chat/completions/stream", "{\"messages\": [{\"role\": \"user\", \"content\": \"hi\"}]}").status);
	}

	void testRequiredPluginMissingStopsStart()
	{
		ServerProcess::Options options;
		options.iniText = "[plugins]\nrequired = echo, imaginary\n";
		ServerProcess server(options);
		CPPUNIT_ASSERT_EQUAL(exitConfig, runToExit(server));
		CPPUNIT_ASSERT(server.output().find("Required plugin 'imaginary' did not load") != std::string::npos);
	}

	void testRequiredBackendFailingStopsStart()
	{
		ServerProcess::Options options;
		options.iniText = "[backend.picky]\nplugin = echo\ndelay_ms = later\nrequired = true\n";
		ServerProcess server(options);
		CPPUNIT_ASSERT_EQUAL(exitConfig, runToExit(server));
		CPPUNIT_ASSERT(server.output().find("Required backend 'picky' is not available") != std::string::npos);
		CPPUNIT_ASSERT(server.output().find("delay_ms") != std::string::npos);
	}

	void testOptionalBackendFailingIsReported()
	{
		ServerProcess::Options options;
		options.iniText = "[backend.picky]\nplugin = echo\ndelay_ms = later\n[backend.ghost]\nplugin = no_such_plugin\n";
		ServerProcess server(options);
		server.start();
		HttpTestClient client(server.port());
		auto result = client.post("/v1/chat/completions/stream", "{\"messages\": [{\"role\": \"user\", \"content\": \"x\"}], \"model\": \"picky/echo\"}");
		CPPUNIT_ASSERT_EQUAL(503, result.status);
		CPPUNIT_ASSERT(result.json()->getValue<std::string>("error").find("delay_ms") != std::string::npos);
		result = client.post("/v1/chat/completions/stream", "{\"messages\": [{\"role\": \"user\", \"content\": \"x\"}], \"model\": \"ghost\"}");
		CPPUNIT_ASSERT_EQUAL(503, result.status);
		CPPUNIT_ASSERT(result.json()->getValue<std::string>("error").find("no_such_plugin") != std::string::npos);
		CPPUNIT_ASSERT_EQUAL(200, client.post("/v1/chat/completions/stream", "{\"messages\": [{\"role\": \"user\", \"content\": \"x\"}]}").status);
	}

	void testStopsCleanly()
	{
		ServerProcess server;
		server.start();
		CPPUNIT_ASSERT_EQUAL(0, server.stop());
		CPPUNIT_ASSERT(server.output().find("Stopping") != std::string::npos);
	}

	void testSampleConfigurationServes()
	{
		ServerProcess::Options options;
		options.extraArgs = {"--config=" + NashTest::sourceDir() + "/etc/llm_server.ini"};
		ServerProcess server(options);
		server.start();
		auto events = HttpTestClient::dataEvents(HttpTestClient(server.port()).post("/v1/chat/completions/stream",
			"{\"messages\": [{\"role\": \"user\", \"content\": \"sample\"}]}").body);
		CPPUNIT_ASSERT_EQUAL(std::string("{\"content\": \"Echo:\"}"), events.at(1));
		CPPUNIT_ASSERT_EQUAL(std::string("{\"content\": \" sample\"}"), events.at(2));
		// The access line is written once the response is complete, so it may follow the last byte.
		CPPUNIT_ASSERT(server.waitForOutput("[Information] nash.access: POST /v1/chat/completions/stream 200"));
	}
};


CPPUNIT_TEST_SUITE_REGISTRATION(StartupTest);
