//
// OAuthTest.cpp
//
// The parts of the mcp_http plugin's OAuth client that need no server:
// WWW-Authenticate parsing, the discovery URLs, PKCE, scope selection and
// the oauth.* settings; and the redirect listener of the gateway.
//


#include "LoopbackAuthorizationAgent.h"
#include "OAuthDiscovery.h"
#include "OAuthScope.h"
#include "OAuthSettings.h"
#include "Pkce.h"
#include "WwwAuthenticate.h"
#include "Poco/AutoPtr.h"
#include "Poco/Exception.h"
#include "Poco/Net/HTTPClientSession.h"
#include "Poco/Net/HTTPRequest.h"
#include "Poco/Net/HTTPResponse.h"
#include "Poco/Net/ServerSocket.h"
#include "Poco/Util/MapConfiguration.h"
#include <cppunit/extensions/HelperMacros.h>


namespace {


std::vector<std::string> strings(const std::vector<Poco::URI>& uris)
{
	std::vector<std::string> result;
	for (const auto& uri: uris) result.push_back(uri.toString());
	return result;
}


int freePort()
{
	Poco::Net::ServerSocket socket(Poco::Net::SocketAddress("127.0.0.1", 0));
	return socket.address().port();
}


int browse(int port, const std::string& target)
{
	Poco::Net::HTTPClientSession session("127.0.0.1", static_cast<Poco::UInt16>(port));
	Poco::Net::HTTPRequest request(Poco::Net::HTTPRequest::HTTP_GET, target, Poco::Net::HTTPMessage::HTTP_1_1);
	session.sendRequest(request);
	Poco::Net::HTTPResponse response;
	session.receiveResponse(response).ignore(1 << 16);
	return response.getStatus();
}


} // namespace


class OAuthTest: public CppUnit::TestFixture
{
	CPPUNIT_TEST_SUITE(OAuthTest);
	CPPUNIT_TEST(bearerChallengeWithQuotedParameters);
	CPPUNIT_TEST(bearerAmongOtherChallenges);
	CPPUNIT_TEST(challengeWithoutBearer);
	CPPUNIT_TEST(insufficientScope);
	CPPUNIT_TEST(resourceMetadataUrls);
	CPPUNIT_TEST(authorizationServerMetadataUrls);
	CPPUNIT_TEST(canonicalResourceAndCoverage);
	CPPUNIT_TEST(pkceChallengeOfRfc7636);
	CPPUNIT_TEST(pkceVerifierShape);
	CPPUNIT_TEST(scopeSelection);
	CPPUNIT_TEST(scopeStepUp);
	CPPUNIT_TEST(settings);
	CPPUNIT_TEST(settingsErrors);
	CPPUNIT_TEST(loopbackRedirectOutlivesAGivenUpCaller);
	CPPUNIT_TEST(loopbackTimeout);
	CPPUNIT_TEST_SUITE_END();

public:
	void bearerChallengeWithQuotedParameters()
	{
		auto parsed = Nash::WwwAuthenticate::parse(
			"Bearer error=\"invalid_token\", error_description=\"Missing \\\"Authorization\\\", header\", "
			"resource_metadata=\"http://localhost:1234/.well-known/oauth-protected-resource/mcp\"");
		CPPUNIT_ASSERT(parsed.isBearer());
		CPPUNIT_ASSERT_EQUAL(std::string("invalid_token"), parsed.error());
		CPPUNIT_ASSERT_EQUAL(std::string("Missing \"Authorization\", header"), parsed.param("ERROR_DESCRIPTION"));
		CPPUNIT_ASSERT_EQUAL(std::string("http://localhost:1234/.well-known/oauth-protected-resource/mcp"), parsed.resourceMetadata());
		CPPUNIT_ASSERT_EQUAL(std::string(), parsed.scope());
	}

	void bearerAmongOtherChallenges()
	{
		auto parsed = Nash::WwwAuthenticate::parse("Basic realm=\"x\", Negotiate abc==, bearer scope=\"a b\",realm=api");
		CPPUNIT_ASSERT(parsed.isBearer());
		CPPUNIT_ASSERT_EQUAL(std::string("a b"), parsed.scope());
		CPPUNIT_ASSERT_EQUAL(std::string("api"), parsed.param("realm"));
	}

	void challengeWithoutBearer()
	{
		auto parsed = Nash::WwwAuthenticate::parse("Basic realm=\"x\"");
		CPPUNIT_ASSERT(!parsed.isBearer());
		CPPUNIT_ASSERT_EQUAL(std::string(), parsed.param("realm"));
		CPPUNIT_ASSERT(!Nash::WwwAuthenticate::parse("").isBearer());
	}

	void insufficientScope()
	{
		auto parsed = Nash::WwwAuthenticate::parse("Bearer scope=\"mcp:basic mcp:write\", error=\"insufficient_scope\"");
		CPPUNIT_ASSERT(parsed.insufficientScope());
		CPPUNIT_ASSERT_EQUAL(std::string("mcp:basic mcp:write"), parsed.scope());
	}

	void resourceMetadataUrls()
	{
		std::vector<std::string> expected{
			"http://localhost:8080/custom/prm.json",
			"http://localhost:8080/.well-known/oauth-protected-resource/mcp",
			"http://localhost:8080/.well-known/oauth-protected-resource"};
		CPPUNIT_ASSERT(expected == strings(Nash::OAuthDiscovery::protectedResourceMetadataUrls(
			Poco::URI("http://localhost:8080/mcp/?x=1"), "/custom/prm.json")));
		std::vector<std::string> root{"https://example.com/.well-known/oauth-protected-resource"};
		CPPUNIT_ASSERT(root == strings(Nash::OAuthDiscovery::protectedResourceMetadataUrls(Poco::URI("https://example.com/"), "")));
	}

	void authorizationServerMetadataUrls()
	{
		std::vector<std::string> plain{
			"https://auth.example.com/.well-known/oauth-authorization-server",
			"https://auth.example.com/.well-known/openid-configuration"};
		CPPUNIT_ASSERT(plain == strings(Nash::OAuthDiscovery::authorizationServerMetadataUrls(Poco::URI("https://auth.example.com"))));
		std::vector<std::string> tenant{
			"https://auth.example.com/.well-known/oauth-authorization-server/tenant1",
			"https://auth.example.com/.well-known/openid-configuration/tenant1",
			"https://auth.example.com/tenant1/.well-known/openid-configuration"};
		CPPUNIT_ASSERT(tenant == strings(Nash::OAuthDiscovery::authorizationServerMetadataUrls(Poco::URI("https://auth.example.com/tenant1/"))));
	}

	void canonicalResourceAndCoverage()
	{
		CPPUNIT_ASSERT_EQUAL(std::string("https://mcp.example.com/mcp"), Nash::OAuthDiscovery::canonicalResource(Poco::URI("HTTPS://MCP.example.com:443/mcp/")));
		CPPUNIT_ASSERT_EQUAL(std::string("http://localhost:3000"), Nash::OAuthDiscovery::canonicalResource(Poco::URI("http://localhost:3000/")));
		Poco::URI server("http://localhost:3000/api/mcp");
		CPPUNIT_ASSERT(Nash::OAuthDiscovery::resourceCovers("http://localhost:3000/api/mcp", server));
		CPPUNIT_ASSERT(Nash::OAuthDiscovery::resourceCovers("http://localhost:3000/api", server));
		CPPUNIT_ASSERT(Nash::OAuthDiscovery::resourceCovers("http://localhost:3000/", server));
		CPPUNIT_ASSERT(!Nash::OAuthDiscovery::resourceCovers("http://localhost:3000/ap", server));
		CPPUNIT_ASSERT(!Nash::OAuthDiscovery::resourceCovers("https://evil.example.com/api/mcp", server));
		CPPUNIT_ASSERT(!Nash::OAuthDiscovery::resourceCovers("http://localhost:3001/api/mcp", server));
	}

	void pkceChallengeOfRfc7636()
	{
		// RFC 7636 Appendix B.
		CPPUNIT_ASSERT_EQUAL(std::string("E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"),
			Nash::Pkce::challenge("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"));
	}

	void pkceVerifierShape()
	{
		std::string verifier = Nash::Pkce::newVerifier();
		CPPUNIT_ASSERT_EQUAL(std::size_t(43), verifier.size());
		CPPUNIT_ASSERT(verifier.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~") == std::string::npos);
		CPPUNIT_ASSERT(verifier != Nash::Pkce::newVerifier());
	}

	void scopeSelection()
	{
		std::vector<std::string> supported{"mcp:basic", "mcp:read", "mcp:write"};
		CPPUNIT_ASSERT_EQUAL(std::string("files:read"), Nash::OAuthScope::select(" files:read ", "configured", supported));
		CPPUNIT_ASSERT_EQUAL(std::string("configured"), Nash::OAuthScope::select("", "configured", supported));
		CPPUNIT_ASSERT_EQUAL(std::string("mcp:basic mcp:read mcp:write"), Nash::OAuthScope::select("", "", supported));
		CPPUNIT_ASSERT_EQUAL(std::string(), Nash::OAuthScope::select("", "", {}));
	}

	void scopeStepUp()
	{
		CPPUNIT_ASSERT_EQUAL(std::string("mcp:basic mcp:write"), Nash::OAuthScope::merge("mcp:basic", "mcp:basic mcp:write"));
		CPPUNIT_ASSERT_EQUAL(std::string("a"), Nash::OAuthScope::merge("", "a a"));
		CPPUNIT_ASSERT(Nash::OAuthScope::covers("a b c", "c a"));
		CPPUNIT_ASSERT(!Nash::OAuthScope::covers("a b", "a d"));
		CPPUNIT_ASSERT(Nash::OAuthScope::covers("", ""));
	}

	void settings()
	{
		Poco::AutoPtr<Poco::Util::MapConfiguration> section(new Poco::Util::MapConfiguration);
		CPPUNIT_ASSERT(Nash::OAuthSettings::read("s", *section).enabled);
		section->setString("headers.Authorization", "Bearer x");
		CPPUNIT_ASSERT(!Nash::OAuthSettings::read("s", *section).enabled);
		section->setString("oauth.enabled", "true");
		section->setString("oauth.grant", "client_credentials");
		section->setString("oauth.client_id", "gateway");
		section->setString("oauth.client_secret", "pre-${NASH_OAUTH_TEST_UNSET_VARIABLE}-$${x}");
		section->setString("oauth.authorization_timeout", "1.5");
		Nash::OAuthSettings settings = Nash::OAuthSettings::read("s", *section);
		CPPUNIT_ASSERT(settings.enabled);
		CPPUNIT_ASSERT(settings.grant == Nash::OAuthSettings::CLIENT_CREDENTIALS);
		CPPUNIT_ASSERT_EQUAL(std::string("pre--${x}"), settings.clientSecret);
		CPPUNIT_ASSERT(settings.authorizationTimeout == std::chrono::milliseconds(1500));
	}

	void settingsErrors()
	{
		auto fails = [](const std::string& key, const std::string& value)
		{
			Poco::AutoPtr<Poco::Util::MapConfiguration> section(new Poco::Util::MapConfiguration);
			section->setString(key, value);
			try
			{
				Nash::OAuthSettings::read("s", *section);
			}
			catch (Poco::InvalidArgumentException& exc)
			{
				return exc.message().find(key) != std::string::npos;
			}
			return false;
		};
		CPPUNIT_ASSERT(fails("oauth.grant", "password"));
		CPPUNIT_ASSERT(fails("oauth.client_metadata_url", "http://example.com/client.json"));
		CPPUNIT_ASSERT(fails("oauth.redirect_uri", "callback"));
		CPPUNIT_ASSERT(fails("oauth.authorization_timeout", "-1"));
		CPPUNIT_ASSERT(fails("oauth.signing_algorithm", "HS256"));
		CPPUNIT_ASSERT(fails("oauth.private_key_file", "/nonexistent/key.pem"));
		CPPUNIT_ASSERT(fails("oauth.token_endpoint_auth_method", "magic"));
	}

	void loopbackRedirectOutlivesAGivenUpCaller()
	{
		int port = freePort();
		Nash::AuthorizationAgent::Request request;
		request.serverName = "loopback-test";
		request.authorizationUrl = Poco::URI("http://as.example.com/authorize?state=s1");
		request.redirectUri = Poco::URI("http://127.0.0.1:" + std::to_string(port) + "/cb");
		request.timeout = std::chrono::seconds(10);
		auto start = std::chrono::steady_clock::now();
		request.cancelled = [start] { return std::chrono::steady_clock::now() - start > std::chrono::milliseconds(300); };
		Nash::LoopbackAuthorizationAgent agent;
		CPPUNIT_ASSERT_EQUAL(std::string(), agent.authorize(request));

		// The caller gave up; the browser still finds the listener.
		CPPUNIT_ASSERT_EQUAL(404, browse(port, "/favicon.ico"));
		CPPUNIT_ASSERT_EQUAL(200, browse(port, "/cb?code=abc&state=s1"));
		request.cancelled = [] { return false; };
		CPPUNIT_ASSERT_EQUAL("http://127.0.0.1:" + std::to_string(port) + "/cb?code=abc&state=s1", agent.authorize(request));
	}

	void loopbackTimeout()
	{
		Nash::AuthorizationAgent::Request request;
		request.serverName = "loopback-test";
		request.authorizationUrl = Poco::URI("http://as.example.com/authorize?state=s2");
		request.redirectUri = Poco::URI("http://127.0.0.1:" + std::to_string(freePort()) + "/cb");
		request.timeout = std::chrono::milliseconds(300);
		Nash::LoopbackAuthorizationAgent agent;
		CPPUNIT_ASSERT_THROW(agent.authorize(request), Poco::TimeoutException);
	}
};


CPPUNIT_TEST_SUITE_REGISTRATION(OAuthTest);
