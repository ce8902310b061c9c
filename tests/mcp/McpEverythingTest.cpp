//
// McpEverythingTest.cpp
//
// McpManager against the MCP reference server (@modelcontextprotocol/
// server-everything, installed from npm by the McpEverythingInstall
// fixture), over stdio and over Streamable HTTP at once, configured the way
// a user's --mcp-config file would. Without npm each test says SKIPPED and
// ctest reports the suite as skipped.
//


#include "HttpTransport.h"
#include "McpError.h"
#include "McpManager.h"
#include "McpServerSettings.h"
#include "NodeServerProcess.h"
#include "StdioTransport.h"
#include "TestEnvironment.h"
#include "Poco/JSON/Parser.h"
#include <cppunit/extensions/HelperMacros.h>
#include <iostream>


using namespace std::chrono_literals;


namespace {


const std::string PACKAGE_DIR = NASH_MCP_EVERYTHING_DIR;
const std::string INDEX = PACKAGE_DIR + "/node_modules/@modelcontextprotocol/server-everything/dist/index.js";


Poco::JSON::Object::Ptr parse(const std::string& json)
{
	Poco::JSON::Parser parser;
	return parser.parse(json).extract<Poco::JSON::Object::Ptr>();
}


std::string firstText(const Poco::Dynamic::Var& result)
{
	return result.extract<Poco::JSON::Object::Ptr>()->getArray("content")->getObject(0)->getValue<std::string>("text");
}


std::string unavailableReason()
{
	return NashTest::npmPackageUnavailable(NASH_NODE_EXECUTABLE, PACKAGE_DIR, INDEX);
}


} // namespace


class McpEverythingTest: public CppUnit::TestFixture
{
	CPPUNIT_TEST_SUITE(McpEverythingTest);
	CPPUNIT_TEST(testToolsOverStdioAndHttp);
	CPPUNIT_TEST(testToolErrorAndStructuredContent);
	CPPUNIT_TEST(testPromptsWithArguments);
	CPPUNIT_TEST(testResourcesAndTemplates);
	CPPUNIT_TEST(testSlowToolTimesOut);
	CPPUNIT_TEST(testHealth);
	CPPUNIT_TEST(testLegacySseTransport);
	CPPUNIT_TEST_SUITE_END();

public:
	void setUp() override
	{
		_skipReason = unavailableReason();
		if (!_skipReason.empty())
		{
			std::cout << "\nSKIPPED: @modelcontextprotocol/server-everything is not available: " << _skipReason << std::endl;
			return;
		}
		_port = NashTest::NodeServerProcess::freePort();
		_http.reset(new NashTest::NodeServerProcess(NASH_NODE_EXECUTABLE, {INDEX, "streamableHttp"}, {{"PORT", std::to_string(_port)}}));
		CPPUNIT_ASSERT_MESSAGE(_http->output(), _http->waitForPort(_port, 20s));
		std::string config = R"({"mcpServers": {
			"everything-stdio": {"command": ")" NASH_NODE_EXECUTABLE R"(", "args": [")" + INDEX + R"(", "stdio"], "timeout": 2},
			"everything-http": {"type": "http", "url": "http://127.0.0.1:)" + std::to_string(_port) + R"(/mcp", "timeout": 2}}})";
		_manager.reset(new Nash::McpManager(Nash::McpServerSettings::fromJson(config), [](const std::string& plugin)
		{
			if (plugin == "mcp_stdio") return std::unique_ptr<Nash::McpTransport>(new Nash::StdioTransport);
			return std::unique_ptr<Nash::McpTransport>(new Nash::HttpTransport);
		}));
		_manager->start();
	}

	void tearDown() override
	{
		_manager.reset();
		_http.reset();
	}

	void testToolsOverStdioAndHttp()
	{
		if (skipped()) return;
		auto tools = call("list_tools").extract<Poco::JSON::Object::Ptr>()->getArray("tools");
		std::set<std::string> seen;
		for (std::size_t i = 0; i < tools->size(); ++i)
		{
			auto tool = tools->getObject(static_cast<unsigned>(i));
			seen.insert(tool->getValue<std::string>("server") + "/" + tool->getValue<std::string>("name"));
		}
		for (const std::string server: {"everything-stdio", "everything-http"})
		{
			for (const std::string name: {"echo", "get-sum", "get-structured-content"})
				CPPUNIT_ASSERT_MESSAGE(server + "/" + name, seen.count(server + "/" + name));
		}
		// Both offer echo: the caller must choose.
		try
		{
			call("call_tool", R"({"tool_name": "echo", "args": {"message": "x"}})");
			CPPUNIT_FAIL("echo is on both servers");
		}
		catch (Nash::McpError& exc)
		{
			CPPUNIT_ASSERT_EQUAL(409, exc.httpStatus());
		}
		CPPUNIT_ASSERT_EQUAL(std::string("Echo: over stdio"), firstText(call("call_tool", R"({"tool_name": "echo", "server": "everything-stdio", "args": {"message": "over stdio"}})")));
		CPPUNIT_ASSERT_EQUAL(std::string("Echo: over http"), firstText(call("execute_tool", R"({"name": "echo", "server": "everything-http", "arguments": {"message": "over http"}})")));
		std::string sum = firstText(call("call_tool", R"({"tool_name": "get-sum", "server": "everything-http", "args": {"a": 2, "b": 3}})"));
		CPPUNIT_ASSERT_MESSAGE(sum, sum.find('5') != std::string::npos);
	}

	void testToolErrorAndStructuredContent()
	{
		if (skipped()) return;
		for (const std::string server: {"everything-stdio", "everything-http"})
		{
			auto structured = call("call_tool", R"({"tool_name": "get-structured-content", "server": ")" + server + R"(", "args": {"location": "New York"}})").extract<Poco::JSON::Object::Ptr>();
			CPPUNIT_ASSERT_MESSAGE(server, structured->getObject("structuredContent"));
			CPPUNIT_ASSERT(structured->getObject("structuredContent")->has("temperature"));
			CPPUNIT_ASSERT(!structured->getValue<bool>("isError"));
			auto bad = call("call_tool", R"({"tool_name": "get-sum", "server": ")" + server + R"(", "args": {"a": "two"}})").extract<Poco::JSON::Object::Ptr>();
			CPPUNIT_ASSERT_MESSAGE(server, bad->getValue<bool>("isError"));
		}
		auto schema = call("get_tool_schema", R"({"tool_name": "get-sum", "server": "everything-stdio"})").extract<Poco::JSON::Object::Ptr>();
		CPPUNIT_ASSERT(schema->getObject("inputSchema")->getObject("properties")->has("a"));
	}

	void testPromptsWithArguments()
	{
		if (skipped()) return;
		auto prompts = call("list_prompts").extract<Poco::JSON::Object::Ptr>()->getArray("prompts");
		int argsPrompts = 0;
		for (std::size_t i = 0; i < prompts->size(); ++i)
		{
			if (prompts->getObject(static_cast<unsigned>(i))->getValue<std::string>("name") == "args-prompt") ++argsPrompts;
		}
		CPPUNIT_ASSERT_EQUAL(2, argsPrompts);
		for (const std::string server: {"everything-stdio", "everything-http"})
		{
			auto prompt = call("get_prompt", R"({"prompt_name": "args-prompt", "server": ")" + server + R"(", "arguments": {"city": "Paris", "state": "IDF"}})").extract<Poco::JSON::Object::Ptr>();
			std::string text = prompt->getArray("messages")->getObject(0)->getObject("content")->getValue<std::string>("text");
			CPPUNIT_ASSERT_MESSAGE(text, text.find("Paris") != std::string::npos);
		}
	}

	void testResourcesAndTemplates()
	{
		if (skipped()) return;
		for (const std::string server: {"everything-stdio", "everything-http"})
		{
			auto resources = call("list_resources", R"({"server": ")" + server + R"("})").extract<Poco::JSON::Object::Ptr>()->getArray("resources");
			CPPUNIT_ASSERT(resources->size() > 0);
			auto templates = call("list_resource_templates", R"({"server": ")" + server + R"("})").extract<Poco::JSON::Object::Ptr>()->getArray("resourceTemplates");
			bool found = false;
			for (std::size_t i = 0; i < templates->size(); ++i)
				found = found || templates->getObject(static_cast<unsigned>(i))->getValue<std::string>("uriTemplate") == "demo://resource/dynamic/text/{resourceId}";
			CPPUNIT_ASSERT(found);
			auto read = call("read_resource", R"({"uri": "demo://resource/dynamic/text/7", "server": ")" + server + R"("})").extract<Poco::JSON::Object::Ptr>();
			std::string text = read->getArray("contents")->getObject(0)->getValue<std::string>("text");
			CPPUNIT_ASSERT_MESSAGE(text, text.find("Resource 7") != std::string::npos);
			// A listed static resource, by its alias.
			std::string uri = resources->getObject(0)->getValue<std::string>("uri");
			auto listed = call("read_resource", R"({"resource_path": ")" + uri + R"(", "server": ")" + server + R"("})").extract<Poco::JSON::Object::Ptr>();
			CPPUNIT_ASSERT_EQUAL(uri, listed->getArray("contents")->getObject(0)->getValue<std::string>("uri"));
		}
	}

	void testSlowToolTimesOut()
	{
		if (skipped()) return;
		for (const std::string server: {"everything-stdio", "everything-http"})
		{
			auto started = std::chrono::steady_clock::now();
			try
			{
				call("call_tool", R"({"tool_name": "trigger-long-running-operation", "server": ")" + server + R"(", "args": {"duration": 30, "steps": 3}})");
				CPPUNIT_FAIL("a 30 s operation must time out after 2 s");
			}
			catch (Nash::McpError& exc)
			{
				CPPUNIT_ASSERT_EQUAL_MESSAGE(exc.message(), 504, exc.httpStatus());
			}
			auto elapsed = std::chrono::steady_clock::now() - started;
			CPPUNIT_ASSERT(elapsed >= 2s && elapsed < 6s);
			// The server took the cancellation and still answers.
			CPPUNIT_ASSERT_EQUAL(std::string("Echo: after"), firstText(call("call_tool", R"({"tool_name": "echo", "server": ")" + server + R"(", "args": {"message": "after"}})")));
		}
	}

	void testHealth()
	{
		if (skipped()) return;
		call("ping");
		auto health = _manager->health();
		CPPUNIT_ASSERT_EQUAL(std::size_t(2), health->size());
		for (std::size_t i = 0; i < health->size(); ++i)
		{
			auto entry = health->getObject(static_cast<unsigned>(i));
			CPPUNIT_ASSERT(entry->getValue<bool>("connected"));
			CPPUNIT_ASSERT_EQUAL(std::string("2025-11-25"), entry->getValue<std::string>("protocolVersion"));
			CPPUNIT_ASSERT(entry->getObject("serverInfo"));
		}
	}

	void testLegacySseTransport()
	{
		// The reference server's HTTP+SSE mode (2024-11-05), as type "sse".
		if (skipped()) return;
		int port = NashTest::NodeServerProcess::freePort();
		NashTest::NodeServerProcess sse(NASH_NODE_EXECUTABLE, {INDEX, "sse"}, {{"PORT", std::to_string(port)}});
		CPPUNIT_ASSERT_MESSAGE(sse.output(), sse.waitForPort(port, 20s));
		std::string config = R"({"mcpServers": {"everything-sse": {"type": "sse", "url": "http://127.0.0.1:)" + std::to_string(port) + R"(/sse"}}})";
		Nash::McpManager manager(Nash::McpServerSettings::fromJson(config), [](const std::string&)
		{
			return std::unique_ptr<Nash::McpTransport>(new Nash::HttpTransport);
		});
		Nash::CancellationToken token;
		auto tools = manager.call("list_tools", nullptr, token).extract<Poco::JSON::Object::Ptr>()->getArray("tools");
		CPPUNIT_ASSERT(tools->size() > 3);
		CPPUNIT_ASSERT_EQUAL(std::string("Echo: legacy"), firstText(manager.call("call_tool", parse(R"({"tool_name": "echo", "args": {"message": "legacy"}})"), token)));
		CPPUNIT_ASSERT(manager.health()->getObject(0)->getValue<bool>("connected"));
	}

private:
	bool skipped()
	{
		if (_skipReason.empty()) return false;
		std::cout << "SKIPPED" << std::endl;
		return true;
	}

	Poco::Dynamic::Var call(const std::string& method, const std::string& json = "{}")
	{
		Nash::CancellationToken token;
		return _manager->call(method, parse(json), token);
	}

	std::string _skipReason;
	int _port = 0;
	std::unique_ptr<NashTest::NodeServerProcess> _http;
	std::unique_ptr<Nash::McpManager> _manager;
};


CPPUNIT_TEST_SUITE_REGISTRATION(McpEverythingTest);
