//
// McpGatewayTest.cpp
//
// /mcp, the MCP gateway over Streamable HTTP, as a client meets it: the real
// llm_server in front of two real demo MCP servers over stdio.
//


#include "HttpTestClient.h"
#include "ServerProcess.h"
#include "TestEnvironment.h"
#include "Poco/JSON/Array.h"
#include "Poco/JSON/Parser.h"
#include "Poco/Path.h"
#include <chrono>
#include <cppunit/extensions/HelperMacros.h>
#include <future>
#include <set>
#include <thread>


using NashTest::HttpResult;
using NashTest::HttpTestClient;
using NashTest::ServerProcess;


class McpGatewayTest: public CppUnit::TestFixture
{
	CPPUNIT_TEST_SUITE(McpGatewayTest);
	CPPUNIT_TEST(testInitializeStartsASession);
	CPPUNIT_TEST(testRequestsNeedTheirSession);
	CPPUNIT_TEST(testSessionEventStream);
	CPPUNIT_TEST(testBrokenCallStreamIsResumed);
	CPPUNIT_TEST(testCollidingNamesAreQualified);
	CPPUNIT_TEST(testPolicyHidesAndRefuses);
	CPPUNIT_TEST(testClientCancelsARequest);
	CPPUNIT_TEST(testSessionBelongsToItsToken);
	CPPUNIT_TEST(testTokenSeesItsTools);
	CPPUNIT_TEST(testBatch);
	CPPUNIT_TEST(testSwitchedOff);
	CPPUNIT_TEST_SUITE_END();

public:
	void testInitializeStartsASession()
	{
		ServerProcess server(options(""));
		server.start();
		HttpTestClient client(server.port());

		HttpResult result = post(client, "", initialize("2025-03-26"));
		CPPUNIT_ASSERT_EQUAL_MESSAGE(result.body, 200, result.status);
		std::string session = result.headers.get("Mcp-Session-Id", "");
		CPPUNIT_ASSERT_EQUAL(std::size_t(36), session.size());
		Poco::JSON::Object::Ptr answer = result.json();
		CPPUNIT_ASSERT_EQUAL(1, answer->getValue<int>("id"));
		Poco::JSON::Object::Ptr initialized = answer->getObject("result");
		CPPUNIT_ASSERT_EQUAL(std::string("2025-03-26"), initialized->getValue<std::string>("protocolVersion"));
		CPPUNIT_ASSERT(initialized->getObject("capabilities")->has("tools"));
		CPPUNIT_ASSERT_EQUAL(std::string("nash-llm-server"), initialized->getObject("serverInfo")->getValue<std::string>("name"));

		// A version we do not speak: we answer with ours, the client decides.
		HttpResult other = post(client, "", initialize("1999-01-01"));
		std::string ours = other.json()->getObject("result")->getValue<std::string>("protocolVersion");
		CPPUNIT_ASSERT(ours >= "2025-06-18");
		CPPUNIT_ASSERT(other.headers.get("Mcp-Session-Id", "") != session);

		CPPUNIT_ASSERT_EQUAL(202, post(client, session, "{\"jsonrpc\": \"2.0\", \"method\": \"notifications/initialized\"}").status);
		HttpResult ping = post(client, session, "{\"jsonrpc\": \"2.0\", \"id\": \"p\", \"method\": \"ping\"}");
		CPPUNIT_ASSERT_EQUAL_MESSAGE(ping.body, 200, ping.status);
		CPPUNIT_ASSERT_EQUAL(std::string("p"), ping.json()->getValue<std::string>("id"));
		CPPUNIT_ASSERT_EQUAL(std::size_t(0), ping.json()->getObject("result")->size());
	}

	void testRequestsNeedTheirSession()
	{
		ServerProcess server(options(""));
		server.start();
		HttpTestClient client(server.port());
		std::string session = open(client);
		const std::string list = "{\"jsonrpc\": \"2.0\", \"id\": 2, \"method\": \"tools/list\"}";

		HttpResult without = post(client, "", list);
		CPPUNIT_ASSERT_EQUAL(400, without.status);
		CPPUNIT_ASSERT(without.json()->getObject("error")->getValue<std::string>("message").find("Mcp-Session-Id") != std::string::npos);
		CPPUNIT_ASSERT_EQUAL(404, post(client, "00000000-0000-4000-8000-000000000000", list).status);
		CPPUNIT_ASSERT_EQUAL(200, post(client, session, list).status);

		// GET is the session's event stream: it needs the session, and takes
		// text/event-stream.
		CPPUNIT_ASSERT_EQUAL(406, client.request("GET", "/mcp", "", "", {{"Accept", "application/json"}, {"Mcp-Session-Id", session}}).status);
		CPPUNIT_ASSERT_EQUAL(400, client.request("GET", "/mcp", "", "", {{"Accept", "text/event-stream"}}).status);
		// A stream that never was cannot be resumed.
		CPPUNIT_ASSERT_EQUAL(410, client.request("GET", "/mcp", "", "", {{"Accept", "text/event-stream"}, {"Mcp-Session-Id", session}, {"Last-Event-ID", "c999-1"}}).status);
		CPPUNIT_ASSERT_EQUAL(400, client.request("GET", "/mcp", "", "", {{"Accept", "text/event-stream"}, {"Mcp-Session-Id", session}, {"Last-Event-ID", "nonsense"}}).status);

		HttpResult invalid = post(client, session, "{\"jsonrpc\": \"2.0\", \"id\": 3, \"method\": ");
		CPPUNIT_ASSERT_EQUAL(400, invalid.status);
		CPPUNIT_ASSERT_EQUAL(-32700, invalid.json()->getObject("error")->getValue<int>("code"));
		HttpResult unknown = post(client, session, "{\"jsonrpc\": \"2.0\", \"id\": 4, \"method\": \"no/such\"}");
		CPPUNIT_ASSERT_EQUAL(-32601, unknown.json()->getObject("error")->getValue<int>("code"));
		HttpResult version = client.request("POST", "/mcp", list, "application/json", {{"Mcp-Session-Id", session}, {"MCP-Protocol-Version", "1999-01-01"}});
		CPPUNIT_ASSERT_EQUAL(400, version.status);

		CPPUNIT_ASSERT_EQUAL(200, client.request("DELETE", "/mcp", "", "", {{"Mcp-Session-Id", session}}).status);
		CPPUNIT_ASSERT_EQUAL(404, post(client, session, list).status);
		CPPUNIT_ASSERT_EQUAL(404, client.request("DELETE", "/mcp", "", "", {{"Mcp-Session-Id", session}}).status);
	}

	void testSessionEventStream()
	{
		ServerProcess server(options(""));
		server.start();
		HttpTestClient client(server.port());
		HttpResult opened = post(client, "", initialize("2025-11-25"));
		std::string session = opened.headers.get("Mcp-Session-Id");
		const std::vector<std::pair<std::string, std::string>> headers{{"Accept", "text/event-stream"}, {"Mcp-Session-Id", session}};

		auto stream = client.openStream("GET", "/mcp", "", headers);
		CPPUNIT_ASSERT_EQUAL(200, stream->status);
		CPPUNIT_ASSERT_EQUAL(std::string("text/event-stream"), stream->headers.get("Content-Type"));
		// 2025-11-25's priming event: an id, a retry time, no data.
		std::string data = "unset";
		CPPUNIT_ASSERT(stream->nextEvent(data));
		CPPUNIT_ASSERT_EQUAL(std::string(""), data);
		// One stream a session: a client that comes back takes it over.
		auto second = client.openStream("GET", "/mcp", "", headers);
		CPPUNIT_ASSERT_EQUAL(200, second->status);
		CPPUNIT_ASSERT(second->nextEvent(data));
		auto started = std::chrono::steady_clock::now();
		while (stream->nextEvent(data))
		{
		}
		CPPUNIT_ASSERT(std::chrono::steady_clock::now() - started < std::chrono::seconds(10));

		// Ending the session ends its stream.
		CPPUNIT_ASSERT_EQUAL(200, client.request("DELETE", "/mcp", "", "", {{"Mcp-Session-Id", session}}).status);
		started = std::chrono::steady_clock::now();
		while (second->nextEvent(data))
		{
		}
		CPPUNIT_ASSERT(std::chrono::steady_clock::now() - started < std::chrono::seconds(10));
	}

	void testBrokenCallStreamIsResumed()
	{
		ServerProcess server(options(""));
		server.start();
		HttpTestClient client(server.port());
		HttpResult opened = post(client, "", initialize("2025-11-25"));
		std::string session = opened.headers.get("Mcp-Session-Id");
		const std::vector<std::pair<std::string, std::string>> headers{{"Accept", "application/json, text/event-stream"}, {"Mcp-Session-Id", session}};

		// A call of two seconds; its connection breaks at once.
		auto call = client.openStream("POST", "/mcp",
			"{\"jsonrpc\": \"2.0\", \"id\": \"r-1\", \"method\": \"tools/call\", \"params\": {\"name\": \"sleep\", \"arguments\": {\"ms\": 2000}}}", headers);
		CPPUNIT_ASSERT_EQUAL(200, call->status);
		std::string data;
		CPPUNIT_ASSERT(call->nextEvent(data));
		std::string primed = call->lastId;
		CPPUNIT_ASSERT_MESSAGE(primed, primed.size() > 2 && primed.substr(primed.size() - 2) == "-0");
		call->disconnect();
		std::this_thread::sleep_for(std::chrono::milliseconds(300));

		// The client comes back for the rest: the call went on, and its
		// answer comes on the resumed stream, which then ends.
		auto resumed = client.openStream("GET", "/mcp", "", {{"Accept", "text/event-stream"}, {"Mcp-Session-Id", session}, {"Last-Event-ID", primed}});
		CPPUNIT_ASSERT_EQUAL(200, resumed->status);
		CPPUNIT_ASSERT(resumed->nextEvent(data));
		Poco::JSON::Object::Ptr answer = Poco::JSON::Parser().parse(data).extract<Poco::JSON::Object::Ptr>();
		CPPUNIT_ASSERT_EQUAL(std::string("r-1"), answer->getValue<std::string>("id"));
		CPPUNIT_ASSERT_MESSAGE(data, data.find("slept 2000 ms") != std::string::npos);
		CPPUNIT_ASSERT(!resumed->nextEvent(data));
		// Resuming after the last event seen gets nothing more.
		std::string last = resumed->lastId;
		auto again = client.openStream("GET", "/mcp", "", {{"Accept", "text/event-stream"}, {"Mcp-Session-Id", session}, {"Last-Event-ID", last}});
		CPPUNIT_ASSERT_EQUAL(200, again->status);
		CPPUNIT_ASSERT(!again->nextEvent(data));
	}

	void testCollidingNamesAreQualified()
	{
		ServerProcess server(options(""));
		server.start();
		HttpTestClient client(server.port());
		std::string session = open(client);

		std::set<std::string> names = toolNames(client, session);
		// Both servers have add; only twin (with its test tools) has pid.
		CPPUNIT_ASSERT(names.count("demo__add"));
		CPPUNIT_ASSERT(names.count("twin__add"));
		CPPUNIT_ASSERT(!names.count("add"));
		CPPUNIT_ASSERT(names.count("pid"));

		Poco::JSON::Object::Ptr sum = call(client, session, "twin__add", "{\"a\": 2, \"b\": 40}");
		CPPUNIT_ASSERT_MESSAGE(text(sum), sum->has("result"));
		CPPUNIT_ASSERT_EQUAL(42, sum->getObject("result")->getObject("structuredContent")->getValue<int>("sum"));
		// The qualified form holds for a name no other server has, too.
		CPPUNIT_ASSERT(call(client, session, "twin__pid", "{}")->has("result"));
		Poco::JSON::Object::Ptr ambiguous = call(client, session, "add", "{\"a\": 1, \"b\": 1}");
		CPPUNIT_ASSERT_EQUAL(-32602, ambiguous->getObject("error")->getValue<int>("code"));

		// The demo servers have no prompts: an empty list, not an error.
		HttpResult prompts = post(client, session, "{\"jsonrpc\": \"2.0\", \"id\": 9, \"method\": \"prompts/list\"}");
		CPPUNIT_ASSERT_EQUAL(std::size_t(0), prompts.json()->getObject("result")->getArray("prompts")->size());
	}

	void testPolicyHidesAndRefuses()
	{
		ServerProcess server(options("gateway_deny = twin/*, demo/list_directory\n"));
		server.start();
		HttpTestClient client(server.port());
		std::string session = open(client);

		std::set<std::string> names = toolNames(client, session);
		CPPUNIT_ASSERT(names.count("add"));
		CPPUNIT_ASSERT(!names.count("pid"));
		CPPUNIT_ASSERT(!names.count("list_directory"));
		CPPUNIT_ASSERT(!names.count("twin__add"));
		CPPUNIT_ASSERT_EQUAL(-32602, call(client, session, "twin__add", "{\"a\": 1, \"b\": 1}")->getObject("error")->getValue<int>("code"));
		CPPUNIT_ASSERT_EQUAL(-32602, call(client, session, "list_directory", "{\"path\": \"/\"}")->getObject("error")->getValue<int>("code"));
		CPPUNIT_ASSERT(call(client, session, "add", "{\"a\": 1, \"b\": 1}")->has("result"));
		// Who called what is logged, never with what.
		CPPUNIT_ASSERT(server.waitForOutput("calls tool 'add' of MCP server 'demo'"));
	}

	void testClientCancelsARequest()
	{
		ServerProcess server(options(""));
		server.start();
		HttpTestClient client(server.port());
		std::string session = open(client);

		auto started = std::chrono::steady_clock::now();
		auto hanging = std::async(std::launch::async, [&] {
			HttpTestClient own(server.port());
			return call(own, session, "twin__hang", "{}", "\"h-1\"");
		});
		std::this_thread::sleep_for(std::chrono::milliseconds(500));
		CPPUNIT_ASSERT_EQUAL(202, post(client, session,
			"{\"jsonrpc\": \"2.0\", \"method\": \"notifications/cancelled\", \"params\": {\"requestId\": \"h-1\", \"reason\": \"user\"}}").status);
		Poco::JSON::Object::Ptr answer = hanging.get();
		CPPUNIT_ASSERT_MESSAGE(text(answer), answer->has("error"));
		CPPUNIT_ASSERT(std::chrono::steady_clock::now() - started < std::chrono::seconds(20));
	}

	void testSessionBelongsToItsToken()
	{
		ServerProcess server(options("", "[auth]\ntokens = token-one-x9-0123456789, token-two-y8-0123456789\n"));
		server.start();
		HttpTestClient client(server.port());
		HttpResult unauthorized = client.request("POST", "/mcp", initialize("2025-06-18"), "application/json");
		CPPUNIT_ASSERT_EQUAL(401, unauthorized.status);
		HttpResult opened = client.request("POST", "/mcp", initialize("2025-06-18"), "application/json", {{"Authorization", "Bearer token-one-x9-0123456789"}});
		CPPUNIT_ASSERT_EQUAL(200, opened.status);
		std::string session = opened.headers.get("Mcp-Session-Id");
		const std::string ping = "{\"jsonrpc\": \"2.0\", \"id\": 1, \"method\": \"ping\"}";
		CPPUNIT_ASSERT_EQUAL(200, client.request("POST", "/mcp", ping, "application/json", {{"Authorization", "Bearer token-one-x9-0123456789"}, {"Mcp-Session-Id", session}}).status);
		CPPUNIT_ASSERT_EQUAL(404, client.request("POST", "/mcp", ping, "application/json", {{"Authorization", "Bearer token-two-y8-0123456789"}, {"Mcp-Session-Id", session}}).status);
	}

	void testTokenSeesItsTools()
	{
		const std::string wide = "token-wide-0123456789";
		const std::string narrow = "token-narrow-0123456789";
		ServerProcess server(options("", "[auth]\ntokens = " + wide + ", " + narrow + "\n"
			"[mcp_access.reporting]\ntoken = " + narrow + "\ntools = demo/*, twin/pid\ndeny = demo/list_directory\n"));
		server.start();
		HttpTestClient client(server.port());
		auto openAs = [&](const std::string& token)
		{
			HttpResult opened = client.request("POST", "/mcp", initialize("2025-06-18"), "application/json", {{"Authorization", "Bearer " + token}});
			CPPUNIT_ASSERT_EQUAL_MESSAGE(opened.body, 200, opened.status);
			return opened.headers.get("Mcp-Session-Id");
		};
		auto namesAs = [&](const std::string& token, const std::string& session)
		{
			HttpResult listed = client.request("POST", "/mcp", "{\"jsonrpc\": \"2.0\", \"id\": 2, \"method\": \"tools/list\"}", "application/json",
				{{"Authorization", "Bearer " + token}, {"Mcp-Session-Id", session}});
			Poco::JSON::Array::Ptr tools = listed.json()->getObject("result")->getArray("tools");
			std::set<std::string> names;
			for (std::size_t i = 0; i < tools->size(); ++i) names.insert(tools->getObject(static_cast<unsigned>(i))->getValue<std::string>("name"));
			return names;
		};
		std::set<std::string> all = namesAs(wide, openAs(wide));
		CPPUNIT_ASSERT(all.count("twin__add") && all.count("demo__list_directory"));
		std::string session = openAs(narrow);
		std::set<std::string> some = namesAs(narrow, session);
		// Only demo's add is left for this token: no collision, no prefix.
		CPPUNIT_ASSERT(some.count("add") && some.count("pid"));
		CPPUNIT_ASSERT(!some.count("twin__add") && !some.count("list_directory") && !some.count("demo__list_directory") && !some.count("twin__echo"));
		CPPUNIT_ASSERT(some.count("echo"));
		HttpResult refused = client.request("POST", "/mcp",
			"{\"jsonrpc\": \"2.0\", \"id\": 3, \"method\": \"tools/call\", \"params\": {\"name\": \"twin__add\", \"arguments\": {\"a\": 1, \"b\": 1}}}",
			"application/json", {{"Authorization", "Bearer " + narrow}, {"Mcp-Session-Id", session}});
		CPPUNIT_ASSERT_EQUAL(-32602, refused.json()->getObject("error")->getValue<int>("code"));
		CPPUNIT_ASSERT(call(client, session, "add", "{\"a\": 1, \"b\": 1}", "4", narrow)->has("result"));
		CPPUNIT_ASSERT(server.waitForOutput("reporting calls tool 'add' of MCP server 'demo'"));

		// A token that is not one of auth.tokens cannot be given lists.
		ServerProcess wrong(options("", "[mcp_access.ghost]\ntoken = not-a-configured-token-123\n"));
		wrong.launch();
		CPPUNIT_ASSERT_EQUAL(78, wrong.waitForExit(20000));
		CPPUNIT_ASSERT(wrong.output().find("mcp_access.ghost.token") != std::string::npos);
	}

	void testBatch()
	{
		ServerProcess server(options(""));
		server.start();
		HttpTestClient client(server.port());
		std::string session = open(client);
		HttpResult result = post(client, session,
			"[{\"jsonrpc\": \"2.0\", \"id\": 1, \"method\": \"ping\"}, {\"jsonrpc\": \"2.0\", \"method\": \"notifications/initialized\"},"
			" {\"jsonrpc\": \"2.0\", \"id\": 2, \"method\": \"tools/call\", \"params\": {\"name\": \"demo__add\", \"arguments\": {\"a\": 1, \"b\": 2}}}]");
		CPPUNIT_ASSERT_EQUAL_MESSAGE(result.body, 200, result.status);
		Poco::JSON::Array::Ptr answers = Poco::JSON::Parser().parse(result.body).extract<Poco::JSON::Array::Ptr>();
		CPPUNIT_ASSERT_EQUAL(std::size_t(2), answers->size());
		CPPUNIT_ASSERT_EQUAL(2, answers->getObject(1)->getValue<int>("id"));
		CPPUNIT_ASSERT(answers->getObject(1)->has("result"));
	}

	void testSwitchedOff()
	{
		ServerProcess server(options("gateway = false\n"));
		server.start();
		HttpTestClient client(server.port());
		HttpResult result = post(client, "", initialize("2025-06-18"));
		CPPUNIT_ASSERT_EQUAL(404, result.status);
		CPPUNIT_ASSERT(result.body.find("[mcp] gateway") != std::string::npos);
	}

private:
	static ServerProcess::Options options(const std::string& mcpSection, const std::string& more = std::string())
	{
		std::string demo = Poco::Path(NashTest::serverBinary()).parent().toString() + "mcp_demo_server";
		ServerProcess::Options options;
		options.iniText =
			"[plugins]\n"
			"path = " + NashTest::pluginDir() + "\n"
			"[mcp]\n" + mcpSection +
			"[mcp.twin]\n"
			"transport = stdio\n"
			"command = " + demo + "\n"
			"args = --test-tools\n"
			"tool_timeout_seconds = 60\n" + more;
		return options;
	}

	static std::string initialize(const std::string& version)
	{
		return "{\"jsonrpc\": \"2.0\", \"id\": 1, \"method\": \"initialize\", \"params\": {\"protocolVersion\": \"" + version +
			"\", \"capabilities\": {}, \"clientInfo\": {\"name\": \"gateway-test\", \"version\": \"1\"}}}";
	}

	static HttpResult post(HttpTestClient& client, const std::string& session, const std::string& body, const std::string& token = std::string())
	{
		std::vector<std::pair<std::string, std::string>> headers{{"Accept", "application/json, text/event-stream"}};
		if (!session.empty()) headers.emplace_back("Mcp-Session-Id", session);
		if (!token.empty()) headers.emplace_back("Authorization", "Bearer " + token);
		return client.request("POST", "/mcp", body, "application/json", headers);
	}

	static std::string open(HttpTestClient& client)
	{
		HttpResult result = post(client, "", initialize("2025-06-18"));
		CPPUNIT_ASSERT_EQUAL_MESSAGE(result.body, 200, result.status);
		std::string session = result.headers.get("Mcp-Session-Id");
		CPPUNIT_ASSERT_EQUAL(202, post(client, session, "{\"jsonrpc\": \"2.0\", \"method\": \"notifications/initialized\"}").status);
		return session;
	}

	static std::set<std::string> toolNames(HttpTestClient& client, const std::string& session)
	{
		HttpResult result = post(client, session, "{\"jsonrpc\": \"2.0\", \"id\": 2, \"method\": \"tools/list\"}");
		CPPUNIT_ASSERT_EQUAL_MESSAGE(result.body, 200, result.status);
		Poco::JSON::Array::Ptr tools = result.json()->getObject("result")->getArray("tools");
		std::set<std::string> names;
		for (std::size_t i = 0; i < tools->size(); ++i) names.insert(tools->getObject(static_cast<unsigned>(i))->getValue<std::string>("name"));
		return names;
	}

	static Poco::JSON::Object::Ptr call(HttpTestClient& client, const std::string& session, const std::string& tool, const std::string& arguments,
		const std::string& id = "7", const std::string& token = std::string())
	{
		HttpResult result = post(client, session, "{\"jsonrpc\": \"2.0\", \"id\": " + id + ", \"method\": \"tools/call\", \"params\": {\"name\": \"" + tool +
			"\", \"arguments\": " + arguments + "}}", token);
		CPPUNIT_ASSERT_EQUAL_MESSAGE(result.body, 200, result.status);
		return answerOf(result);
	}

	static Poco::JSON::Object::Ptr answerOf(const HttpResult& result)
		/// The response, whole or as the last event of a stream.
	{
		if (result.headers.get("Content-Type", "").find("text/event-stream") == std::string::npos) return result.json();
		std::vector<std::string> events = HttpTestClient::dataEvents(result.body);
		CPPUNIT_ASSERT_MESSAGE(result.body, !events.empty());
		return Poco::JSON::Parser().parse(events.back()).extract<Poco::JSON::Object::Ptr>();
	}

	static std::string text(const Poco::JSON::Object::Ptr& object)
	{
		std::ostringstream out;
		object->stringify(out);
		return out.str();
	}
};


CPPUNIT_TEST_SUITE_REGISTRATION(McpGatewayTest);
