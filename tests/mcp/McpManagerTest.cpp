//
// McpManagerTest.cpp
//
// The method table of POST /v1/mcp/{method}: arguments and their aliases,
// the statuses of PROTOCOL.md, and the rules for several servers, over
// scripted transports.
//


#include "McpError.h"
#include "McpManager.h"
#include "ScriptedTransport.h"
#include "Poco/JSON/Stringifier.h"
#include "Poco/Util/MapConfiguration.h"
#include <cppunit/extensions/HelperMacros.h>
#include <sstream>


using namespace std::chrono_literals;
using NashTest::ScriptedTransport;


namespace {


Poco::JSON::Object::Ptr tool(const std::string& name)
{
	Poco::JSON::Object::Ptr result = new Poco::JSON::Object;
	result->set("name", name);
	result->set("description", "the " + name + " tool");
	result->set("inputSchema", ScriptedTransport::parse(R"({"type":"object"})"));
	return result;
}


ScriptedTransport::Script serverWithTools(const std::vector<std::string>& names, const std::string& capabilities = R"({"tools":{}})")
	/// Lists the tools; tools/call answers with the tool's name and server
	/// arguments, "fails" with a JSON-RPC error; prompts/resources for the
	/// servers that declare them.
{
	return ScriptedTransport::server("2025-11-25", capabilities, [names](ScriptedTransport& transport, const Poco::JSON::Object::Ptr& message)
	{
		std::string method = message->optValue<std::string>("method", "");
		Poco::JSON::Object::Ptr params = message->getObject("params");
		if (method == "tools/list")
		{
			Poco::JSON::Array::Ptr tools = new Poco::JSON::Array;
			for (const auto& name: names) tools->add(tool(name));
			Poco::JSON::Object::Ptr result = new Poco::JSON::Object;
			result->set("tools", tools);
			transport.reply(message, result);
			return true;
		}
		if (method == "tools/call")
		{
			std::string name = params->getValue<std::string>("name");
			if (name == "fails")
			{
				transport.replyError(message, -32603, "Internal error");
				return true;
			}
			std::ostringstream args;
			params->getObject("arguments")->stringify(args);
			transport.reply(message, ScriptedTransport::parse(R"({"content":[{"type":"text","text":")" + name + R"("}],"isError":false,"structuredContent":{"args":)" + args.str() + "}}"));
			return true;
		}
		if (method == "prompts/list")
		{
			transport.reply(message, ScriptedTransport::parse(R"({"prompts":[{"name":"greet","arguments":[{"name":"who"}]}]})"));
			return true;
		}
		if (method == "prompts/get")
		{
			std::ostringstream args;
			params->getObject("arguments")->stringify(args);
			transport.reply(message, ScriptedTransport::parse(R"({"messages":[],"description":)" + args.str() + "}"));
			return true;
		}
		if (method == "resources/list")
		{
			transport.reply(message, ScriptedTransport::parse(R"({"resources":[{"uri":"test://one","name":"one"}]})"));
			return true;
		}
		if (method == "resources/templates/list")
		{
			transport.reply(message, ScriptedTransport::parse(R"({"resourceTemplates":[{"uriTemplate":"test://{n}","name":"n"}]})"));
			return true;
		}
		if (method == "resources/read")
		{
			transport.reply(message, ScriptedTransport::parse(R"({"contents":[{"uri":")" + params->getValue<std::string>("uri") + R"(","text":"x"}]})"));
			return true;
		}
		return false;
	});
}


Poco::JSON::Object::Ptr args(const std::string& json)
{
	return ScriptedTransport::parse(json);
}


std::string toJson(const Poco::Dynamic::Var& value)
{
	std::ostringstream out;
	Poco::JSON::Stringifier::condense(value, out);
	return out.str();
}


} // namespace


class McpManagerTest: public CppUnit::TestFixture
{
	CPPUNIT_TEST_SUITE(McpManagerTest);
	CPPUNIT_TEST(testUnknownMethod);
	CPPUNIT_TEST(testMissingAndIllTypedArguments);
	CPPUNIT_TEST(testListToolsAddsServer);
	CPPUNIT_TEST(testUniqueToolChoosesServer);
	CPPUNIT_TEST(testAmbiguousToolIsConflict);
	CPPUNIT_TEST(testServerArgumentChooses);
	CPPUNIT_TEST(testUnknownServerArgument);
	CPPUNIT_TEST(testGetToolSchema);
	CPPUNIT_TEST(testUnknownToolIsNotFound);
	CPPUNIT_TEST(testRpcErrorNamesMethod);
	CPPUNIT_TEST(testAliases);
	CPPUNIT_TEST(testPromptsAndResources);
	CPPUNIT_TEST(testPromptsNotSupported);
	CPPUNIT_TEST(testPing);
	CPPUNIT_TEST(testBrokenPluginIsUnavailable);
	CPPUNIT_TEST(testDisabledServer);
	CPPUNIT_TEST(testHealthKeepsSecrets);
	CPPUNIT_TEST(testStartDoesNotWaitForSlowServer);
	CPPUNIT_TEST(testCallAfterStop);
	CPPUNIT_TEST(testOneServerDownStillLists);
	CPPUNIT_TEST_SUITE_END();

public:
	void tearDown() override
	{
		_manager.reset();
		_states.clear();
		_scripts.clear();
		_startErrors.clear();
	}

	void testUnknownMethod()
	{
		setUpServers({{"a", serverWithTools({"echo"})}});
		expectError("__class__", nullptr, 400, "detail", "Method '__class__' not found on MCP client");
		expectError("tools/list", nullptr, 400, "detail", "Method 'tools/list' not found on MCP client");
	}

	void testMissingAndIllTypedArguments()
	{
		setUpServers({{"a", serverWithTools({"echo"})}});
		expectError("call_tool", args("{}"), 400, "detail", "Missing required argument 'tool_name' (or 'name')");
		expectError("call_tool", args(R"({"tool_name": 5})"), 400, "detail", "Argument 'tool_name' must be a string");
		expectError("call_tool", args(R"({"tool_name": "echo", "args": [1]})"), 400, "detail", "Argument 'args' must be a JSON object");
		expectError("get_tool_schema", args(R"({"name": ""})"), 400, "detail", "Argument 'name' must not be empty");
		expectError("read_resource", args("{}"), 400, "detail", "Missing required argument 'uri' (or 'resource_path')");
		expectError("list_tools", args(R"({"server": 1})"), 400, "detail", "Argument 'server' must be a string");
	}

	void testListToolsAddsServer()
	{
		setUpServers({{"alpha", serverWithTools({"one", "both"})}, {"beta", serverWithTools({"two", "both"})}});
		auto result = call("list_tools", nullptr).extract<Poco::JSON::Object::Ptr>();
		auto tools = result->getArray("tools");
		CPPUNIT_ASSERT_EQUAL(std::size_t(4), tools->size());
		std::set<std::string> seen;
		for (std::size_t i = 0; i < tools->size(); ++i)
		{
			auto item = tools->getObject(static_cast<unsigned>(i));
			seen.insert(item->getValue<std::string>("server") + "/" + item->getValue<std::string>("name"));
		}
		CPPUNIT_ASSERT(seen == std::set<std::string>({"alpha/one", "alpha/both", "beta/two", "beta/both"}));
		// The cache is not changed by the added field.
		auto again = call("list_tools", args(R"({"server": "beta"})")).extract<Poco::JSON::Object::Ptr>()->getArray("tools");
		CPPUNIT_ASSERT_EQUAL(std::size_t(2), again->size());
		CPPUNIT_ASSERT_EQUAL(std::string("beta"), again->getObject(0)->getValue<std::string>("server"));
	}

	void testUniqueToolChoosesServer()
	{
		setUpServers({{"alpha", serverWithTools({"one"})}, {"beta", serverWithTools({"two"})}});
		auto result = call("call_tool", args(R"({"tool_name": "two", "args": {"x": 1}})")).extract<Poco::JSON::Object::Ptr>();
		CPPUNIT_ASSERT_EQUAL(std::string("two"), result->getArray("content")->getObject(0)->getValue<std::string>("text"));
		CPPUNIT_ASSERT_EQUAL(1, result->getObject("structuredContent")->getObject("args")->getValue<int>("x"));
		CPPUNIT_ASSERT(_states["alpha"]->sent.size() > 0);
		CPPUNIT_ASSERT(ScriptedTransport(nullptr, _states["alpha"]).sentWithMethod("tools/call").empty());
		CPPUNIT_ASSERT_EQUAL(std::size_t(1), ScriptedTransport(nullptr, _states["beta"]).sentWithMethod("tools/call").size());
	}

	void testAmbiguousToolIsConflict()
	{
		setUpServers({{"alpha", serverWithTools({"both"})}, {"beta", serverWithTools({"both"})}});
		try
		{
			call("call_tool", args(R"({"tool_name": "both"})"));
			CPPUNIT_FAIL("an ambiguous tool must be refused");
		}
		catch (Nash::McpError& exc)
		{
			CPPUNIT_ASSERT_EQUAL(409, exc.httpStatus());
			CPPUNIT_ASSERT_EQUAL(std::string("detail"), exc.bodyField());
			CPPUNIT_ASSERT(exc.message().find("alpha") != std::string::npos);
			CPPUNIT_ASSERT(exc.message().find("beta") != std::string::npos);
		}
		expectStatus("get_tool_schema", args(R"({"name": "both"})"), 409);
	}

	void testServerArgumentChooses()
	{
		setUpServers({{"alpha", serverWithTools({"both"})}, {"beta", serverWithTools({"both"})}});
		call("call_tool", args(R"({"tool_name": "both", "server": "beta"})"));
		CPPUNIT_ASSERT(ScriptedTransport(nullptr, _states["alpha"]).sentWithMethod("tools/call").empty());
		CPPUNIT_ASSERT_EQUAL(std::size_t(1), ScriptedTransport(nullptr, _states["beta"]).sentWithMethod("tools/call").size());
	}

	void testUnknownServerArgument()
	{
		setUpServers({{"alpha", serverWithTools({"x"})}, {"beta", serverWithTools({"y"})}});
		expectError("list_tools", args(R"({"server": "gamma"})"), 400, "detail", "Unknown MCP server 'gamma' (configured: alpha, beta)");
	}

	void testGetToolSchema()
	{
		setUpServers({{"a", serverWithTools({"echo", "add"})}});
		auto schema = call("get_tool_schema", args(R"({"tool_name": "add"})")).extract<Poco::JSON::Object::Ptr>();
		CPPUNIT_ASSERT_EQUAL(std::string("add"), schema->getValue<std::string>("name"));
		CPPUNIT_ASSERT_EQUAL(std::string("the add tool"), schema->getValue<std::string>("description"));
		CPPUNIT_ASSERT(schema->getObject("inputSchema"));
	}

	void testUnknownToolIsNotFound()
	{
		setUpServers({{"a", serverWithTools({"echo"})}});
		expectError("get_tool_schema", args(R"({"tool_name": "nope"})"), 404, "error", "Tool 'nope' not found");
		expectError("call_tool", args(R"({"name": "nope"})"), 404, "error", "Tool 'nope' not found");
		// A miss looks once more with a fresh list, in case it changed silently.
		CPPUNIT_ASSERT(ScriptedTransport(nullptr, _states["a"]).sentWithMethod("tools/list").size() >= 2);
	}

	void testRpcErrorNamesMethod()
	{
		setUpServers({{"a", serverWithTools({"fails"})}});
		expectError("execute_tool", args(R"({"tool_name": "fails"})"), 502, "error", "Error calling MCP method 'execute_tool': -32603 Internal error");
	}

	void testAliases()
	{
		setUpServers({{"a", serverWithTools({"echo"}, R"({"tools":{},"resources":{}})")}});
		auto viaName = call("execute_tool", args(R"({"name": "echo", "arguments": {"m": "x"}})")).extract<Poco::JSON::Object::Ptr>();
		CPPUNIT_ASSERT_EQUAL(std::string("x"), viaName->getObject("structuredContent")->getObject("args")->getValue<std::string>("m"));
		auto viaToolName = call("call_tool", args(R"({"tool_name": "echo", "args": {"m": "y"}})")).extract<Poco::JSON::Object::Ptr>();
		CPPUNIT_ASSERT_EQUAL(std::string("y"), viaToolName->getObject("structuredContent")->getObject("args")->getValue<std::string>("m"));
		auto noArgs = call("call_tool", args(R"({"tool_name": "echo", "args": null})")).extract<Poco::JSON::Object::Ptr>();
		CPPUNIT_ASSERT_EQUAL(std::size_t(0), noArgs->getObject("structuredContent")->getObject("args")->size());
		CPPUNIT_ASSERT_EQUAL(std::string("{}"), toJson(call("send_ping", nullptr)));
		auto resource = call("read_resource", args(R"({"resource_path": "test://one"})")).extract<Poco::JSON::Object::Ptr>();
		CPPUNIT_ASSERT_EQUAL(std::string("test://one"), resource->getArray("contents")->getObject(0)->getValue<std::string>("uri"));
	}

	void testPromptsAndResources()
	{
		setUpServers({{"a", serverWithTools({"echo"}, R"({"tools":{},"prompts":{},"resources":{}})")}});
		auto prompts = call("list_prompts", nullptr).extract<Poco::JSON::Object::Ptr>()->getArray("prompts");
		CPPUNIT_ASSERT_EQUAL(std::size_t(1), prompts->size());
		CPPUNIT_ASSERT_EQUAL(std::string("a"), prompts->getObject(0)->getValue<std::string>("server"));
		auto prompt = call("get_prompt", args(R"({"prompt_name": "greet", "arguments": {"who": "you", "n": 3}})")).extract<Poco::JSON::Object::Ptr>();
		// Prompt arguments are strings in MCP: the number arrives as text.
		CPPUNIT_ASSERT_EQUAL(std::string("you"), prompt->getObject("description")->getValue<std::string>("who"));
		CPPUNIT_ASSERT(prompt->getObject("description")->get("n").isString());
		expectStatus("get_prompt", args(R"({"name": "nope"})"), 404);
		auto resources = call("list_resources", nullptr).extract<Poco::JSON::Object::Ptr>()->getArray("resources");
		CPPUNIT_ASSERT_EQUAL(std::string("test://one"), resources->getObject(0)->getValue<std::string>("uri"));
		auto templates = call("list_resource_templates", nullptr).extract<Poco::JSON::Object::Ptr>()->getArray("resourceTemplates");
		CPPUNIT_ASSERT_EQUAL(std::string("test://{n}"), templates->getObject(0)->getValue<std::string>("uriTemplate"));
		auto contents = call("read_resource", args(R"({"uri": "test://7"})")).extract<Poco::JSON::Object::Ptr>();
		CPPUNIT_ASSERT_EQUAL(std::string("test://7"), contents->getArray("contents")->getObject(0)->getValue<std::string>("uri"));
	}

	void testPromptsNotSupported()
	{
		setUpServers({{"a", serverWithTools({"echo"})}});
		expectStatus("list_prompts", nullptr, 501);
		expectStatus("get_prompt", args(R"({"name": "greet"})"), 501);
		expectStatus("list_resources", nullptr, 501);
		expectStatus("read_resource", args(R"({"uri": "x://y"})"), 501);
		CPPUNIT_ASSERT(ScriptedTransport(nullptr, _states["a"]).sentWithMethod("prompts/list").empty());
		CPPUNIT_ASSERT(ScriptedTransport(nullptr, _states["a"]).sentWithMethod("resources/read").empty());
		// With two servers, the one that has prompts answers alone.
		setUpServers({{"a", serverWithTools({"echo"})}, {"b", serverWithTools({"x"}, R"({"tools":{},"prompts":{}})")}});
		auto prompts = call("list_prompts", nullptr).extract<Poco::JSON::Object::Ptr>()->getArray("prompts");
		CPPUNIT_ASSERT_EQUAL(std::size_t(1), prompts->size());
		CPPUNIT_ASSERT_EQUAL(std::string("b"), prompts->getObject(0)->getValue<std::string>("server"));
		call("get_prompt", args(R"({"name": "greet"})"));
	}

	void testPing()
	{
		setUpServers({{"a", serverWithTools({})}, {"b", serverWithTools({})}});
		CPPUNIT_ASSERT_EQUAL(std::string("{}"), toJson(call("ping", nullptr)));
		CPPUNIT_ASSERT_EQUAL(std::size_t(1), ScriptedTransport(nullptr, _states["a"]).sentWithMethod("ping").size());
		CPPUNIT_ASSERT_EQUAL(std::size_t(1), ScriptedTransport(nullptr, _states["b"]).sentWithMethod("ping").size());
	}

	void testBrokenPluginIsUnavailable()
	{
		Nash::McpServerSettings settings = settingsFor("broken");
		settings.plugin = "mcp_missing";
		_manager.reset(new Nash::McpManager({settings}, [](const std::string& plugin) -> std::unique_ptr<Nash::McpTransport>
		{
			throw Poco::NotFoundException("plugin " + plugin + " is not loaded");
		}));
		_manager->start();
		try
		{
			call("list_tools", nullptr);
			CPPUNIT_FAIL("a server without transport must be unavailable");
		}
		catch (Nash::McpError& exc)
		{
			CPPUNIT_ASSERT_EQUAL(503, exc.httpStatus());
			CPPUNIT_ASSERT(exc.message().find("mcp_missing") != std::string::npos);
		}
		auto health = _manager->health();
		CPPUNIT_ASSERT_EQUAL(std::size_t(1), health->size());
		CPPUNIT_ASSERT(!health->getObject(0)->getValue<bool>("connected"));
		CPPUNIT_ASSERT(health->getObject(0)->getValue<std::string>("lastError").find("mcp_missing") != std::string::npos);
	}

	void testDisabledServer()
	{
		Nash::McpServerSettings off = settingsFor("off");
		off.enabled = false;
		Nash::McpServerSettings on = settingsFor("on");
		int created = 0;
		auto script = serverWithTools({"echo"});
		_manager.reset(new Nash::McpManager({off, on}, [&created, script](const std::string&)
		{
			++created;
			return std::unique_ptr<Nash::McpTransport>(new ScriptedTransport(script));
		}));
		CPPUNIT_ASSERT_EQUAL(1, created);
		auto tools = call("list_tools", nullptr).extract<Poco::JSON::Object::Ptr>()->getArray("tools");
		CPPUNIT_ASSERT_EQUAL(std::size_t(1), tools->size());
		CPPUNIT_ASSERT_EQUAL(std::string("on"), tools->getObject(0)->getValue<std::string>("server"));
		expectStatus("list_tools", args(R"({"server": "off"})"), 503);
		auto health = _manager->health();
		CPPUNIT_ASSERT_EQUAL(std::size_t(2), health->size());
		CPPUNIT_ASSERT(!health->getObject(0)->getValue<bool>("enabled"));
	}

	void testHealthKeepsSecrets()
	{
		Nash::McpServerSettings settings = settingsFor("secretive");
		Poco::AutoPtr<Poco::Util::MapConfiguration> section(new Poco::Util::MapConfiguration);
		section->setString("command", "secret-command-xyz");
		section->setString("env.API_KEY", "secret-env-value-xyz");
		section->setString("headers.Authorization", "Bearer secret-header-xyz");
		section->setString("url", "http://user:secret-url-xyz@host/mcp");
		settings.transportConfig = section;
		auto state = std::make_shared<ScriptedTransport::State>();
		auto script = serverWithTools({"echo"});
		_manager.reset(new Nash::McpManager({settings}, [state, script](const std::string&)
		{
			return std::unique_ptr<Nash::McpTransport>(new ScriptedTransport(script, state));
		}));
		// The transport got its section ...
		CPPUNIT_ASSERT_EQUAL(std::string("secret-env-value-xyz"), state->section["env.API_KEY"]);
		call("list_tools", nullptr);
		// ... and health() shows none of it.
		std::string health = toJson(_manager->health());
		CPPUNIT_ASSERT(health.find("xyz") == std::string::npos);
		auto entry = _manager->health()->getObject(0);
		CPPUNIT_ASSERT(entry->getValue<bool>("connected"));
		CPPUNIT_ASSERT_EQUAL(1, entry->getValue<int>("tools"));
		CPPUNIT_ASSERT_EQUAL(std::string("2025-11-25"), entry->getValue<std::string>("protocolVersion"));
	}

	void testStartDoesNotWaitForSlowServer()
	{
		Nash::McpServerSettings settings = settingsFor("slow");
		settings.requestTimeout = 20s;
		auto state = std::make_shared<ScriptedTransport::State>();
		_manager.reset(new Nash::McpManager({settings}, [state](const std::string&)
		{
			// Never answers initialize.
			return std::unique_ptr<Nash::McpTransport>(new ScriptedTransport(nullptr, state));
		}));
		auto started = std::chrono::steady_clock::now();
		_manager->start();
		CPPUNIT_ASSERT(std::chrono::steady_clock::now() - started < 1s);
		CPPUNIT_ASSERT(ScriptedTransport(nullptr, state).waitForMethod("initialize", 5s));
		CPPUNIT_ASSERT_EQUAL(std::string("connecting"), _manager->health()->getObject(0)->getValue<std::string>("state"));
		// stop() abandons the handshake at once rather than after 20 s.
		_manager->stop();
		CPPUNIT_ASSERT(std::chrono::steady_clock::now() - started < 5s);
		CPPUNIT_ASSERT(!state->open);
	}

	void testCallAfterStop()
	{
		setUpServers({{"a", serverWithTools({"echo"})}});
		_manager->stop();
		expectStatus("list_tools", nullptr, 503);
		_manager->start();
		call("list_tools", nullptr);
	}

	void testOneServerDownStillLists()
	{
		_startErrors["down"] = "cannot spawn";
		setUpServers({{"up", serverWithTools({"echo"})}, {"down", serverWithTools({"other"})}});
		auto tools = call("list_tools", nullptr).extract<Poco::JSON::Object::Ptr>()->getArray("tools");
		CPPUNIT_ASSERT_EQUAL(std::size_t(1), tools->size());
		// A tool only the dead server might have: its error, not a 404.
		expectStatus("call_tool", args(R"({"tool_name": "other"})"), 503);
		// The live server's tools still work.
		call("call_tool", args(R"({"tool_name": "echo"})"));
		expectStatus("list_tools", args(R"({"server": "down"})"), 503);
	}

private:
	static Nash::McpServerSettings settingsFor(const std::string& name)
	{
		Nash::McpServerSettings settings;
		settings.name = name;
		settings.transport = "scripted";
		settings.plugin = "scripted";
		settings.restartBackoff = 1ms;
		settings.restartBackoffMax = 1ms;
		return settings;
	}

	void setUpServers(const std::vector<std::pair<std::string, ScriptedTransport::Script>>& servers)
	{
		_manager.reset();
		_states.clear();
		_scripts.clear();
		std::vector<Nash::McpServerSettings> settings;
		for (const auto& server: servers)
		{
			settings.push_back(settingsFor(server.first));
			_states[server.first] = std::make_shared<ScriptedTransport::State>();
			_states[server.first]->startError = _startErrors[server.first];
			_scripts[server.first] = server.second;
		}
		// The factory knows the server only by the order of the calls.
		auto names = std::make_shared<std::vector<std::string>>();
		for (const auto& server: servers) names->push_back(server.first);
		auto next = std::make_shared<std::size_t>(0);
		_manager.reset(new Nash::McpManager(settings, [this, names, next](const std::string& plugin)
		{
			CPPUNIT_ASSERT_EQUAL(std::string("scripted"), plugin);
			std::string name = (*names)[(*next)++];
			return std::unique_ptr<Nash::McpTransport>(new ScriptedTransport(_scripts[name], _states[name]));
		}));
		_manager->start();
	}

	Poco::Dynamic::Var call(const std::string& method, const Poco::JSON::Object::Ptr& arguments)
	{
		Nash::CancellationToken token;
		return _manager->call(method, arguments, token);
	}

	void expectError(const std::string& method, const Poco::JSON::Object::Ptr& arguments, int status, const std::string& field, const std::string& message)
	{
		try
		{
			call(method, arguments);
			CPPUNIT_FAIL(method + " must fail with " + std::to_string(status));
		}
		catch (Nash::McpError& exc)
		{
			CPPUNIT_ASSERT_EQUAL_MESSAGE(method, status, exc.httpStatus());
			CPPUNIT_ASSERT_EQUAL_MESSAGE(method, field, exc.bodyField());
			CPPUNIT_ASSERT_EQUAL_MESSAGE(method, message, exc.message());
		}
	}

	void expectStatus(const std::string& method, const Poco::JSON::Object::Ptr& arguments, int status)
	{
		try
		{
			call(method, arguments);
			CPPUNIT_FAIL(method + " must fail with " + std::to_string(status));
		}
		catch (Nash::McpError& exc)
		{
			CPPUNIT_ASSERT_EQUAL_MESSAGE(method + ": " + exc.message(), status, exc.httpStatus());
		}
	}

	std::unique_ptr<Nash::McpManager> _manager;
	std::map<std::string, std::shared_ptr<ScriptedTransport::State>> _states;
	std::map<std::string, ScriptedTransport::Script> _scripts;
	std::map<std::string, std::string> _startErrors;
};


CPPUNIT_TEST_SUITE_REGISTRATION(McpManagerTest);
