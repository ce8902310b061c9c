//
// CancellationTokenTest.cpp
//


#include "Nash/CancellationToken.h"
#include <cppunit/extensions/HelperMacros.h>
#include <atomic>
#include <thread>


class CancellationTokenTest: public CppUnit::TestFixture
{
	CPPUNIT_TEST_SUITE(CancellationTokenTest);
	CPPUNIT_TEST(testCallbacksRunOnce);
	CPPUNIT_TEST(testLateRegistrationRunsAtOnce);
	CPPUNIT_TEST(testRemovedCallbackDoesNotRun);
	CPPUNIT_TEST(testWaitForWakesOnCancel);
	CPPUNIT_TEST_SUITE_END();

public:
	void testCallbacksRunOnce()
	{
		Nash::CancellationToken token;
		int calls = 0;
		token.onCancel([&] { ++calls; });
		CPPUNIT_ASSERT(!token.isCancelled());
		token.cancel();
		token.cancel();
		CPPUNIT_ASSERT(token.isCancelled());
		CPPUNIT_ASSERT_EQUAL(1, calls);
	}

	void testLateRegistrationRunsAtOnce()
	{
		Nash::CancellationToken token;
		token.cancel();
		bool ran = false;
		CPPUNIT_ASSERT_EQUAL(std::size_t(0), token.onCancel([&] { ran = true; }));
		CPPUNIT_ASSERT(ran);
	}

	void testRemovedCallbackDoesNotRun()
	{
		Nash::CancellationToken token;
		bool ran = false;
		auto registration = token.onCancel([&] { ran = true; });
		token.removeCallback(registration);
		token.cancel();
		CPPUNIT_ASSERT(!ran);
	}

	void testWaitForWakesOnCancel()
	{
		Nash::CancellationToken token;
		CPPUNIT_ASSERT(!token.waitFor(std::chrono::milliseconds(1)));
		auto started = std::chrono::steady_clock::now();
		std::thread canceller([&] { token.cancel(); });
		CPPUNIT_ASSERT(token.waitFor(std::chrono::seconds(30)));
		canceller.join();
		CPPUNIT_ASSERT(std::chrono::steady_clock::now() - started < std::chrono::seconds(10));
	}
};


CPPUNIT_TEST_SUITE_REGISTRATION(CancellationTokenTest);
