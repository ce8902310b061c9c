//
// OAuthTransportTest.cpp
//
// The http transport behind McpManager against a server that requires
// OAuth: the flows end to end, offline (the conformance suite covers the
// variants of discovery and client authentication).
//


#include "FakeOAuthMcpServer.h"
#include "HeadlessAuthorizationAgent.h"
#include "HttpTransport.h"
#include "McpError.h"
#include "McpManager.h"
#include "Poco/AutoPtr.h"
#include "Poco/JSON/Parser.h"
#include "Poco/Util/MapConfiguration.h"
#include <algorithm>
#include <cppunit/extensions/HelperMacros.h>


using namespace std::chrono_literals;
using NashTest::FakeOAuthMcpServer;


class OAuthTransportTest: public CppUnit::TestFixture
{
	CPPUNIT_TEST_SUITE(OAuthTransportTest);
	CPPUNIT_TEST(testAuthorizationCodeWithDynamicRegistration);
	CPPUNIT_TEST(testClientCredentials);
	CPPUNIT_TEST(testRefreshTokenRenewsRejectedToken);
	CPPUNIT_TEST(testForeignResourceMetadataRefused);
	CPPUNIT_TEST(testNoRedirectUriConfigured);
	CPPUNIT_TEST_SUITE_END();

public:
	void tearDown() override
	{
		_manager.reset();
		_server.reset();
	}

	void testAuthorizationCodeWithDynamicRegistration()
	{
		_server.reset(new FakeOAuthMcpServer);
		start({{"oauth.redirect_uri", "http://127.0.0.1:9/callback"}});
		CPPUNIT_ASSERT_EQUAL(std::size_t(1), tools());
		auto seen = _server->seen();
		CPPUNIT_ASSERT_EQUAL(1, seen.registrations);
		CPPUNIT_ASSERT_EQUAL(1, seen.authorizations);
		CPPUNIT_ASSERT(!seen.pkceMismatch);
		CPPUNIT_ASSERT(seen.grants == std::vector<std::string>{"authorization_code"});
		for (const auto& resource: seen.resources) CPPUNIT_ASSERT_EQUAL(_server->url(), resource);
		// Only the first POST went without the token.
		CPPUNIT_ASSERT_EQUAL(std::string("-"), seen.mcpAuthorizations.front());
		for (std::size_t i = 1; i < seen.mcpAuthorizations.size(); ++i)
			CPPUNIT_ASSERT_EQUAL(std::string("Bearer tok-1"), seen.mcpAuthorizations[i]);
	}

	void testClientCredentials()
	{
		_server.reset(new FakeOAuthMcpServer);
		start({{"oauth.grant", "client_credentials"}, {"oauth.client_id", "cc-client"}, {"oauth.client_secret", "cc secret"}});
		CPPUNIT_ASSERT_EQUAL(std::size_t(1), tools());
		auto seen = _server->seen();
		CPPUNIT_ASSERT_EQUAL(0, seen.registrations);
		CPPUNIT_ASSERT_EQUAL(0, seen.authorizations);
		CPPUNIT_ASSERT(seen.grants == std::vector<std::string>{"client_credentials"});
		std::size_t before = seen.mcpAuthorizations.size();
		_manager->stop();
		// The GET stream (if any) and the end of the session carry it too.
		seen = _server->seen();
		for (std::size_t i = 1; i < seen.mcpAuthorizations.size(); ++i)
			CPPUNIT_ASSERT_EQUAL(std::string("Bearer tok-1"), seen.mcpAuthorizations[i]);
		CPPUNIT_ASSERT(seen.mcpAuthorizations.size() >= before);
	}

	void testRefreshTokenRenewsRejectedToken()
	{
		_server.reset(new FakeOAuthMcpServer(true));
		start({{"oauth.redirect_uri", "http://127.0.0.1:9/callback"}});
		CPPUNIT_ASSERT_EQUAL(std::size_t(1), tools());
		_server->revokeTokens();
		Nash::CancellationToken token;
		_manager->call("ping", new Poco::JSON::Object, token);
		auto seen = _server->seen();
		CPPUNIT_ASSERT_EQUAL(1, seen.authorizations);
		CPPUNIT_ASSERT((seen.grants == std::vector<std::string>{"authorization_code", "refresh_token"}));
		CPPUNIT_ASSERT_EQUAL(std::string("Bearer tok-2"), seen.mcpAuthorizations.back());
	}

	void testForeignResourceMetadataRefused()
	{
		_server.reset(new FakeOAuthMcpServer(false, "https://evil.example.com/mcp"));
		start({{"oauth.redirect_uri", "http://127.0.0.1:9/callback"}});
		std::string error = failure();
		CPPUNIT_ASSERT(error.find("not for this server") != std::string::npos);
		CPPUNIT_ASSERT_EQUAL(0, _server->seen().authorizations);
		CPPUNIT_ASSERT_EQUAL(0, _server->seen().registrations);
	}

	void testNoRedirectUriConfigured()
	{
		_server.reset(new FakeOAuthMcpServer);
		start({});
		CPPUNIT_ASSERT(failure().find("oauth.redirect_uri") != std::string::npos);
	}

private:
	void start(const std::map<std::string, std::string>& extra)
	{
		Nash::McpServerSettings settings;
		settings.name = "oauth";
		settings.transport = "http";
		settings.plugin = "mcp_http";
		settings.requestTimeout = 5s;
		settings.toolTimeout = 5s;
		Poco::AutoPtr<Poco::Util::MapConfiguration> section(new Poco::Util::MapConfiguration);
		section->setString("url", _server->url());
		section->setString("connect_timeout", "2");
		for (const auto& entry: extra) section->setString(entry.first, entry.second);
		settings.transportConfig = section;
		_manager.reset(new Nash::McpManager({settings}, [](const std::string&)
		{
			std::unique_ptr<Nash::HttpTransport> transport(new Nash::HttpTransport);
			transport->setAuthorizationAgent(std::make_shared<Nash::HeadlessAuthorizationAgent>());
			return std::unique_ptr<Nash::McpTransport>(std::move(transport));
		}));
		_manager->start();
	}

	std::size_t tools()
	{
		Nash::CancellationToken token;
		return _manager->call("list_tools", new Poco::JSON::Object, token).extract<Poco::JSON::Object::Ptr>()->getArray("tools")->size();
	}

	std::string failure()
	{
		try
		{
			tools();
		}
		catch (Nash::McpError& exc)
		{
			return exc.message();
		}
		CPPUNIT_FAIL("the call succeeded");
		return std::string();
	}

	std::unique_ptr<FakeOAuthMcpServer> _server;
	std::unique_ptr<Nash::McpManager> _manager;
};


CPPUNIT_TEST_SUITE_REGISTRATION(OAuthTransportTest);
