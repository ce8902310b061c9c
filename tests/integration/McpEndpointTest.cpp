//
// McpEndpointTest.cpp
//
// POST /v1/mcp/{method} through the real server, with the demo MCP server
// it starts by default.
//


#include "HttpTestClient.h"
#include "ServerProcess.h"
#include "TestEnvironment.h"
#include "Poco/JSON/Array.h"
#include <cppunit/extensions/HelperMacros.h>
#include <memory>
#include <set>


using NashTest::HttpTestClient;


class McpEndpointTest: public CppUnit::TestFixture
{
	CPPUNIT_TEST_SUITE(McpEndpointTest);
	CPPUNIT_TEST(testListToolsOfTheDefaultDemoServer);
	CPPUNIT_TEST(testCallTool);
	CPPUNIT_TEST(testToolSchema);
	CPPUNIT_TEST(testRequestErrors);
	CPPUNIT_TEST(testPostWithoutBodyOrLength);
	CPPUNIT_TEST(testHealthListsTheServer);
	CPPUNIT_TEST(testDisabledDemo);
	CPPUNIT_TEST(testResponseSizeLimit);
	CPPUNIT_TEST_SUITE_END();

public:
	void setUp() override
	{
		_server.reset(new NashTest::ServerProcess());
		_server->start();
	}

	void tearDown() override
	{
		_server.reset();
	}

	void testListToolsOfTheDefaultDemoServer()
	{
		auto result = client().post("/v1/mcp/list_tools", "{}");
		CPPUNIT_ASSERT_EQUAL(200, result.status);
		CPPUNIT_ASSERT_EQUAL(std::string("application/json"), result.headers.get("Content-Type"));
		auto tools = result.json()->getObject("result")->getArray("tools");
		CPPUNIT_ASSERT(tools->size() >= 4);
		std::set<std::string> names;
		for (std::size_t i = 0; i < tools->size(); ++i)
		{
			auto tool = tools->getObject(static_cast<unsigned>(i));
			names.insert(tool->getValue<std::string>("name"));
			CPPUNIT_ASSERT_EQUAL(std::string("demo"), tool->getValue<std::string>("server"));
			CPPUNIT_ASSERT(tool->isObject("inputSchema"));
		}
		CPPUNIT_ASSERT(names.count("echo") && names.count("add"));
	}

	void testCallTool()
	{
		auto result = client().post("/v1/mcp/call_tool", "{\"tool_name\": \"add\", \"args\": {\"a\": 2, \"b\": 40}}");
		CPPUNIT_ASSERT_EQUAL(200, result.status);
		auto call = result.json()->getObject("result");
		CPPUNIT_ASSERT(!call->getValue<bool>("isError"));
		CPPUNIT_ASSERT_EQUAL(std::string("42"), call->getArray("content")->getObject(0)->getValue<std::string>("text"));
		// The seed's names and aliases: execute_tool with name/arguments.
		result = client().post("/v1/mcp/execute_tool", "{\"name\": \"echo\", \"arguments\": {\"message\": \"h\xC3\xA9llo\"}}");
		CPPUNIT_ASSERT_EQUAL(std::string("h\xC3\xA9llo"), result.json()->getObject("result")->getArray("content")->getObject(0)->getValue<std::string>("text"));
		// A tool that ran and failed is a successful call with isError.
		result = client().post("/v1/mcp/call_tool", "{\"tool_name\": \"add\", \"args\": {\"a\": \"two\", \"b\": 1}}");
		CPPUNIT_ASSERT_EQUAL(200, result.status);
		CPPUNIT_ASSERT(result.json()->getObject("result")->getValue<bool>("isError"));
	}

	void testToolSchema()
	{
		auto result = client().post("/v1/mcp/get_tool_schema", "{\"tool_name\": \"add\"}");
		CPPUNIT_ASSERT_EQUAL(200, result.status);
		auto tool = result.json()->getObject("result");
		CPPUNIT_ASSERT_EQUAL(std::string("add"), tool->getValue<std::string>("name"));
		CPPUNIT_ASSERT(tool->isObject("inputSchema"));
		result = client().post("/v1/mcp/get_tool_schema", "{\"tool_name\": \"nope\"}");
		CPPUNIT_ASSERT_EQUAL(404, result.status);
		CPPUNIT_ASSERT_EQUAL(std::string("Tool 'nope' not found"), result.json()->getValue<std::string>("error"));
	}

	void testRequestErrors()
	{
		auto result = client().post("/v1/mcp/make_coffee", "{}");
		CPPUNIT_ASSERT_EQUAL(400, result.status);
		CPPUNIT_ASSERT_EQUAL(std::string("Method 'make_coffee' not found on MCP client"), result.json()->getValue<std::string>("detail"));
		result = client().post("/v1/mcp/get_tool_schema", "{}");
		CPPUNIT_ASSERT_EQUAL(400, result.status);
		CPPUNIT_ASSERT(result.json()->has("detail"));
		result = client().post("/v1/mcp/list_tools", "[1]");
		CPPUNIT_ASSERT_EQUAL(400, result.status);
		result = client().get("/v1/mcp/list_tools");
		CPPUNIT_ASSERT_EQUAL(405, result.status);
	}

	void testPostWithoutBodyOrLength()
	{
		// curl -X POST sends neither a body nor Content-Length: no body, not a wait for one.
		auto started = std::chrono::steady_clock::now();
		std::string raw = client().raw("POST /v1/mcp/ping HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n", 5000);
		CPPUNIT_ASSERT(std::chrono::steady_clock::now() - started < std::chrono::seconds(3));
		CPPUNIT_ASSERT(raw.find("HTTP/1.1 200") == 0);
		CPPUNIT_ASSERT(raw.find("{\"result\": {}}") != std::string::npos);
	}

	void testHealthListsTheServer()
	{
		auto servers = client().get("/health").json()->getArray("mcp_servers");
		CPPUNIT_ASSERT_EQUAL(std::size_t(1), servers->size());
		auto demo = servers->getObject(0);
		CPPUNIT_ASSERT_EQUAL(std::string("demo"), demo->getValue<std::string>("name"));
		CPPUNIT_ASSERT(NashTest::waitUntil([&] {
			return client().get("/health").json()->getArray("mcp_servers")->getObject(0)->getValue<bool>("connected");
		}, std::chrono::seconds(10)));
	}

	void testDisabledDemo()
	{
		NashTest::ServerProcess::Options options;
		options.iniText = "[mcp.demo]\nenabled = false\n";
		NashTest::ServerProcess server(options);
		server.start();
		auto result = HttpTestClient(server.port()).post("/v1/mcp/list_tools", "");
		CPPUNIT_ASSERT_EQUAL(200, result.status);
		CPPUNIT_ASSERT_EQUAL(std::size_t(0), result.json()->getObject("result")->getArray("tools")->size());
	}

	void testResponseSizeLimit()
	{
		NashTest::ServerProcess::Options options;
		options.iniText = "[mcp]\nmax_response_bytes = 2048\n";
		NashTest::ServerProcess server(options);
		server.start();
		HttpTestClient limited(server.port());
		auto huge = limited.post("/v1/mcp/call_tool", "{\"tool_name\": \"echo\", \"args\": {\"message\": \"" + std::string(5000, 'x') + "\"}}");
		CPPUNIT_ASSERT_EQUAL(502, huge.status);
		CPPUNIT_ASSERT(huge.json()->getValue<std::string>("error").find("mcp.max_response_bytes") != std::string::npos);
		// The server and its MCP session are fine: small answers still pass.
		auto small = limited.post("/v1/mcp/call_tool", "{\"tool_name\": \"echo\", \"args\": {\"message\": \"hi\"}}");
		CPPUNIT_ASSERT_EQUAL(200, small.status);
	}

private:
	HttpTestClient client()
	{
		return HttpTestClient(_server->port());
	}

	std::unique_ptr<NashTest::ServerProcess> _server;
};


CPPUNIT_TEST_SUITE_REGISTRATION(McpEndpointTest);
