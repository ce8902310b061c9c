//
// OpenFileLimitTest.cpp
//


#include "core/app/OpenFileLimit.h"
#include "Poco/Platform.h"
#include <cppunit/extensions/HelperMacros.h>
#if defined(POCO_OS_FAMILY_UNIX)
#include <sys/resource.h>
#endif


class OpenFileLimitTest: public CppUnit::TestFixture
{
	CPPUNIT_TEST_SUITE(OpenFileLimitTest);
	CPPUNIT_TEST(testRaisesTheSoftLimitToTheHardOne);
	CPPUNIT_TEST(testSaysSoWhenAlreadyAtTheHardLimit);
	CPPUNIT_TEST_SUITE_END();

public:
#if defined(POCO_OS_FAMILY_UNIX)
	void testRaisesTheSoftLimitToTheHardOne()
	{
		struct rlimit limit;
		CPPUNIT_ASSERT_EQUAL(0, getrlimit(RLIMIT_NOFILE, &limit));
		if (limit.rlim_max != RLIM_INFINITY && limit.rlim_max <= 256) return; // nothing to lower first
		struct rlimit lowered = limit;
		lowered.rlim_cur = 256;
		CPPUNIT_ASSERT_EQUAL(0, setrlimit(RLIMIT_NOFILE, &lowered));

		std::string said = Nash::OpenFileLimit::raiseToHard();
		CPPUNIT_ASSERT_MESSAGE(said, said.find("raised from 256 to the hard limit") != std::string::npos);
		struct rlimit now;
		CPPUNIT_ASSERT_EQUAL(0, getrlimit(RLIMIT_NOFILE, &now));
		CPPUNIT_ASSERT(now.rlim_cur == limit.rlim_max);
		if (limit.rlim_max != RLIM_INFINITY) CPPUNIT_ASSERT_EQUAL(static_cast<long long>(limit.rlim_max), Nash::OpenFileLimit::current());
	}

	void testSaysSoWhenAlreadyAtTheHardLimit()
	{
		Nash::OpenFileLimit::raiseToHard();
		std::string said = Nash::OpenFileLimit::raiseToHard();
		CPPUNIT_ASSERT_MESSAGE(said, said.find("(the hard limit)") != std::string::npos);
	}
#else
	void testRaisesTheSoftLimitToTheHardOne()
	{
	}

	void testSaysSoWhenAlreadyAtTheHardLimit()
	{
	}
#endif
};


CPPUNIT_TEST_SUITE_REGISTRATION(OpenFileLimitTest);
