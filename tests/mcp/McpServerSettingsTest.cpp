//
// McpServerSettingsTest.cpp
//
// Reading MCP servers from the ini and from a --mcp-config JSON file.
//


#include "McpServerSettings.h"
#include "TestEnvironment.h"
#include "Poco/AutoPtr.h"
#include "Poco/Environment.h"
#include "Poco/Exception.h"
#include "Poco/Util/IniFileConfiguration.h"
#include <cppunit/extensions/HelperMacros.h>
#include <sstream>


using namespace std::chrono_literals;


class McpServerSettingsTest: public CppUnit::TestFixture
{
	CPPUNIT_TEST_SUITE(McpServerSettingsTest);
	CPPUNIT_TEST(testIniStdioServer);
	CPPUNIT_TEST(testIniHttpServerAndDefaults);
	CPPUNIT_TEST(testIniNumberedArgs);
	CPPUNIT_TEST(testIniErrorsNameTheKey);
	CPPUNIT_TEST(testJsonServers);
	CPPUNIT_TEST(testJsonErrorsNameTheKey);
	CPPUNIT_TEST(testJsonFile);
	CPPUNIT_TEST(testElicitationPolicy);
	CPPUNIT_TEST(testExpandEnvironment);
	CPPUNIT_TEST(testSplitCommandLine);
	CPPUNIT_TEST_SUITE_END();

public:
	void testIniStdioServer()
	{
		Poco::Environment::set("NASH_MCP_TEST_TOKEN", "t0ken");
		auto servers = fromIni(
			"[mcp.demo]\n"
			"transport = stdio\n"
			"command = mcp_demo_server\n"
			"args = --page-size=2 \"two words\" 'single ${quoted}'\n"
			"env.API_KEY = ${NASH_MCP_TEST_TOKEN}\n"
			"env.PLAIN = value\n"
			"cwd = /tmp\n"
			"timeout = 1.5\n"
			"request_timeout = 3\n"
			"restart_backoff = 0.25\n"
			"restart_backoff_max = 5\n");
		CPPUNIT_ASSERT_EQUAL(std::size_t(1), servers.size());
		const auto& demo = servers[0];
		CPPUNIT_ASSERT_EQUAL(std::string("demo"), demo.name);
		CPPUNIT_ASSERT_EQUAL(std::string("stdio"), demo.transport);
		CPPUNIT_ASSERT_EQUAL(std::string("mcp_stdio"), demo.plugin);
		CPPUNIT_ASSERT(demo.enabled);
		CPPUNIT_ASSERT(demo.toolTimeout == 1500ms);
		CPPUNIT_ASSERT(demo.requestTimeout == 3000ms);
		CPPUNIT_ASSERT(demo.restartBackoff == 250ms);
		CPPUNIT_ASSERT(demo.restartBackoffMax == 5000ms);
		const auto& section = *demo.transportConfig;
		CPPUNIT_ASSERT_EQUAL(std::string("mcp_demo_server"), section.getRawString("command"));
		CPPUNIT_ASSERT_EQUAL(std::string("--page-size=2"), section.getRawString("args.0"));
		CPPUNIT_ASSERT_EQUAL(std::string("two words"), section.getRawString("args.1"));
		CPPUNIT_ASSERT_EQUAL(std::string("single ${quoted}"), section.getRawString("args.2"));
		CPPUNIT_ASSERT(!section.has("args.3"));
		CPPUNIT_ASSERT(!section.has("args"));
		CPPUNIT_ASSERT_EQUAL(std::string("t0ken"), section.getRawString("env.API_KEY"));
		CPPUNIT_ASSERT_EQUAL(std::string("value"), section.getRawString("env.PLAIN"));
		CPPUNIT_ASSERT_EQUAL(std::string("/tmp"), section.getRawString("cwd"));
	}

	void testIniHttpServerAndDefaults()
	{
		Poco::Environment::set("NASH_MCP_TEST_TOKEN", "t0ken");
		auto servers = fromIni(
			"[mcp]\n"
			"enabled = true\n"
			"[mcp.remote]\n"
			"url = http://127.0.0.1:3001/mcp\n"
			"headers.Authorization = Bearer ${NASH_MCP_TEST_TOKEN}\n"
			"enabled = false\n"
			"[mcp.legacy]\n"
			"transport = sse\n"
			"url = http://127.0.0.1:3002/sse\n");
		CPPUNIT_ASSERT_EQUAL(std::size_t(2), servers.size());
		// Ordered by name.
		CPPUNIT_ASSERT_EQUAL(std::string("legacy"), servers[0].name);
		CPPUNIT_ASSERT_EQUAL(std::string("mcp_http"), servers[0].plugin);
		CPPUNIT_ASSERT_EQUAL(std::string("true"), servers[0].transportConfig->getRawString("legacy_sse"));
		const auto& remote = servers[1];
		CPPUNIT_ASSERT_EQUAL(std::string("http"), remote.transport);
		CPPUNIT_ASSERT_EQUAL(std::string("mcp_http"), remote.plugin);
		CPPUNIT_ASSERT(!remote.enabled);
		CPPUNIT_ASSERT(remote.toolTimeout == 60000ms);
		CPPUNIT_ASSERT(remote.requestTimeout == 10000ms);
		CPPUNIT_ASSERT_EQUAL(std::string("Bearer t0ken"), remote.transportConfig->getRawString("headers.Authorization"));
	}

	void testIniNumberedArgs()
	{
		auto servers = fromIni(
			"[mcp.n]\n"
			"command = node\n"
			"args.0 = server.js\n"
			"args.1 = --flag\n"
			"plugin = my_transport\n");
		CPPUNIT_ASSERT_EQUAL(std::string("my_transport"), servers[0].plugin);
		CPPUNIT_ASSERT_EQUAL(std::string("server.js"), servers[0].transportConfig->getRawString("args.0"));
		CPPUNIT_ASSERT_EQUAL(std::string("--flag"), servers[0].transportConfig->getRawString("args.1"));
	}

	void testIniErrorsNameTheKey()
	{
		expectIniError("[mcp.x]\ntransport = stdio\n", "mcp.x.command");
		expectIniError("[mcp.x]\ntransport = http\n", "mcp.x.url");
		expectIniError("[mcp.x]\ncommand = a\ntimeout = soon\n", "mcp.x.timeout");
		expectIniError("[mcp.x]\ncommand = a\ntimeout = -1\n", "mcp.x.timeout");
		expectIniError("[mcp.x]\ncommand = a\nenabled = maybe\n", "mcp.x.enabled");
		expectIniError("[mcp.x]\ncommand = a\nargs = \"open\n", "mcp.x.args");
		// A disabled server need not be complete.
		auto servers = fromIni("[mcp.x]\nenabled = false\n");
		CPPUNIT_ASSERT_EQUAL(std::size_t(1), servers.size());
		CPPUNIT_ASSERT(!servers[0].enabled);
	}

	void testJsonServers()
	{
		Poco::Environment::set("NASH_MCP_TEST_TOKEN", "t0ken");
		auto servers = Nash::McpServerSettings::fromJson(R"({
			"mcpServers": {
				"files": {"command": "npx", "args": ["-y", "@scope/server", "/data"], "env": {"KEY": "${NASH_MCP_TEST_TOKEN}", "N": 3}, "cwd": "/srv", "timeout": 90, "show_args": true},
				"remote": {"type": "http", "url": "https://example.invalid/mcp", "headers": {"Authorization": "Bearer ${NASH_MCP_TEST_TOKEN}"},
					"oauth": {"grant": "client_credentials", "client_id": "gw", "client_secret": "${SECRET}", "authorization_timeout": 60, "enabled": true}},
				"old": {"type": "sse", "url": "https://example.invalid/sse", "disabled": true}
			}})");
		CPPUNIT_ASSERT_EQUAL(std::size_t(3), servers.size());
		std::map<std::string, Nash::McpServerSettings> byName;
		for (const auto& server: servers) byName[server.name] = server;
		const auto& files = byName["files"];
		CPPUNIT_ASSERT_EQUAL(std::string("mcp_stdio"), files.plugin);
		CPPUNIT_ASSERT(files.toolTimeout == 90000ms);
		CPPUNIT_ASSERT(files.enabled);
		CPPUNIT_ASSERT_EQUAL(std::string("npx"), files.transportConfig->getRawString("command"));
		CPPUNIT_ASSERT_EQUAL(std::string("-y"), files.transportConfig->getRawString("args.0"));
		CPPUNIT_ASSERT_EQUAL(std::string("/data"), files.transportConfig->getRawString("args.2"));
		CPPUNIT_ASSERT_EQUAL(std::string("t0ken"), files.transportConfig->getRawString("env.KEY"));
		CPPUNIT_ASSERT_EQUAL(std::string("3"), files.transportConfig->getRawString("env.N"));
		CPPUNIT_ASSERT_EQUAL(std::string("/srv"), files.transportConfig->getRawString("cwd"));
		CPPUNIT_ASSERT_EQUAL(std::string("true"), files.transportConfig->getRawString("show_args"));
		const auto& remote = byName["remote"];
		CPPUNIT_ASSERT_EQUAL(std::string("mcp_http"), remote.plugin);
		CPPUNIT_ASSERT_EQUAL(std::string("https://example.invalid/mcp"), remote.transportConfig->getRawString("url"));
		CPPUNIT_ASSERT_EQUAL(std::string("Bearer t0ken"), remote.transportConfig->getRawString("headers.Authorization"));
		CPPUNIT_ASSERT_EQUAL(std::string("client_credentials"), remote.transportConfig->getRawString("oauth.grant"));
		CPPUNIT_ASSERT_EQUAL(std::string("gw"), remote.transportConfig->getRawString("oauth.client_id"));
		// Expanded by the transport, like the ini's value.
		CPPUNIT_ASSERT_EQUAL(std::string("${SECRET}"), remote.transportConfig->getRawString("oauth.client_secret"));
		CPPUNIT_ASSERT_EQUAL(std::string("60"), remote.transportConfig->getRawString("oauth.authorization_timeout"));
		CPPUNIT_ASSERT_EQUAL(std::string("true"), remote.transportConfig->getRawString("oauth.enabled"));
		const auto& old = byName["old"];
		CPPUNIT_ASSERT(!old.enabled);
		CPPUNIT_ASSERT_EQUAL(std::string("sse"), old.transport);
		CPPUNIT_ASSERT_EQUAL(std::string("true"), old.transportConfig->getRawString("legacy_sse"));
	}

	void testJsonErrorsNameTheKey()
	{
		expectJsonError("not json", "not JSON");
		expectJsonError("[]", "mcpServers");
		expectJsonError(R"({"servers": {}})", "mcpServers");
		expectJsonError(R"({"mcpServers": {"a": {"args": ["x"]}}})", "mcpServers.a.command");
		expectJsonError(R"({"mcpServers": {"a": {"command": "x", "args": "y"}}})", "mcpServers.a.args");
		expectJsonError(R"({"mcpServers": {"a": {"command": "x", "args": [{}]}}})", "mcpServers.a.args.0");
		expectJsonError(R"({"mcpServers": {"a": {"command": "x", "env": []}}})", "mcpServers.a.env");
		expectJsonError(R"({"mcpServers": {"a": {"type": "http"}}})", "mcpServers.a.url");
		expectJsonError(R"({"mcpServers": {"a": {"type": "carrier-pigeon", "url": "x"}}})", "mcpServers.a.type");
		expectJsonError(R"({"mcpServers": {"a": {"command": "x", "timeout": "long"}}})", "mcpServers.a.timeout");
		expectJsonError(R"({"mcpServers": {"a": {"command": "x", "disabled": "yes"}}})", "mcpServers.a.disabled");
		expectJsonError(R"({"mcpServers": {"a": {"command": "x", "show_args": "yes"}}})", "mcpServers.a.show_args");
		expectJsonError(R"({"mcpServers": {"a.b": {"command": "x"}}})", "a.b");
		expectJsonError(R"({"mcpServers": {"a": {"url": "http://x/mcp", "oauth": "yes"}}})", "mcpServers.a.oauth");
		expectJsonError(R"({"mcpServers": {"a": {"url": "http://x/mcp", "oauth": {"scope": ["a"]}}}})", "mcpServers.a.oauth.scope");
	}

	void testElicitationPolicy()
	{
		auto servers = fromIni(
			"[mcp.a]\ncommand = x\n"
			"[mcp.b]\ncommand = x\nelicitation = Defaults\n"
			"[mcp.c]\ncommand = x\nelicitation = decline\n"
			"[mcp.d]\ncommand = x\nelicitation = none\n");
		CPPUNIT_ASSERT_EQUAL(std::size_t(4), servers.size());
		CPPUNIT_ASSERT(servers[0].elicitation == Nash::ElicitationPolicy::None);
		CPPUNIT_ASSERT(servers[1].elicitation == Nash::ElicitationPolicy::Defaults);
		CPPUNIT_ASSERT(servers[2].elicitation == Nash::ElicitationPolicy::Decline);
		CPPUNIT_ASSERT(servers[3].elicitation == Nash::ElicitationPolicy::None);
		expectIniError("[mcp.x]\ncommand = a\nelicitation = ask\n", "mcp.x.elicitation");

		auto json = Nash::McpServerSettings::fromJson(R"({"mcpServers": {
			"a": {"command": "x", "elicitation": "defaults"},
			"b": {"command": "x"}}})");
		CPPUNIT_ASSERT(json[0].elicitation == Nash::ElicitationPolicy::Defaults);
		CPPUNIT_ASSERT(json[1].elicitation == Nash::ElicitationPolicy::None);
		expectJsonError(R"({"mcpServers": {"a": {"command": "x", "elicitation": "always"}}})", "mcpServers.a.elicitation");
		expectJsonError(R"({"mcpServers": {"a": {"command": "x", "elicitation": {}}}})", "mcpServers.a.elicitation");
	}

	void testJsonFile()
	{
		std::string dir = NashTest::makeTempDir("mcp-settings");
		std::string path = dir + "/mcp.json";
		NashTest::writeFile(path, R"({"mcpServers": {"demo": {"command": "mcp_demo_server"}}})");
		auto servers = Nash::McpServerSettings::fromJsonFile(path);
		CPPUNIT_ASSERT_EQUAL(std::size_t(1), servers.size());
		CPPUNIT_ASSERT_EQUAL(std::string("demo"), servers[0].name);
		CPPUNIT_ASSERT_THROW(Nash::McpServerSettings::fromJsonFile(dir + "/missing.json"), Poco::FileNotFoundException);
		NashTest::writeFile(path, "{");
		try
		{
			Nash::McpServerSettings::fromJsonFile(path);
			CPPUNIT_FAIL("broken JSON must be refused");
		}
		catch (Poco::DataFormatException& exc)
		{
			CPPUNIT_ASSERT(exc.message().find(path) != std::string::npos);
		}
	}

	void testExpandEnvironment()
	{
		Poco::Environment::set("NASH_MCP_TEST_A", "alpha");
		CPPUNIT_ASSERT_EQUAL(std::string("x-alpha-y"), Nash::McpServerSettings::expandEnvironment("x-${NASH_MCP_TEST_A}-y"));
		CPPUNIT_ASSERT_EQUAL(std::string("alphaalpha"), Nash::McpServerSettings::expandEnvironment("${NASH_MCP_TEST_A}${NASH_MCP_TEST_A}"));
		CPPUNIT_ASSERT_EQUAL(std::string("[]"), Nash::McpServerSettings::expandEnvironment("[${NASH_MCP_TEST_SURELY_UNSET}]"));
		CPPUNIT_ASSERT_EQUAL(std::string("${NASH_MCP_TEST_A}"), Nash::McpServerSettings::expandEnvironment("$${NASH_MCP_TEST_A}"));
		CPPUNIT_ASSERT_EQUAL(std::string("${open"), Nash::McpServerSettings::expandEnvironment("${open"));
		CPPUNIT_ASSERT_EQUAL(std::string("$HOME"), Nash::McpServerSettings::expandEnvironment("$HOME"));
	}

	void testSplitCommandLine()
	{
		using V = std::vector<std::string>;
		CPPUNIT_ASSERT(Nash::McpServerSettings::splitCommandLine("  a  b\tc ") == V({"a", "b", "c"}));
		CPPUNIT_ASSERT(Nash::McpServerSettings::splitCommandLine(R"(a "b c" 'd "e"' f\ g "")") == V({"a", "b c", "d \"e\"", "f g", ""}));
		CPPUNIT_ASSERT(Nash::McpServerSettings::splitCommandLine("").empty());
		CPPUNIT_ASSERT_THROW(Nash::McpServerSettings::splitCommandLine("'open"), Poco::SyntaxException);
	}

private:
	static std::vector<Nash::McpServerSettings> fromIni(const std::string& text)
	{
		std::istringstream in(text);
		Poco::AutoPtr<Poco::Util::IniFileConfiguration> config(new Poco::Util::IniFileConfiguration(in));
		return Nash::McpServerSettings::fromConfiguration(*config);
	}

	static void expectIniError(const std::string& text, const std::string& key)
	{
		try
		{
			fromIni(text);
			CPPUNIT_FAIL("must be refused: " + text);
		}
		catch (Poco::InvalidArgumentException& exc)
		{
			CPPUNIT_ASSERT_MESSAGE(exc.message() + " should name " + key, exc.message().find(key) != std::string::npos);
		}
	}

	static void expectJsonError(const std::string& text, const std::string& key)
	{
		try
		{
			Nash::McpServerSettings::fromJson(text, "test.json");
			CPPUNIT_FAIL("must be refused: " + text);
		}
		catch (Poco::DataFormatException& exc)
		{
			CPPUNIT_ASSERT_MESSAGE(exc.message() + " should name " + key, exc.message().find(key) != std::string::npos);
			CPPUNIT_ASSERT_MESSAGE(exc.message(), exc.message().find("test.json") != std::string::npos);
		}
	}
};


CPPUNIT_TEST_SUITE_REGISTRATION(McpServerSettingsTest);
