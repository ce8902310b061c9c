//
// SessionIdTest.cpp
//


#include "core/http/HttpError.h"
#include "core/chat/SessionId.h"
#include <cppunit/extensions/HelperMacros.h>
#include <set>


class SessionIdTest: public CppUnit::TestFixture
{
	CPPUNIT_TEST_SUITE(SessionIdTest);
	CPPUNIT_TEST(testGeneratedIdIsLowercaseUuid4);
	CPPUNIT_TEST(testGeneratedIdsDiffer);
	CPPUNIT_TEST(testValidIds);
	CPPUNIT_TEST(testInvalidIds);
	CPPUNIT_TEST(testFromRequest);
	CPPUNIT_TEST_SUITE_END();

public:
	void testGeneratedIdIsLowercaseUuid4()
	{
		std::string id = Nash::SessionId::generate();
		CPPUNIT_ASSERT_EQUAL(std::size_t(36), id.size());
		CPPUNIT_ASSERT_EQUAL('-', id[8]);
		CPPUNIT_ASSERT_EQUAL('-', id[13]);
		CPPUNIT_ASSERT_EQUAL('4', id[14]);
		CPPUNIT_ASSERT(std::string("89ab").find(id[19]) != std::string::npos);
		for (char c: id) CPPUNIT_ASSERT(c == '-' || (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'));
		CPPUNIT_ASSERT(Nash::SessionId::isValid(id));
	}

	void testGeneratedIdsDiffer()
	{
		std::set<std::string> ids;
		for (int i = 0; i < 1000; ++i) ids.insert(Nash::SessionId::generate());
		CPPUNIT_ASSERT_EQUAL(std::size_t(1000), ids.size());
	}

	void testValidIds()
	{
		CPPUNIT_ASSERT(Nash::SessionId::isValid("a"));
		CPPUNIT_ASSERT(Nash::SessionId::isValid("A-z_0.9:x"));
		CPPUNIT_ASSERT(Nash::SessionId::isValid(std::string(128, 'x')));
	}

	void testInvalidIds()
	{
		CPPUNIT_ASSERT(!Nash::SessionId::isValid(""));
		CPPUNIT_ASSERT(!Nash::SessionId::isValid(std::string(129, 'x')));
		CPPUNIT_ASSERT(!Nash::SessionId::isValid("has space"));
		CPPUNIT_ASSERT(!Nash::SessionId::isValid("slash/"));
		CPPUNIT_ASSERT(!Nash::SessionId::isValid("new\nline"));
		CPPUNIT_ASSERT(!Nash::SessionId::isValid("\xC3\xA9"));
	}

	void testFromRequest()
	{
		CPPUNIT_ASSERT_EQUAL(std::size_t(36), Nash::SessionId::fromRequest(Poco::Dynamic::Var()).size());
		CPPUNIT_ASSERT_EQUAL(std::size_t(36), Nash::SessionId::fromRequest(std::string()).size());
		CPPUNIT_ASSERT_EQUAL(std::string("my-session.1"), Nash::SessionId::fromRequest(std::string("my-session.1")));
		try
		{
			Nash::SessionId::fromRequest(std::string("bad id"));
			CPPUNIT_FAIL("an invalid id must be refused");
		}
		catch (Nash::HttpError& error)
		{
			CPPUNIT_ASSERT_EQUAL(400, error.status());
			CPPUNIT_ASSERT(error.message().find("session_id") != std::string::npos);
		}
		CPPUNIT_ASSERT_THROW(Nash::SessionId::fromRequest(42), Nash::HttpError);
	}
};


CPPUNIT_TEST_SUITE_REGISTRATION(SessionIdTest);
