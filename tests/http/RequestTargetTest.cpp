//
// RequestTargetTest.cpp
//


#include "core/http/RequestTarget.h"
#include <cppunit/extensions/HelperMacros.h>


using Nash::RequestTarget;


class RequestTargetTest: public CppUnit::TestFixture
{
	CPPUNIT_TEST_SUITE(RequestTargetTest);
	CPPUNIT_TEST(testForms);
	CPPUNIT_TEST(testAuthority);
	CPPUNIT_TEST_SUITE_END();

public:
	void testForms()
	{
		for (const char* target: {"/", "/v1/mcp/list_tools", "/a?b=c&d=%20e", "/a:b@c!$&'()*+,;=-._~", "http://localhost/x", "HTTPS://h:1?q", "http://h"})
			CPPUNIT_ASSERT_MESSAGE(target, RequestTarget::problem("GET", target).empty());
		CPPUNIT_ASSERT(RequestTarget::problem("OPTIONS", "*").empty());
		for (const char* target: {"*", "/a#b", "/a b", "/%", "/%g0", "/a\"b", "/<", "x", "ftp://h/", "http://u@h/", "http:///x", "http://h x/", "/\x01"})
			CPPUNIT_ASSERT_MESSAGE(target, !RequestTarget::problem("GET", target).empty());
	}

	void testAuthority()
	{
		CPPUNIT_ASSERT_EQUAL(std::string("h:1"), RequestTarget::authority("http://h:1/x?y"));
		CPPUNIT_ASSERT_EQUAL(std::string("h"), RequestTarget::authority("https://h?y"));
		CPPUNIT_ASSERT_EQUAL(std::string(), RequestTarget::authority("/x"));
	}
};


CPPUNIT_TEST_SUITE_REGISTRATION(RequestTargetTest);
