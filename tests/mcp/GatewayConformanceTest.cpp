//
// GatewayConformanceTest.cpp
//
// The server scenarios of the official MCP conformance suite against /mcp:
// the real llm_server in front of conformance-server/server.mjs over stdio,
// which implements the tools, prompts and resources the scenarios call. What
// the gateway is known not to pass is listed under "server" in
// conformance-baseline.yml; the suite fails a listed scenario that passes.
//


#include "ServerProcess.h"
#include "TestEnvironment.h"
#include "Poco/Pipe.h"
#include "Poco/PipeStream.h"
#include "Poco/Process.h"
#include "Poco/StreamCopier.h"
#include <cppunit/extensions/HelperMacros.h>
#include <iostream>


namespace {


const std::string SUITE_DIR = NASH_MCP_CONFORMANCE_DIR;
const std::string SUITE = SUITE_DIR + "/node_modules/@modelcontextprotocol/conformance/dist/index.js";


std::string unavailableReason()
{
	return NashTest::npmPackageUnavailable(NASH_NODE_EXECUTABLE, SUITE_DIR, SUITE);
}


} // namespace


class GatewayConformanceTest: public CppUnit::TestFixture
{
	CPPUNIT_TEST_SUITE(GatewayConformanceTest);
	CPPUNIT_TEST(testServerScenarios);
	CPPUNIT_TEST_SUITE_END();

public:
	void testServerScenarios()
	{
		std::string reason = unavailableReason();
		if (!reason.empty())
		{
			std::cout << "\nSKIPPED: the MCP conformance suite is not available: " << reason << std::endl;
			return;
		}
		NashTest::ServerProcess::Options options;
		// The test server finds the SDK in the suite's folder (a dependency of it).
		options.iniText =
			"[plugins]\n"
			"path = " + NashTest::pluginDir() + "\n"
			"[mcp.demo]\n"
			"enabled = false\n"
			"[mcp.conformance]\n"
			"transport = stdio\n"
			"command = " NASH_NODE_EXECUTABLE "\n"
			"args = \"" + NashTest::sourceDir() + "/tests/mcp/conformance-server/server.mjs\"\n"
			"env.NASH_MCP_SDK_DIR = " + SUITE_DIR + "\n";
		NashTest::ServerProcess server(options);
		server.start();

		Poco::Process::Args args{SUITE, "server", "--url", "http://127.0.0.1:" + std::to_string(server.port()) + "/mcp", "--suite", "all",
			"--expected-failures", NashTest::sourceDir() + "/tests/mcp/conformance-baseline.yml"};
		Poco::Pipe output;
		Poco::ProcessHandle suite = Poco::Process::launch(NASH_NODE_EXECUTABLE, args, SUITE_DIR, nullptr, &output, &output);
		Poco::PipeInputStream in(output);
		std::string text;
		Poco::StreamCopier::copyToString(in, text);
		int code = suite.wait();
		CPPUNIT_ASSERT_MESSAGE(text + "\nThe server's log:\n" + server.output(), code == 0);
		CPPUNIT_ASSERT_MESSAGE(text, text.find("Baseline check passed") != std::string::npos);
	}
};


CPPUNIT_TEST_SUITE_REGISTRATION(GatewayConformanceTest);
