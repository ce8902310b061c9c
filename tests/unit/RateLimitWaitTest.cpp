//
// RateLimitWaitTest.cpp
//


#include "core/chat/RateLimitWait.h"
#include "Poco/DateTime.h"
#include "Poco/Net/NameValueCollection.h"
#include "Poco/String.h"
#include <cppunit/extensions/HelperMacros.h>
#include <cmath>


class RateLimitWaitTest: public CppUnit::TestFixture
{
	CPPUNIT_TEST_SUITE(RateLimitWaitTest);
	CPPUNIT_TEST(testRequestsExhausted);
	CPPUNIT_TEST(testEightHeadersAreNotEnough);
	CPPUNIT_TEST(testRemainingAboveTenPercent);
	CPPUNIT_TEST(testExactlyTenPercentWaits);
	CPPUNIT_TEST(testFirstLowKindDecides);
	CPPUNIT_TEST(testMalformedReset);
	CPPUNIT_TEST(testMalformedNumbersAreIgnored);
	CPPUNIT_TEST(testResetInThePast);
	CPPUNIT_TEST(testFractionalSeconds);
	CPPUNIT_TEST(testTimeZoneOffset);
	CPPUNIT_TEST(testHeaderNamesAreCaseInsensitive);
	CPPUNIT_TEST_SUITE_END();

public:
	static Poco::Timestamp now()
	{
		// 2026-01-01T00:00:00Z
		return Poco::DateTime(2026, 1, 1, 0, 0, 0).timestamp();
	}

	static Poco::Net::NameValueCollection headers(const std::string& requestsRemaining, const std::string& requestsReset)
		/// All nine, tokens plentiful, requests as given (limit 50).
	{
		Poco::Net::NameValueCollection result;
		result.set("anthropic-ratelimit-input-tokens-limit", "40000");
		result.set("anthropic-ratelimit-input-tokens-remaining", "39000");
		result.set("anthropic-ratelimit-input-tokens-reset", "2026-01-01T00:00:09Z");
		result.set("anthropic-ratelimit-output-tokens-limit", "8000");
		result.set("anthropic-ratelimit-output-tokens-remaining", "8000");
		result.set("anthropic-ratelimit-output-tokens-reset", "2026-01-01T00:00:09Z");
		result.set("anthropic-ratelimit-requests-limit", "50");
		result.set("anthropic-ratelimit-requests-remaining", requestsRemaining);
		result.set("anthropic-ratelimit-requests-reset", requestsReset);
		return result;
	}

	void testRequestsExhausted()
	{
		double wait = Nash::RateLimitWait::seconds(headers("0", "2026-01-01T00:00:02Z"), now());
		CPPUNIT_ASSERT_DOUBLES_EQUAL(2.0, wait, 0.001);
	}

	void testEightHeadersAreNotEnough()
	{
		static const char* const names[] = {
			"anthropic-ratelimit-input-tokens-limit", "anthropic-ratelimit-input-tokens-remaining", "anthropic-ratelimit-input-tokens-reset",
			"anthropic-ratelimit-output-tokens-limit", "anthropic-ratelimit-output-tokens-remaining", "anthropic-ratelimit-output-tokens-reset",
			"anthropic-ratelimit-requests-limit", "anthropic-ratelimit-requests-remaining", "anthropic-ratelimit-requests-reset"};
		for (const char* name: names)
		{
			Poco::Net::NameValueCollection eight = headers("0", "2026-01-01T00:00:02Z");
			eight.erase(name);
			CPPUNIT_ASSERT_EQUAL_MESSAGE(std::string("without ") + name, 0.0, Nash::RateLimitWait::seconds(eight, now()));
		}
		CPPUNIT_ASSERT_EQUAL(0.0, Nash::RateLimitWait::seconds(Poco::Net::NameValueCollection(), now()));
		// retry-after is not one of them.
		Poco::Net::NameValueCollection retry = headers("0", "2026-01-01T00:00:02Z");
		retry.erase("anthropic-ratelimit-requests-reset");
		retry.set("retry-after", "5");
		CPPUNIT_ASSERT_EQUAL(0.0, Nash::RateLimitWait::seconds(retry, now()));
	}

	void testRemainingAboveTenPercent()
	{
		CPPUNIT_ASSERT_EQUAL(0.0, Nash::RateLimitWait::seconds(headers("6", "2026-01-01T00:00:02Z"), now()));
		CPPUNIT_ASSERT_EQUAL(0.0, Nash::RateLimitWait::seconds(headers("50", "2026-01-01T00:00:02Z"), now()));
	}

	void testExactlyTenPercentWaits()
	{
		CPPUNIT_ASSERT_DOUBLES_EQUAL(2.0, Nash::RateLimitWait::seconds(headers("5", "2026-01-01T00:00:02Z"), now()), 0.001);
	}

	void testFirstLowKindDecides()
	{
		// Input tokens low (reset in 7 s) and requests low (reset in 2 s):
		// input tokens come first.
		Poco::Net::NameValueCollection both = headers("0", "2026-01-01T00:00:02Z");
		both.set("anthropic-ratelimit-input-tokens-remaining", "100");
		both.set("anthropic-ratelimit-input-tokens-reset", "2026-01-01T00:00:07Z");
		CPPUNIT_ASSERT_DOUBLES_EQUAL(7.0, Nash::RateLimitWait::seconds(both, now()), 0.001);

		// Output tokens low: its reset, not the requests'.
		Poco::Net::NameValueCollection output = headers("0", "2026-01-01T00:00:02Z");
		output.set("anthropic-ratelimit-output-tokens-remaining", "0");
		output.set("anthropic-ratelimit-output-tokens-reset", "2026-01-01T00:00:04Z");
		CPPUNIT_ASSERT_DOUBLES_EQUAL(4.0, Nash::RateLimitWait::seconds(output, now()), 0.001);
	}

	void testMalformedReset()
	{
		CPPUNIT_ASSERT_EQUAL(0.0, Nash::RateLimitWait::seconds(headers("0", "soon"), now()));
		CPPUNIT_ASSERT_EQUAL(0.0, Nash::RateLimitWait::seconds(headers("0", ""), now()));
		CPPUNIT_ASSERT_EQUAL(0.0, Nash::RateLimitWait::seconds(headers("0", "2026-13-45T99:00:00Z"), now()));
		CPPUNIT_ASSERT_EQUAL(0.0, Nash::RateLimitWait::seconds(headers("0", "2s"), now()));
		// Poco's parser alone would fill in what is missing: a wait of years.
		CPPUNIT_ASSERT_EQUAL(0.0, Nash::RateLimitWait::seconds(headers("0", "2030"), now()));
		CPPUNIT_ASSERT_EQUAL(0.0, Nash::RateLimitWait::seconds(headers("0", "x2026-01-01T00:00:05Z"), now()));
		CPPUNIT_ASSERT_EQUAL(0.0, Nash::RateLimitWait::seconds(headers("0", "2026-01-01T00:00:05Zjunk"), now()));
	}

	void testMalformedNumbersAreIgnored()
	{
		// Unreadable counts are no reason to wait (nor to fail).
		CPPUNIT_ASSERT_EQUAL(0.0, Nash::RateLimitWait::seconds(headers("none", "2026-01-01T00:00:02Z"), now()));
		Poco::Net::NameValueCollection limit = headers("0", "2026-01-01T00:00:02Z");
		limit.set("anthropic-ratelimit-requests-limit", "many");
		CPPUNIT_ASSERT_EQUAL(0.0, Nash::RateLimitWait::seconds(limit, now()));
	}

	void testResetInThePast()
	{
		CPPUNIT_ASSERT_EQUAL(0.0, Nash::RateLimitWait::seconds(headers("0", "2025-12-31T23:59:58Z"), now()));
		CPPUNIT_ASSERT_EQUAL(0.0, Nash::RateLimitWait::seconds(headers("0", "2026-01-01T00:00:00Z"), now()));
	}

	void testFractionalSeconds()
	{
		CPPUNIT_ASSERT_DOUBLES_EQUAL(1.5, Nash::RateLimitWait::seconds(headers("0", "2026-01-01T00:00:01.500Z"), now()), 0.001);
		CPPUNIT_ASSERT_DOUBLES_EQUAL(0.25, Nash::RateLimitWait::seconds(headers("0", "2026-01-01T00:00:00.250000Z"), now()), 0.001);
	}

	void testTimeZoneOffset()
	{
		CPPUNIT_ASSERT_DOUBLES_EQUAL(3.0, Nash::RateLimitWait::seconds(headers("0", "2026-01-01T01:00:03+01:00"), now()), 0.001);
		CPPUNIT_ASSERT_DOUBLES_EQUAL(3.0, Nash::RateLimitWait::seconds(headers("0", "2026-01-01T00:00:03+00:00"), now()), 0.001);
	}

	void testHeaderNamesAreCaseInsensitive()
	{
		Poco::Net::NameValueCollection mixed;
		Poco::Net::NameValueCollection given = headers("0", "2026-01-01T00:00:02Z");
		for (const auto& header: given) mixed.set(Poco::toUpper(header.first), header.second);
		CPPUNIT_ASSERT_DOUBLES_EQUAL(2.0, Nash::RateLimitWait::seconds(mixed, now()), 0.001);
	}
};


CPPUNIT_TEST_SUITE_REGISTRATION(RateLimitWaitTest);
