//
// RequestHeadLimitsTest.cpp
//
// Heads parsed by Poco itself, so that the statuses follow Poco's wording.
//


#include "core/HttpError.h"
#include "core/RequestHeadLimits.h"
#include "Poco/Net/HTTPRequest.h"
#include <cppunit/extensions/HelperMacros.h>
#include <sstream>


using Nash::RequestHeadLimits;


namespace {


int statusOfParsing(const std::string& head)
{
	std::istringstream in(head);
	Poco::Net::HTTPRequest request;
	try
	{
		request.read(in);
	}
	catch (Poco::Net::MessageException& exc)
	{
		return RequestHeadLimits::parseErrorStatus(exc);
	}
	return 0;
}


std::string fields(int count, std::size_t valueBytes)
{
	std::string text;
	for (int i = 0; i < count; ++i) text += "X-" + std::to_string(i) + ": " + std::string(valueBytes, 'v') + "\r\n";
	return text;
}


} // namespace


class RequestHeadLimitsTest: public CppUnit::TestFixture
{
	CPPUNIT_TEST_SUITE(RequestHeadLimitsTest);
	CPPUNIT_TEST(testPocosOwnLimits);
	CPPUNIT_TEST(testConfiguredLimits);
	CPPUNIT_TEST_SUITE_END();

public:
	void testPocosOwnLimits()
	{
		CPPUNIT_ASSERT_EQUAL(0, statusOfParsing("GET / HTTP/1.1\r\n" + fields(100, 10) + "\r\n"));
		CPPUNIT_ASSERT_EQUAL(431, statusOfParsing("GET / HTTP/1.1\r\n" + fields(101, 10) + "\r\n"));
		CPPUNIT_ASSERT_EQUAL(431, statusOfParsing("GET / HTTP/1.1\r\n" + fields(1, 9000) + "\r\n"));
		CPPUNIT_ASSERT_EQUAL(431, statusOfParsing("GET / HTTP/1.1\r\nX-" + std::string(300, 'n') + ": v\r\n\r\n"));
		CPPUNIT_ASSERT_EQUAL(414, statusOfParsing("GET /" + std::string(17000, 'a') + " HTTP/1.1\r\n\r\n"));
		CPPUNIT_ASSERT_EQUAL(400, statusOfParsing("GET / HTTP/9.99999\r\n\r\n"));
	}

	void testConfiguredLimits()
	{
		Poco::Net::HTTPRequest request("GET", "/health", "HTTP/1.1");
		for (int i = 0; i < 5; ++i) request.add("X-" + std::to_string(i), std::string(100, 'v'));
		// "GET /health HTTP/1.1\r\n" is 22 bytes, each field 3 + 2 + 100 + 2.
		CPPUNIT_ASSERT_EQUAL(std::size_t(22 + 5 * 107), RequestHeadLimits::headBytes(request));
		RequestHeadLimits(5, 1024).check(request);
		try
		{
			RequestHeadLimits(4, 1024).check(request);
			CPPUNIT_FAIL("5 fields passed a limit of 4");
		}
		catch (Nash::HttpError& exc)
		{
			CPPUNIT_ASSERT_EQUAL(431, exc.status());
			CPPUNIT_ASSERT(exc.message().find("server.max_header_fields") != std::string::npos);
		}
		try
		{
			RequestHeadLimits(100, 500).check(request);
			CPPUNIT_FAIL("557 bytes passed a limit of 500");
		}
		catch (Nash::HttpError& exc)
		{
			CPPUNIT_ASSERT_EQUAL(431, exc.status());
			CPPUNIT_ASSERT(exc.message().find("server.max_header_bytes") != std::string::npos);
		}
	}
};


CPPUNIT_TEST_SUITE_REGISTRATION(RequestHeadLimitsTest);
