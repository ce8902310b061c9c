//
// HostNameTest.cpp
//


#include "core/http/HostName.h"
#include <cppunit/extensions/HelperMacros.h>


using Nash::HostName;


class HostNameTest: public CppUnit::TestFixture
{
	CPPUNIT_TEST_SUITE(HostNameTest);
	CPPUNIT_TEST(testLoopbackNames);
	CPPUNIT_TEST(testFieldSyntax);
	CPPUNIT_TEST(testName);
	CPPUNIT_TEST_SUITE_END();

public:
	void testLoopbackNames()
	{
		for (const char* name: {"localhost", "LOCALHOST", "app.localhost", "a.b.localhost", "127.0.0.1", "127.255.255.254", "127.1.2.3", "::1", "0:0:0:0:0:0:0:1"})
			CPPUNIT_ASSERT_MESSAGE(name, HostName::isLoopback(name));
		for (const char* name: {"127.attacker.example", "127.0.0.1.nip.io", "127.1", "127.0.0", "0177.0.0.1", "127.000.000.001", "127.0.0.256",
		                        "localhost.evil.example", "evil-localhost", ".localhost", "10.0.0.1", "::2", "::ffff:127.0.0.1", "", "0x7f.0.0.1"})
			CPPUNIT_ASSERT_MESSAGE(name, !HostName::isLoopback(name));
	}

	void testFieldSyntax()
	{
		for (const char* value: {"", "localhost", "localhost:8001", "[::1]", "[::1]:80", "127.0.0.1:1", "a-b.example", "%41bc"})
			CPPUNIT_ASSERT_MESSAGE(value, HostName::isValidField(value));
		for (const char* value: {"a b", "user@host", "host:80a", "host:123456", "[::1", "[nope]", "[::1]x", "ho/st", ":80", "%4"})
			CPPUNIT_ASSERT_MESSAGE(value, !HostName::isValidField(value));
	}

	void testName()
	{
		CPPUNIT_ASSERT_EQUAL(std::string("::1"), HostName::name("[::1]:8001"));
		CPPUNIT_ASSERT_EQUAL(std::string("localhost"), HostName::name("LocalHost:80"));
		CPPUNIT_ASSERT_EQUAL(std::string("example"), HostName::name("example"));
	}
};


CPPUNIT_TEST_SUITE_REGISTRATION(HostNameTest);
