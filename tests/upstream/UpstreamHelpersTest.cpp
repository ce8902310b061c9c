//
// UpstreamHelpersTest.cpp
//


#include "NashUpstream/ModelCatalog.h"
#include "NashUpstream/UpstreamClient.h"
#include "NashUpstream/UpstreamError.h"
#include "NashUpstream/UpstreamSettings.h"
#include "Poco/AutoPtr.h"
#include "Poco/Util/MapConfiguration.h"
#include <cppunit/extensions/HelperMacros.h>


namespace {


Poco::AutoPtr<Poco::Util::MapConfiguration> section(const std::map<std::string, std::string>& values)
{
	Poco::AutoPtr<Poco::Util::MapConfiguration> config(new Poco::Util::MapConfiguration);
	for (const auto& value: values) config->setString(value.first, value.second);
	return config;
}


} // namespace


class UpstreamHelpersTest: public CppUnit::TestFixture
{
	CPPUNIT_TEST_SUITE(UpstreamHelpersTest);
	CPPUNIT_TEST(testErrorMessagesOfTheUsualShapes);
	CPPUNIT_TEST(testRedaction);
	CPPUNIT_TEST(testSettings);
	CPPUNIT_TEST(testBadSettingsNameTheKey);
	CPPUNIT_TEST(testRetryAfter);
	CPPUNIT_TEST(testModelCatalog);
	CPPUNIT_TEST_SUITE_END();

public:
	void testErrorMessagesOfTheUsualShapes()
	{
		using NashUpstream::UpstreamError;
		CPPUNIT_ASSERT_EQUAL(std::string("Incorrect API key"), UpstreamError::messageOfBody("{\"error\": {\"message\": \"Incorrect API key\", \"type\": \"invalid_request_error\"}}"));
		CPPUNIT_ASSERT_EQUAL(std::string("model not found"), UpstreamError::messageOfBody("{\"error\": \"model not found\"}"));
		CPPUNIT_ASSERT_EQUAL(std::string("Bad Gateway"), UpstreamError::messageOfBody("  Bad Gateway \n"));
		CPPUNIT_ASSERT_EQUAL(std::string("OpenAI answered 401 Unauthorized: Incorrect API key"),
			UpstreamError::describeStatus("OpenAI", 401, "Unauthorized", "{\"error\": {\"message\": \"Incorrect API key\"}}"));
		CPPUNIT_ASSERT_EQUAL(std::size_t(203), UpstreamError::snippet(std::string(500, 'a')).size());
	}

	void testRedaction()
	{
		CPPUNIT_ASSERT_EQUAL(std::string("key [redacted] is wrong, [redacted]!"),
			NashUpstream::UpstreamError::redact("key sk-secret-1 is wrong, sk-secret-1!", {"sk-secret-1", ""}));
	}

	void testSettings()
	{
		auto config = section({{"base_url", "http://127.0.0.1:9999/v1/"}, {"idle_timeout_ms", "2500"}, {"max_retries", "0"},
			{"header.X-Title", "nash"}, {"tls_verify", "false"}});
		auto settings = NashUpstream::UpstreamSettings::read(*config, "https://example.invalid/v1");
		CPPUNIT_ASSERT_EQUAL(std::string("127.0.0.1"), settings.baseUri.getHost());
		CPPUNIT_ASSERT_EQUAL(2500LL, static_cast<long long>(settings.idleTimeout.totalMilliseconds()));
		CPPUNIT_ASSERT_EQUAL(0, settings.maxRetries);
		CPPUNIT_ASSERT(!settings.verifyTls);
		CPPUNIT_ASSERT_EQUAL(std::size_t(1), settings.headers.size());
		CPPUNIT_ASSERT_EQUAL(std::string("X-Title"), settings.headers[0].first);
		auto defaults = NashUpstream::UpstreamSettings::read(*section({}), "https://api.example.com/v1");
		CPPUNIT_ASSERT_EQUAL(std::string("https"), defaults.baseUri.getScheme());
		CPPUNIT_ASSERT(defaults.verifyTls);
	}

	void testBadSettingsNameTheKey()
	{
		for (const auto& bad: std::map<std::string, std::string>{{"base_url", "ftp://x"}, {"idle_timeout_ms", "soon"}, {"tls_verify", "perhaps"}, {"max_retries", "-1"}})
		{
			try
			{
				NashUpstream::UpstreamSettings::read(*section({bad}), "http://127.0.0.1/");
				CPPUNIT_FAIL("accepted " + bad.first + " = " + bad.second);
			}
			catch (Poco::InvalidArgumentException& exc)
			{
				CPPUNIT_ASSERT(exc.message().find(bad.first) != std::string::npos);
			}
		}
	}

	void testRetryAfter()
	{
		Poco::Net::NameValueCollection headers;
		CPPUNIT_ASSERT_EQUAL(-1L, NashUpstream::UpstreamClient::retryAfterMilliseconds(headers));
		headers.set("Retry-After", "2");
		CPPUNIT_ASSERT_EQUAL(2000L, NashUpstream::UpstreamClient::retryAfterMilliseconds(headers));
		headers.set("Retry-After", "Wed, 21 Oct 2015 07:28:00 GMT");
		CPPUNIT_ASSERT_EQUAL(0L, NashUpstream::UpstreamClient::retryAfterMilliseconds(headers));
		CPPUNIT_ASSERT(NashUpstream::UpstreamClient::isRetryable(429));
		CPPUNIT_ASSERT(NashUpstream::UpstreamClient::isRetryable(503));
		CPPUNIT_ASSERT(!NashUpstream::UpstreamClient::isRetryable(401));
	}

	void testModelCatalog()
	{
		auto catalog = NashUpstream::ModelCatalog::read(*section({{"models", "a, b"}}), "z");
		CPPUNIT_ASSERT_EQUAL(std::string("a"), catalog.defaultModel);
		catalog = NashUpstream::ModelCatalog::read(*section({{"models", "a"}, {"default_model", "c"}}), "z");
		CPPUNIT_ASSERT_EQUAL(std::size_t(2), catalog.models.size());
		CPPUNIT_ASSERT_EQUAL(std::string("c"), catalog.models[0]);
		CPPUNIT_ASSERT_EQUAL(std::string("z"), NashUpstream::ModelCatalog::read(*section({}), "z").defaultModel);
	}
};


CPPUNIT_TEST_SUITE_REGISTRATION(UpstreamHelpersTest);
