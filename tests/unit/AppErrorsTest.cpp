//
// AppErrorsTest.cpp
//


#include "core/api/app/AppErrors.h"
#include <cppunit/extensions/HelperMacros.h>


namespace {


Nash::ChatOutcome refused(int status, const std::string& message = "refused", Nash::ErrorKind kind = Nash::ErrorKind::UpstreamFailed)
{
	Nash::ChatOutcome outcome;
	outcome.complete = false;
	outcome.upstreamStatus = status;
	outcome.error.message = message;
	outcome.error.kind = kind;
	return outcome;
}


Nash::ChatOutcome failed(Nash::ErrorKind kind, const std::string& message = "failed")
{
	return refused(0, message, kind);
}


} // namespace


class AppErrorsTest: public CppUnit::TestFixture
{
	CPPUNIT_TEST_SUITE(AppErrorsTest);
	CPPUNIT_TEST(testByStatus);
	CPPUNIT_TEST(testContextWindowExceeded);
	CPPUNIT_TEST(testStatusWinsOverKind);
	CPPUNIT_TEST(testByKind);
	CPPUNIT_TEST(testText);
	CPPUNIT_TEST_SUITE_END();

public:
	void testByStatus()
	{
		CPPUNIT_ASSERT_EQUAL(std::string("BadRequestError"), Nash::AppErrors::className(refused(400, "messages: field required")));
		CPPUNIT_ASSERT_EQUAL(std::string("AuthenticationError"), Nash::AppErrors::className(refused(401)));
		CPPUNIT_ASSERT_EQUAL(std::string("PermissionDeniedError"), Nash::AppErrors::className(refused(403)));
		CPPUNIT_ASSERT_EQUAL(std::string("NotFoundError"), Nash::AppErrors::className(refused(404)));
		CPPUNIT_ASSERT_EQUAL(std::string("Timeout"), Nash::AppErrors::className(refused(408)));
		CPPUNIT_ASSERT_EQUAL(std::string("UnprocessableEntityError"), Nash::AppErrors::className(refused(422)));
		CPPUNIT_ASSERT_EQUAL(std::string("RateLimitError"), Nash::AppErrors::className(refused(429)));
		CPPUNIT_ASSERT_EQUAL(std::string("InternalServerError"), Nash::AppErrors::className(refused(500)));
		CPPUNIT_ASSERT_EQUAL(std::string("InternalServerError"), Nash::AppErrors::className(refused(502)));
		CPPUNIT_ASSERT_EQUAL(std::string("ServiceUnavailableError"), Nash::AppErrors::className(refused(503)));
		CPPUNIT_ASSERT_EQUAL(std::string("InternalServerError"), Nash::AppErrors::className(refused(529)));
		// Other 4xx are bad requests.
		CPPUNIT_ASSERT_EQUAL(std::string("BadRequestError"), Nash::AppErrors::className(refused(413)));
	}

	void testContextWindowExceeded()
	{
		CPPUNIT_ASSERT_EQUAL(std::string("ContextWindowExceededError"),
			Nash::AppErrors::className(refused(400, "invalid_request_error: prompt is too long: 210000 tokens > 200000 maximum")));
		CPPUNIT_ASSERT_EQUAL(std::string("ContextWindowExceededError"), Nash::AppErrors::className(refused(400, "Prompt Is Too Long")));
		CPPUNIT_ASSERT_EQUAL(std::string("ContextWindowExceededError"),
			Nash::AppErrors::className(refused(400, "This model's maximum context length is 128000 tokens (context_length_exceeded)")));
		// Only with 400.
		CPPUNIT_ASSERT_EQUAL(std::string("InternalServerError"), Nash::AppErrors::className(refused(500, "prompt is too long")));
	}

	void testStatusWinsOverKind()
	{
		CPPUNIT_ASSERT_EQUAL(std::string("RateLimitError"), Nash::AppErrors::className(refused(429, "slow down", Nash::ErrorKind::TimedOut)));
		CPPUNIT_ASSERT_EQUAL(std::string("AuthenticationError"), Nash::AppErrors::className(refused(401, "invalid x-api-key", Nash::ErrorKind::BadRequest)));
	}

	void testByKind()
	{
		CPPUNIT_ASSERT_EQUAL(std::string("Timeout"), Nash::AppErrors::className(failed(Nash::ErrorKind::TimedOut)));
		CPPUNIT_ASSERT_EQUAL(std::string("APIConnectionError"), Nash::AppErrors::className(failed(Nash::ErrorKind::UpstreamFailed)));
		CPPUNIT_ASSERT_EQUAL(std::string("APIConnectionError"), Nash::AppErrors::className(failed(Nash::ErrorKind::ClientGone)));
		CPPUNIT_ASSERT_EQUAL(std::string("ServiceUnavailableError"), Nash::AppErrors::className(failed(Nash::ErrorKind::Overloaded)));
		CPPUNIT_ASSERT_EQUAL(std::string("RateLimitError"), Nash::AppErrors::className(failed(Nash::ErrorKind::RateLimited)));
		CPPUNIT_ASSERT_EQUAL(std::string("AuthenticationError"), Nash::AppErrors::className(failed(Nash::ErrorKind::Unauthorized)));
		CPPUNIT_ASSERT_EQUAL(std::string("PermissionDeniedError"), Nash::AppErrors::className(failed(Nash::ErrorKind::Forbidden)));
		CPPUNIT_ASSERT_EQUAL(std::string("NotFoundError"), Nash::AppErrors::className(failed(Nash::ErrorKind::NotFound)));
		CPPUNIT_ASSERT_EQUAL(std::string("BadRequestError"), Nash::AppErrors::className(failed(Nash::ErrorKind::BadRequest)));
		CPPUNIT_ASSERT_EQUAL(std::string("BadRequestError"), Nash::AppErrors::className(failed(Nash::ErrorKind::TooLarge)));
		CPPUNIT_ASSERT_EQUAL(std::string("APIError"), Nash::AppErrors::className(failed(Nash::ErrorKind::Internal)));
	}

	void testText()
	{
		CPPUNIT_ASSERT_EQUAL(std::string("RateLimitError: too many requests"), Nash::AppErrors::text(refused(429, "too many requests")));
		CPPUNIT_ASSERT_EQUAL(std::string("Timeout: no answer in 600 s"), Nash::AppErrors::text(failed(Nash::ErrorKind::TimedOut, "no answer in 600 s")));
	}
};


CPPUNIT_TEST_SUITE_REGISTRATION(AppErrorsTest);
