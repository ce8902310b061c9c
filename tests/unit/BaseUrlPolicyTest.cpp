//
// BaseUrlPolicyTest.cpp
//


#include "core/api/app/BaseUrlPolicy.h"
#include "Poco/Exception.h"
#include <cppunit/extensions/HelperMacros.h>


class BaseUrlPolicyTest: public CppUnit::TestFixture
{
	CPPUNIT_TEST_SUITE(BaseUrlPolicyTest);
	CPPUNIT_TEST(testExactMatch);
	CPPUNIT_TEST(testPathPrefix);
	CPPUNIT_TEST(testTrailingSlash);
	CPPUNIT_TEST(testSchemePortHostMismatch);
	CPPUNIT_TEST(testDefaultPortEquivalence);
	CPPUNIT_TEST(testUserInfoQueryFragment);
	CPPUNIT_TEST(testDotSegmentsAndDoubleSlashes);
	CPPUNIT_TEST(testHostCase);
	CPPUNIT_TEST(testNotUrls);
	CPPUNIT_TEST(testInvalidEntriesThrow);
	CPPUNIT_TEST(testEmptyListAllowsNothing);
	CPPUNIT_TEST_SUITE_END();

public:
	void testExactMatch()
	{
		Nash::BaseUrlPolicy policy({"https://api.anthropic.com"});
		CPPUNIT_ASSERT(policy.allows("https://api.anthropic.com"));
		CPPUNIT_ASSERT(policy.allows("https://api.anthropic.com/"));
		CPPUNIT_ASSERT(policy.allows("  https://api.anthropic.com  "));
		// A host without a path allows every path of it.
		CPPUNIT_ASSERT(policy.allows("https://api.anthropic.com/v1"));
		CPPUNIT_ASSERT(policy.allows("https://api.anthropic.com/v1/messages"));
		CPPUNIT_ASSERT_EQUAL(std::size_t(1), policy.allowed().size());
		CPPUNIT_ASSERT_EQUAL(std::string("https://api.anthropic.com"), policy.allowed()[0]);
	}

	void testPathPrefix()
	{
		Nash::BaseUrlPolicy policy({"https://h/proxy"});
		CPPUNIT_ASSERT(policy.allows("https://h/proxy"));
		CPPUNIT_ASSERT(policy.allows("https://h/proxy/"));
		CPPUNIT_ASSERT(policy.allows("https://h/proxy/v1"));
		CPPUNIT_ASSERT(policy.allows("https://h/proxy/v1/messages"));
		CPPUNIT_ASSERT(!policy.allows("https://h/proxyx"));
		CPPUNIT_ASSERT(!policy.allows("https://h/proxyx/v1"));
		CPPUNIT_ASSERT(!policy.allows("https://h/prox"));
		CPPUNIT_ASSERT(!policy.allows("https://h/"));
		CPPUNIT_ASSERT(!policy.allows("https://h"));
		CPPUNIT_ASSERT(!policy.allows("https://h/other/proxy"));
		// Paths are case-sensitive.
		CPPUNIT_ASSERT(!policy.allows("https://h/Proxy"));
	}

	void testTrailingSlash()
	{
		Nash::BaseUrlPolicy policy({"https://h/proxy/"});
		CPPUNIT_ASSERT(policy.allows("https://h/proxy"));
		CPPUNIT_ASSERT(policy.allows("https://h/proxy/"));
		CPPUNIT_ASSERT(policy.allows("https://h/proxy/v1"));
		CPPUNIT_ASSERT(!policy.allows("https://h/proxyx"));

		Nash::BaseUrlPolicy root({"https://h/"});
		CPPUNIT_ASSERT(root.allows("https://h"));
		CPPUNIT_ASSERT(root.allows("https://h/anything"));
	}

	void testSchemePortHostMismatch()
	{
		Nash::BaseUrlPolicy policy({"https://api.anthropic.com"});
		CPPUNIT_ASSERT(!policy.allows("http://api.anthropic.com"));
		CPPUNIT_ASSERT(!policy.allows("https://api.anthropic.com:8443"));
		CPPUNIT_ASSERT(!policy.allows("https://api.anthropic.com:80"));
		CPPUNIT_ASSERT(!policy.allows("https://evil.example"));
		CPPUNIT_ASSERT(!policy.allows("https://api.anthropic.com.evil.example"));
		CPPUNIT_ASSERT(!policy.allows("https://anthropic.com"));
		CPPUNIT_ASSERT(!policy.allows("https://x.api.anthropic.com"));
		CPPUNIT_ASSERT(!policy.allows("ftp://api.anthropic.com"));

		Nash::BaseUrlPolicy local({"http://localhost:8080"});
		CPPUNIT_ASSERT(local.allows("http://localhost:8080"));
		CPPUNIT_ASSERT(local.allows("http://localhost:8080/v1"));
		CPPUNIT_ASSERT(!local.allows("http://localhost"));
		CPPUNIT_ASSERT(!local.allows("http://localhost:80"));
		CPPUNIT_ASSERT(!local.allows("http://localhost:8081"));
		CPPUNIT_ASSERT(!local.allows("https://localhost:8080"));
		CPPUNIT_ASSERT(!local.allows("http://127.0.0.1:8080"));
	}

	void testDefaultPortEquivalence()
	{
		Nash::BaseUrlPolicy https({"https://h"});
		CPPUNIT_ASSERT(https.allows("https://h:443"));
		CPPUNIT_ASSERT(https.allows("https://h:443/v1"));
		Nash::BaseUrlPolicy httpsWithPort({"https://h:443/proxy"});
		CPPUNIT_ASSERT(httpsWithPort.allows("https://h/proxy"));
		CPPUNIT_ASSERT(httpsWithPort.allows("https://h:443/proxy/v1"));
		CPPUNIT_ASSERT(!httpsWithPort.allows("http://h/proxy"));
		Nash::BaseUrlPolicy http({"http://h"});
		CPPUNIT_ASSERT(http.allows("http://h:80"));
		CPPUNIT_ASSERT(!http.allows("http://h:443"));
	}

	void testUserInfoQueryFragment()
	{
		Nash::BaseUrlPolicy policy({"https://h/proxy"});
		CPPUNIT_ASSERT(!policy.allows("https://user:secret@h/proxy"));
		CPPUNIT_ASSERT(!policy.allows("https://user@h/proxy"));
		CPPUNIT_ASSERT(!policy.allows("https://@h/proxy"));
		CPPUNIT_ASSERT(!policy.allows("https://h/proxy?x=1"));
		CPPUNIT_ASSERT(!policy.allows("https://h/proxy?"));
		CPPUNIT_ASSERT(!policy.allows("https://h/proxy#frag"));
		CPPUNIT_ASSERT(!policy.allows("https://h/proxy#"));
		CPPUNIT_ASSERT(!policy.allows("https://h/proxy/v1?key=abc#x"));
		// The host of "h@evil" is evil.
		CPPUNIT_ASSERT(!policy.allows("https://h@evil.example/proxy"));
	}

	void testDotSegmentsAndDoubleSlashes()
	{
		Nash::BaseUrlPolicy policy({"https://h/proxy"});
		CPPUNIT_ASSERT(!policy.allows("https://h/proxy/../admin"));
		CPPUNIT_ASSERT(!policy.allows("https://h/proxy/.."));
		CPPUNIT_ASSERT(!policy.allows("https://h/proxy/./v1"));
		CPPUNIT_ASSERT(!policy.allows("https://h/proxy//v1"));
		CPPUNIT_ASSERT(!policy.allows("https://h/proxy/%2e%2e/admin"));
		CPPUNIT_ASSERT(!policy.allows("https://h/proxy/%2E%2E"));
		CPPUNIT_ASSERT(!policy.allows("https://h/proxy%2F..%2Fadmin"));
		CPPUNIT_ASSERT(!policy.allows("https://h/proxy/..\\admin"));
		CPPUNIT_ASSERT(!policy.allows("https://h/proxy\\..\\admin"));

		Nash::BaseUrlPolicy host({"https://h"});
		CPPUNIT_ASSERT(!host.allows("https://h/../x"));
		CPPUNIT_ASSERT(!host.allows("https://h//x"));
	}

	void testHostCase()
	{
		Nash::BaseUrlPolicy policy({"https://api.anthropic.com/proxy"});
		CPPUNIT_ASSERT(policy.allows("https://API.Anthropic.COM/proxy"));
		CPPUNIT_ASSERT(policy.allows("HTTPS://api.anthropic.com/proxy/v1"));
		Nash::BaseUrlPolicy upper({"https://API.ANTHROPIC.COM"});
		CPPUNIT_ASSERT(upper.allows("https://api.anthropic.com/v1"));
	}

	void testNotUrls()
	{
		Nash::BaseUrlPolicy policy({"https://h"});
		CPPUNIT_ASSERT(!policy.allows(""));
		CPPUNIT_ASSERT(!policy.allows("   "));
		CPPUNIT_ASSERT(!policy.allows("h"));
		CPPUNIT_ASSERT(!policy.allows("//h/proxy"));
		CPPUNIT_ASSERT(!policy.allows("https://"));
		CPPUNIT_ASSERT(!policy.allows("https:///x"));
		CPPUNIT_ASSERT(!policy.allows("file:///etc/passwd"));
		CPPUNIT_ASSERT(!policy.allows("https://h:99999"));
	}

	void testInvalidEntriesThrow()
	{
		CPPUNIT_ASSERT_THROW(Nash::BaseUrlPolicy({"ftp://h"}), Poco::InvalidArgumentException);
		CPPUNIT_ASSERT_THROW(Nash::BaseUrlPolicy({"not a url"}), Poco::InvalidArgumentException);
		CPPUNIT_ASSERT_THROW(Nash::BaseUrlPolicy({"https://h?x=1"}), Poco::InvalidArgumentException);
		CPPUNIT_ASSERT_THROW(Nash::BaseUrlPolicy({"https://user@h"}), Poco::InvalidArgumentException);
		CPPUNIT_ASSERT_THROW(Nash::BaseUrlPolicy({"https://h", "h"}), Poco::InvalidArgumentException);
		try
		{
			Nash::BaseUrlPolicy({"ftp://files.example"});
			CPPUNIT_FAIL("ftp must be refused");
		}
		catch (Poco::InvalidArgumentException& exc)
		{
			CPPUNIT_ASSERT(exc.message().find("ftp://files.example") != std::string::npos);
		}
	}

	void testEmptyListAllowsNothing()
	{
		Nash::BaseUrlPolicy none({});
		CPPUNIT_ASSERT(!none.allows("https://api.anthropic.com"));
		Nash::BaseUrlPolicy blank({"", "  "});
		CPPUNIT_ASSERT(!blank.allows("https://api.anthropic.com"));
		CPPUNIT_ASSERT(blank.allowed().empty());

		Nash::BaseUrlPolicy two({"https://api.anthropic.com", "https://api.openai.com"});
		CPPUNIT_ASSERT(two.allows("https://api.anthropic.com"));
		CPPUNIT_ASSERT(two.allows("https://api.openai.com/v1"));
		CPPUNIT_ASSERT(!two.allows("https://api.example.com"));
	}
};


CPPUNIT_TEST_SUITE_REGISTRATION(BaseUrlPolicyTest);
