//
// RequestDeadlineWatchdogTest.cpp
//


#include "core/RequestDeadlineWatchdog.h"
#include "Poco/Net/ServerSocket.h"
#include "Poco/Net/SocketAddress.h"
#include "Poco/Net/StreamSocket.h"
#include <chrono>
#include <cppunit/extensions/HelperMacros.h>
#include <thread>


using Nash::RequestDeadlineWatchdog;


namespace {


struct Connection
	/// Both ends of a loopback TCP connection.
{
	Poco::Net::ServerSocket listener{Poco::Net::SocketAddress("127.0.0.1", 0)};
	Poco::Net::StreamSocket client{listener.address()};
	Poco::Net::StreamSocket server{listener.acceptConnection()};
};


} // namespace


class RequestDeadlineWatchdogTest: public CppUnit::TestFixture
{
	CPPUNIT_TEST_SUITE(RequestDeadlineWatchdogTest);
	CPPUNIT_TEST(testDeadlineEndsABlockedRead);
	CPPUNIT_TEST(testDisarmedDeadlineDoesNothing);
	CPPUNIT_TEST_SUITE_END();

public:
	void testDeadlineEndsABlockedRead()
	{
		RequestDeadlineWatchdog watchdog;
		watchdog.start();
		Connection connection;
		connection.server.setReceiveTimeout(Poco::Timespan(30, 0));
		auto deadline = watchdog.arm(connection.server, 1);
		CPPUNIT_ASSERT_EQUAL(std::size_t(1), watchdog.armedCount());
		auto started = std::chrono::steady_clock::now();
		char byte = 0;
		// The client trickles; the blocked read still ends at the deadline.
		std::thread trickle([&connection]
		{
			for (int i = 0; i < 3; ++i)
			{
				connection.client.sendBytes("x", 1);
				std::this_thread::sleep_for(std::chrono::milliseconds(200));
			}
		});
		int received = 0;
		while (connection.server.receiveBytes(&byte, 1) > 0) ++received;
		trickle.join();
		auto took = std::chrono::steady_clock::now() - started;
		CPPUNIT_ASSERT(deadline.expired());
		CPPUNIT_ASSERT(took >= std::chrono::milliseconds(900));
		CPPUNIT_ASSERT(took < std::chrono::seconds(5));
		CPPUNIT_ASSERT(received >= 1);
		CPPUNIT_ASSERT_EQUAL(std::size_t(0), watchdog.armedCount());
		// Only the reading side: an answer can still be sent.
		CPPUNIT_ASSERT_EQUAL(2, connection.server.sendBytes("ok", 2));
		watchdog.stop();
	}

	void testDisarmedDeadlineDoesNothing()
	{
		RequestDeadlineWatchdog watchdog;
		watchdog.start();
		Connection connection;
		{
			auto deadline = watchdog.arm(connection.server, 1);
			deadline.disarm();
			CPPUNIT_ASSERT_EQUAL(std::size_t(0), watchdog.armedCount());
			std::this_thread::sleep_for(std::chrono::milliseconds(1300));
			CPPUNIT_ASSERT(!deadline.expired());
		}
		{
			auto deadline = watchdog.arm(connection.server, 60);
		}
		CPPUNIT_ASSERT_EQUAL(std::size_t(0), watchdog.armedCount());
		connection.client.sendBytes("y", 1);
		char byte = 0;
		connection.server.setReceiveTimeout(Poco::Timespan(5, 0));
		CPPUNIT_ASSERT_EQUAL(1, connection.server.receiveBytes(&byte, 1));
		watchdog.stop();
	}
};


CPPUNIT_TEST_SUITE_REGISTRATION(RequestDeadlineWatchdogTest);
