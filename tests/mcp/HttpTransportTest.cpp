//
// HttpTransportTest.cpp
//
// The Streamable HTTP transport behind McpManager, against a fake server on
// the loopback: JSON and event-stream answers, headers, sessions that
// expire, a broken-off stream, HTTP errors, an unreachable server.
//


#include "FakeHttpMcpServer.h"
#include "FakeLegacySseServer.h"
#include "HttpTransport.h"
#include "McpError.h"
#include "McpManager.h"
#include "Nash/Plugin.h"
#include "Poco/ClassLoader.h"
#include "TestEnvironment.h"
#include "Poco/PipeStream.h"
#include "Poco/Process.h"
#include "Poco/StreamCopier.h"
#include "Poco/String.h"
#include <iostream>
#include "Poco/AutoPtr.h"
#include "Poco/Environment.h"
#include "Poco/JSON/Parser.h"
#include "Poco/Net/ServerSocket.h"
#include "Poco/Util/MapConfiguration.h"
#include <cppunit/extensions/HelperMacros.h>


using namespace std::chrono_literals;
using NashTest::FakeHttpMcpServer;


namespace {


Poco::JSON::Object::Ptr args(const std::string& json)
{
	Poco::JSON::Parser parser;
	return parser.parse(json).extract<Poco::JSON::Object::Ptr>();
}


std::string text(const Poco::Dynamic::Var& result)
{
	return result.extract<Poco::JSON::Object::Ptr>()->getArray("content")->getObject(0)->getValue<std::string>("text");
}


} // namespace


class HttpTransportTest: public CppUnit::TestFixture
{
	CPPUNIT_TEST_SUITE(HttpTransportTest);
	CPPUNIT_TEST(testJsonAnswersAndHeaders);
	CPPUNIT_TEST(testEventStreamAnswers);
	CPPUNIT_TEST(testExpiredSessionRenewedTransparently);
	CPPUNIT_TEST(testExpiredSessionAnswered400);
	CPPUNIT_TEST(testHttpErrorIsRpcError);
	CPPUNIT_TEST(testOversizedJsonAnswer);
	CPPUNIT_TEST(testOversizedEvent);
	CPPUNIT_TEST(testBrokenStreamResumed);
	CPPUNIT_TEST(testTimedOutRequestReleasesConnection);
	CPPUNIT_TEST(testStandaloneStream);
	CPPUNIT_TEST(testStopDeletesSession);
	CPPUNIT_TEST(testUnreachableServer);
	CPPUNIT_TEST(testTls);
	CPPUNIT_TEST(testLegacySseConfigured);
	CPPUNIT_TEST(testFallbackToLegacySse);
	CPPUNIT_TEST(testLegacyStreamEndRestarts);
	CPPUNIT_TEST(testLegacyOversizedEvent);
	CPPUNIT_TEST(testConfigurationErrors);
	CPPUNIT_TEST(testPluginLibrary);
	CPPUNIT_TEST_SUITE_END();

public:
	void tearDown() override
	{
		_manager.reset();
		_server.reset();
	}

	void testJsonAnswersAndHeaders()
	{
		Poco::Environment::set("NASH_MCP_HTTP_TEST_TOKEN", "s3cret");
		startAgainst(false, {{"headers.Authorization", "Bearer s3cret"}});
		auto tools = call("list_tools").extract<Poco::JSON::Object::Ptr>()->getArray("tools");
		CPPUNIT_ASSERT_EQUAL(std::size_t(4), tools->size());
		CPPUNIT_ASSERT_EQUAL(std::string("fake"), tools->getObject(0)->getValue<std::string>("server"));
		CPPUNIT_ASSERT_EQUAL(std::string("hi"), text(call("call_tool", R"({"tool_name": "echo", "args": {"message": "hi"}})")));
		auto records = _server->records();
		CPPUNIT_ASSERT(records.size() >= 4);
		CPPUNIT_ASSERT_EQUAL(std::string("initialize"), records[0].method);
		CPPUNIT_ASSERT_EQUAL(std::string(), records[0].sessionId);
		CPPUNIT_ASSERT_EQUAL(std::string("notifications/initialized"), records[1].method);
		for (std::size_t i = 0; i < records.size(); ++i)
		{
			CPPUNIT_ASSERT_EQUAL(std::string("Bearer s3cret"), records[i].authorization);
			if (i == 0) continue;
			// After initialize: the session and the negotiated version on everything.
			CPPUNIT_ASSERT_EQUAL(std::string("session-1"), records[i].sessionId);
			CPPUNIT_ASSERT_EQUAL(std::string("2025-11-25"), records[i].protocolVersion);
		}
		auto health = _manager->health()->getObject(0);
		CPPUNIT_ASSERT(health->getValue<bool>("connected"));
		CPPUNIT_ASSERT_EQUAL(std::string("http"), health->getValue<std::string>("transport"));
	}

	void testEventStreamAnswers()
	{
		startAgainst(true, {});
		CPPUNIT_ASSERT_EQUAL(std::size_t(4), call("list_tools").extract<Poco::JSON::Object::Ptr>()->getArray("tools")->size());
		CPPUNIT_ASSERT_EQUAL(std::string("streamed"), text(call("call_tool", R"({"tool_name": "echo", "args": {"message": "streamed"}})")));
		CPPUNIT_ASSERT_EQUAL(std::string("{}"), [this] { std::ostringstream out; call("ping").extract<Poco::JSON::Object::Ptr>()->stringify(out); return out.str(); }());
	}

	void testExpiredSessionRenewedTransparently()
	{
		startAgainst(false, {});
		CPPUNIT_ASSERT_EQUAL(std::string("one"), text(call("call_tool", R"({"tool_name": "echo", "args": {"message": "one"}})")));
		CPPUNIT_ASSERT_EQUAL(1, _server->initializeCount());
		_server->expireSessions();
		// The caller sees nothing of it.
		CPPUNIT_ASSERT_EQUAL(std::string("two"), text(call("call_tool", R"({"tool_name": "echo", "args": {"message": "two"}})")));
		CPPUNIT_ASSERT_EQUAL(2, _server->initializeCount());
		auto records = _server->records();
		CPPUNIT_ASSERT_EQUAL(std::string("session-2"), records.back().sessionId);
		CPPUNIT_ASSERT(_manager->health()->getObject(0)->getValue<bool>("connected"));
		// The renewal told the client its lists may have changed: listed afresh.
		call("list_tools");
		int lists = 0;
		for (const auto& record: _server->records()) if (record.method == "tools/list") ++lists;
		CPPUNIT_ASSERT(lists >= 2);
	}

	void testExpiredSessionAnswered400()
	{
		startAgainst(true, {});
		call("ping");
		_server->expireSessions(400);
		CPPUNIT_ASSERT_EQUAL(std::string("again"), text(call("call_tool", R"({"tool_name": "echo", "args": {"message": "again"}})")));
		CPPUNIT_ASSERT_EQUAL(2, _server->initializeCount());
	}

	void testOversizedJsonAnswer()
	{
		expectOversizedAnswerRefused(false);
	}

	void testOversizedEvent()
	{
		expectOversizedAnswerRefused(true);
	}

	void expectOversizedAnswerRefused(bool eventStreams)
	{
		startAgainst(eventStreams, {{"max_message_size", "4096"}});
		try
		{
			call("call_tool", R"({"tool_name": "echo", "args": {"message": ")" + std::string(10000, 'x') + R"("}})");
			CPPUNIT_FAIL("an answer over max_message_size must fail the call");
		}
		catch (Nash::McpError& exc)
		{
			CPPUNIT_ASSERT_EQUAL(502, exc.httpStatus());
			CPPUNIT_ASSERT(exc.message().find("max_message_size (4096 bytes)") != std::string::npos);
		}
		CPPUNIT_ASSERT_EQUAL(std::string("ok"), text(call("call_tool", R"({"tool_name": "echo", "args": {"message": "ok"}})")));
	}

	void testHttpErrorIsRpcError()
	{
		startAgainst(false, {});
		try
		{
			call("call_tool", R"({"tool_name": "fail"})");
			CPPUNIT_FAIL("an HTTP 500 must fail the call");
		}
		catch (Nash::McpError& exc)
		{
			CPPUNIT_ASSERT_EQUAL(502, exc.httpStatus());
			CPPUNIT_ASSERT(exc.message().find("call_tool") != std::string::npos);
			CPPUNIT_ASSERT(exc.message().find("HTTP 500") != std::string::npos);
			CPPUNIT_ASSERT(exc.message().find("boom") != std::string::npos);
		}
		// The connection survives one bad answer.
		CPPUNIT_ASSERT_EQUAL(std::string("ok"), text(call("call_tool", R"({"tool_name": "echo", "args": {"message": "ok"}})")));
	}

	void testBrokenStreamResumed()
	{
		startAgainst(true, {});
		CPPUNIT_ASSERT_EQUAL(std::string("late"), text(call("call_tool", R"({"tool_name": "drop", "args": {"message": "late"}})")));
		CPPUNIT_ASSERT_EQUAL(1, _server->resumeCount());
	}

	void testStandaloneStream()
	{
		// Requests of the server's own arrive on the GET stream opened after
		// initialize, and are answered by POST: ping with a result, roots/list
		// (which we do not offer) with an error.
		_server.reset(new FakeHttpMcpServer(false));
		_server->pushOnStream(R"({"jsonrpc":"2.0","id":"server-ping-1","method":"ping"})");
		_server->pushOnStream(R"({"jsonrpc":"2.0","id":"server-roots-1","method":"roots/list"})");
		start(_server->url(), {});
		call("list_tools");
		auto answered = [this](const std::string& id)
		{
			for (const auto& record: _server->records())
			{
				if (record.method.empty() && record.id == id) return true;
			}
			return false;
		};
		CPPUNIT_ASSERT(NashTest::waitUntil([&] { return answered("server-ping-1") && answered("server-roots-1"); }, 10s));
	}

	void testTimedOutRequestReleasesConnection()
	{
		// The tool never answers: 504 after the tool timeout, and the
		// connection that waited for it is closed (notifications/cancelled
		// shuts it down) rather than held for the read timeout.
		_server.reset(new FakeHttpMcpServer(true));
		start(_server->url(), {}, 300ms);
		auto started = std::chrono::steady_clock::now();
		try
		{
			call("call_tool", R"({"tool_name": "hang"})");
			CPPUNIT_FAIL("a tool that never answers must time out");
		}
		catch (Nash::McpError& exc)
		{
			CPPUNIT_ASSERT_EQUAL(504, exc.httpStatus());
		}
		CPPUNIT_ASSERT(std::chrono::steady_clock::now() - started < 3s);
		CPPUNIT_ASSERT(NashTest::waitUntil([this] { return _server->abandonedStreams() == 1; }, 5s));
		// The transport is still open: cancelling is no failure of the server.
		CPPUNIT_ASSERT_EQUAL(std::string("fine"), text(call("call_tool", R"({"tool_name": "echo", "args": {"message": "fine"}})")));
		CPPUNIT_ASSERT(_manager->health()->getObject(0)->getValue<bool>("connected"));
	}

	void testStopDeletesSession()
	{
		startAgainst(false, {});
		call("ping");
		CPPUNIT_ASSERT_EQUAL(0, _server->deleteCount());
		_manager->stop();
		CPPUNIT_ASSERT_EQUAL(1, _server->deleteCount());
	}

	void testUnreachableServer()
	{
		int port;
		{
			Poco::Net::ServerSocket socket(Poco::Net::SocketAddress("127.0.0.1", 0));
			port = socket.address().port();
		}
		start("http://user:pw-secret@127.0.0.1:" + std::to_string(port) + "/mcp?token=query-secret", {});
		auto started = std::chrono::steady_clock::now();
		try
		{
			call("list_tools");
			CPPUNIT_FAIL("an unreachable server must be unavailable");
		}
		catch (Nash::McpError& exc)
		{
			CPPUNIT_ASSERT_EQUAL(503, exc.httpStatus());
			CPPUNIT_ASSERT(exc.message().find("cannot reach") != std::string::npos);
			// Credentials in the URL appear in no message (health shows them).
			CPPUNIT_ASSERT(exc.message().find("secret") == std::string::npos);
		}
		CPPUNIT_ASSERT(Poco::JSON::Object::Ptr(_manager->health()->getObject(0))->getValue<std::string>("lastError").find("secret") == std::string::npos);
		CPPUNIT_ASSERT(std::chrono::steady_clock::now() - started < 5s);
	}

	void testLegacySseConfigured()
	{
		NashTest::FakeLegacySseServer legacy;
		start(legacy.url(), {{"legacy_sse", "true"}});
		CPPUNIT_ASSERT_EQUAL(std::size_t(1), call("list_tools").extract<Poco::JSON::Object::Ptr>()->getArray("tools")->size());
		CPPUNIT_ASSERT_EQUAL(std::string("old school"), text(call("call_tool", R"({"tool_name": "echo", "args": {"message": "old school"}})")));
		CPPUNIT_ASSERT_EQUAL(std::string("2024-11-05"), _manager->health()->getObject(0)->getValue<std::string>("protocolVersion"));
		_manager.reset();
	}

	void testFallbackToLegacySse()
	{
		// Configured as Streamable HTTP; the POST of initialize gets 405.
		NashTest::FakeLegacySseServer legacy;
		start(legacy.url(), {});
		CPPUNIT_ASSERT_EQUAL(std::string("fell back"), text(call("call_tool", R"({"tool_name": "echo", "args": {"message": "fell back"}})")));
		CPPUNIT_ASSERT_EQUAL(1, legacy.streamsOpened());
		_manager.reset();
	}

	void testLegacyStreamEndRestarts()
	{
		NashTest::FakeLegacySseServer legacy;
		start(legacy.url(), {{"legacy_sse", "true"}});
		call("ping");
		legacy.endStreams();
		CPPUNIT_ASSERT(NashTest::waitUntil([this] { return !_manager->health()->getObject(0)->getValue<bool>("connected"); }, 5s));
		// The next call opens a new stream.
		CPPUNIT_ASSERT_EQUAL(std::string("again"), text(call("call_tool", R"({"tool_name": "echo", "args": {"message": "again"}})")));
		CPPUNIT_ASSERT_EQUAL(2, legacy.streamsOpened());
		_manager.reset();
	}

	void testLegacyOversizedEvent()
	{
		// HTTP+SSE holds to max_message_size as Streamable HTTP does: the
		// call fails at once, and the stream (every answer of the session)
		// goes on.
		NashTest::FakeLegacySseServer legacy;
		start(legacy.url(), {{"legacy_sse", "true"}, {"max_message_size", "4096"}});
		auto started = std::chrono::steady_clock::now();
		try
		{
			call("call_tool", R"({"tool_name": "echo", "args": {"message": ")" + std::string(100000, 'x') + R"("}})");
			CPPUNIT_FAIL("an event over max_message_size must fail the call");
		}
		catch (Nash::McpError& exc)
		{
			CPPUNIT_ASSERT_EQUAL(502, exc.httpStatus());
			CPPUNIT_ASSERT(exc.message().find("max_message_size (4096 bytes)") != std::string::npos);
		}
		CPPUNIT_ASSERT(std::chrono::steady_clock::now() - started < 3s);
		CPPUNIT_ASSERT_EQUAL(std::string("ok"), text(call("call_tool", R"({"tool_name": "echo", "args": {"message": "ok"}})")));
		CPPUNIT_ASSERT_EQUAL(1, legacy.streamsOpened());
		_manager.reset();
	}

	void testTls()
	{
#ifdef NASH_MCP_HTTP_TLS
		// A self-signed certificate made for this test by the openssl tool.
		std::string dir = NashTest::makeTempDir("mcp-tls");
		Poco::Process::Args opensslArgs = {"req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=127.0.0.1",
			"-keyout", dir + "/key.pem", "-out", dir + "/cert.pem"};
		int rc = -1;
		try
		{
			Poco::Pipe output;
			Poco::ProcessHandle openssl = Poco::Process::launch("openssl", opensslArgs, nullptr, &output, &output);
			Poco::PipeInputStream in(output);
			std::string ignored;
			Poco::StreamCopier::copyToString(in, ignored);
			rc = openssl.wait();
		}
		catch (Poco::Exception&)
		{
		}
		if (rc != 0)
		{
			std::cout << "\nSKIPPED: testTls needs the openssl tool to make a certificate" << std::endl;
			return;
		}
		_server.reset(new FakeHttpMcpServer(true, dir + "/cert.pem", dir + "/key.pem"));
		CPPUNIT_ASSERT_EQUAL(std::string("https"), _server->url().substr(0, 5));
		// Not signed by a known authority: refused ...
		start(_server->url(), {});
		try
		{
			call("list_tools");
			CPPUNIT_FAIL("an untrusted certificate must be refused");
		}
		catch (Nash::McpError& exc)
		{
			CPPUNIT_ASSERT_EQUAL_MESSAGE(exc.message(), 503, exc.httpStatus());
			CPPUNIT_ASSERT_MESSAGE(exc.message(), Poco::toLower(exc.message()).find("certificate") != std::string::npos);
		}
		CPPUNIT_ASSERT_EQUAL(0, _server->initializeCount());
		// ... unless verification is turned off.
		start(_server->url(), {{"tls_verify", "false"}});
		CPPUNIT_ASSERT_EQUAL(std::string("over tls"), text(call("call_tool", R"({"tool_name": "echo", "args": {"message": "over tls"}})")));
#else
		std::cout << "\nSKIPPED: testTls: this build has no TLS (Poco NetSSL)" << std::endl;
#endif
	}

	void testConfigurationErrors()
	{
		Nash::HttpTransport transport;
		Poco::AutoPtr<Poco::Util::MapConfiguration> section(new Poco::Util::MapConfiguration);
		CPPUNIT_ASSERT_THROW(transport.configure("x", *section), Poco::InvalidArgumentException);
		section->setString("url", "ftp://example.invalid/");
		CPPUNIT_ASSERT_THROW(transport.configure("x", *section), Poco::InvalidArgumentException);
		section->setString("url", "http://127.0.0.1:1/mcp");
		section->setString("legacy_sse", "perhaps");
		CPPUNIT_ASSERT_THROW(transport.configure("x", *section), Poco::InvalidArgumentException);
		section->setString("legacy_sse", "false");
		section->setString("connect_timeout", "-3");
		CPPUNIT_ASSERT_THROW(transport.configure("x", *section), Poco::InvalidArgumentException);
		section->remove("connect_timeout");
		transport.configure("x", *section);
	}

	void testPluginLibrary()
	{
		// The plugin as the server loads it: its identity, and a transport
		// made from it that works.
		Poco::ClassLoader<Nash::McpTransport> loader;
		loader.loadLibrary(NASH_MCP_HTTP_PLUGIN);
		Poco::SharedLibrary library(NASH_MCP_HTTP_PLUGIN);
		using Version = int (*)();
		using Text = const char* (*)();
		CPPUNIT_ASSERT_EQUAL(NASH_SDK_VERSION, reinterpret_cast<Version>(library.getSymbol(NASH_PLUGIN_VERSION_SYMBOL))());
		CPPUNIT_ASSERT_EQUAL(std::string(NASH_PLUGIN_KIND_MCP_TRANSPORT), std::string(reinterpret_cast<Text>(library.getSymbol(NASH_PLUGIN_KIND_SYMBOL))()));
		std::string className = reinterpret_cast<Text>(library.getSymbol(NASH_PLUGIN_CLASS_SYMBOL))();
		CPPUNIT_ASSERT_EQUAL(std::string("Nash::HttpTransport"), className);
		library.unload();
		{
			_server.reset(new FakeHttpMcpServer(true));
			Nash::McpServerSettings settings;
			settings.name = "plugin";
			settings.plugin = "mcp_http";
			Poco::AutoPtr<Poco::Util::MapConfiguration> section(new Poco::Util::MapConfiguration);
			section->setString("url", _server->url());
			settings.transportConfig = section;
			Nash::McpManager manager({settings}, [&loader, &className](const std::string&)
			{
				return std::unique_ptr<Nash::McpTransport>(loader.create(className));
			});
			Nash::CancellationToken token;
			CPPUNIT_ASSERT_EQUAL(std::string("via plugin"), text(manager.call("call_tool", args(R"({"tool_name": "echo", "args": {"message": "via plugin"}})"), token)));
		}
		loader.unloadLibrary(NASH_MCP_HTTP_PLUGIN);
	}

private:
	void startAgainst(bool eventStreams, const std::map<std::string, std::string>& extra)
	{
		_server.reset(new FakeHttpMcpServer(eventStreams));
		start(_server->url(), extra);
	}

	void start(const std::string& url, const std::map<std::string, std::string>& extra, std::chrono::milliseconds toolTimeout = 5s)
	{
		Nash::McpServerSettings settings;
		settings.name = "fake";
		settings.transport = "http";
		settings.plugin = "mcp_http";
		settings.requestTimeout = 5s;
		settings.toolTimeout = toolTimeout;
		Poco::AutoPtr<Poco::Util::MapConfiguration> section(new Poco::Util::MapConfiguration);
		section->setString("url", url);
		section->setString("connect_timeout", "2");
		for (const auto& entry: extra) section->setString(entry.first, entry.second);
		settings.transportConfig = section;
		_manager.reset(new Nash::McpManager({settings}, [](const std::string&)
		{
			return std::unique_ptr<Nash::McpTransport>(new Nash::HttpTransport);
		}));
		_manager->start();
	}

	Poco::Dynamic::Var call(const std::string& method, const std::string& json = "{}")
	{
		Nash::CancellationToken token;
		return _manager->call(method, args(json), token);
	}

	std::unique_ptr<FakeHttpMcpServer> _server;
	std::unique_ptr<Nash::McpManager> _manager;
};


CPPUNIT_TEST_SUITE_REGISTRATION(HttpTransportTest);
