//
// EventLoopTest.cpp
//
// The loop threads: tasks posted from other threads, one-shot timers in
// order and cancelled, a socket pair's readable and writable callbacks,
// pausing a socket, the spread over threads and a clean stop.
//


#include "core/loop/EventLoop.h"
#include "core/loop/IdleConnectionPool.h"
#include "core/loop/LoopThread.h"
#include "Poco/Net/ServerSocket.h"
#include "Poco/Net/StreamSocket.h"
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cppunit/extensions/HelperMacros.h>
#include <mutex>
#include <string>
#include <thread>
#include <vector>


using Nash::EventLoop;
using Nash::LoopThread;


namespace {


class Latch
	/// Waits, with a timeout, until count() was called n times.
{
public:
	explicit Latch(int n):
		_left(n)
	{
	}

	void count()
	{
		std::lock_guard<std::mutex> lock(_mutex);
		if (--_left <= 0) _done.notify_all();
	}

	bool wait(int milliseconds = 5000)
	{
		std::unique_lock<std::mutex> lock(_mutex);
		return _done.wait_for(lock, std::chrono::milliseconds(milliseconds), [this] { return _left <= 0; });
	}

private:
	std::mutex _mutex;
	std::condition_variable _done;
	int _left;
};


template <typename Work>
void onLoop(LoopThread& loop, Work work)
	/// Runs work on the loop thread and waits for it.
{
	Latch latch(1);
	CPPUNIT_ASSERT(loop.post([&] {
		work();
		latch.count();
	}));
	CPPUNIT_ASSERT(latch.wait());
}


struct SocketPair
{
	Poco::Net::StreamSocket client;
	Poco::Net::StreamSocket server;

	SocketPair()
	{
		Poco::Net::ServerSocket listener(Poco::Net::SocketAddress("127.0.0.1", 0));
		client.connect(listener.address());
		server = listener.acceptConnection();
		client.setBlocking(false);
		server.setBlocking(false);
	}
};


} // namespace


class EventLoopTest: public CppUnit::TestFixture
{
	CPPUNIT_TEST_SUITE(EventLoopTest);
	CPPUNIT_TEST(testPostedTasksRunInOrderOnTheLoopThread);
	CPPUNIT_TEST(testPostFromManyThreads);
	CPPUNIT_TEST(testTimersRunByDeadline);
	CPPUNIT_TEST(testCancelledTimerDoesNotRun);
	CPPUNIT_TEST(testTimerSetFromATimer);
	CPPUNIT_TEST(testEndOfTurnRunsBeforeTheNextTurn);
	CPPUNIT_TEST(testSocketReadableAndWritable);
	CPPUNIT_TEST(testPausedSocketIsNotReported);
	CPPUNIT_TEST(testCallbackMayUnwatchItself);
	CPPUNIT_TEST(testStopDropsPendingTasks);
	CPPUNIT_TEST(testThrowingTaskDoesNotStopTheLoop);
	CPPUNIT_TEST(testRoundRobinAndLeastLoaded);
	CPPUNIT_TEST(testIdlePoolDropsAConnectionClosedByThePeer);
	CPPUNIT_TEST_SUITE_END();

public:
	void testPostedTasksRunInOrderOnTheLoopThread()
	{
		LoopThread loop("test");
		loop.start();
		CPPUNIT_ASSERT(!loop.isLoopThread());
		std::vector<int> order;
		std::atomic<bool> onThread{true};
		Latch latch(100);
		for (int i = 0; i < 100; ++i)
		{
			loop.post([&, i] {
				if (!loop.isLoopThread()) onThread = false;
				order.push_back(i);
				latch.count();
			});
		}
		CPPUNIT_ASSERT(latch.wait());
		CPPUNIT_ASSERT(onThread);
		for (int i = 0; i < 100; ++i) CPPUNIT_ASSERT_EQUAL(i, order[i]);
	}

	void testPostFromManyThreads()
	{
		LoopThread loop("test");
		loop.start();
		std::atomic<int> ran{0};
		Latch latch(8 * 1000);
		std::vector<std::thread> posters;
		for (int t = 0; t < 8; ++t)
		{
			posters.emplace_back([&] {
				for (int i = 0; i < 1000; ++i) loop.post([&] { ++ran; latch.count(); });
			});
		}
		for (auto& poster: posters) poster.join();
		CPPUNIT_ASSERT(latch.wait());
		CPPUNIT_ASSERT_EQUAL(8000, ran.load());
	}

	void testTimersRunByDeadline()
	{
		LoopThread loop("test");
		loop.start();
		std::vector<int> order;
		Latch latch(4);
		auto start = std::chrono::steady_clock::now();
		std::chrono::steady_clock::duration firstAfter{};
		onLoop(loop, [&] {
			loop.addTimer(std::chrono::milliseconds(60), [&] { order.push_back(3); latch.count(); });
			loop.addTimer(std::chrono::milliseconds(20), [&] {
				firstAfter = std::chrono::steady_clock::now() - start;
				order.push_back(1);
				latch.count();
			});
			loop.addTimer(std::chrono::milliseconds(40), [&] { order.push_back(2); latch.count(); });
			loop.addTimer(std::chrono::milliseconds(60), [&] { order.push_back(4); latch.count(); });
		});
		CPPUNIT_ASSERT(latch.wait());
		CPPUNIT_ASSERT_EQUAL(std::size_t(4), order.size());
		for (int i = 0; i < 4; ++i) CPPUNIT_ASSERT_EQUAL(i + 1, order[i]);
		CPPUNIT_ASSERT(firstAfter >= std::chrono::milliseconds(20));
	}

	void testCancelledTimerDoesNotRun()
	{
		LoopThread loop("test");
		loop.start();
		std::atomic<bool> cancelledRan{false};
		Latch latch(1);
		onLoop(loop, [&] {
			LoopThread::Timer timer = loop.addTimer(std::chrono::milliseconds(20), [&] { cancelledRan = true; });
			loop.addTimer(std::chrono::milliseconds(60), [&] { latch.count(); });
			CPPUNIT_ASSERT(loop.cancelTimer(timer));
			CPPUNIT_ASSERT(!timer.isSet());
			CPPUNIT_ASSERT(!loop.cancelTimer(timer));
		});
		CPPUNIT_ASSERT(latch.wait());
		CPPUNIT_ASSERT(!cancelledRan);
	}

	void testTimerSetFromATimer()
	{
		LoopThread loop("test");
		loop.start();
		std::atomic<int> rounds{0};
		Latch latch(1);
		std::function<void()> again = [&] {
			if (++rounds == 50) latch.count();
			else loop.addTimer(std::chrono::milliseconds(0), again);
		};
		onLoop(loop, [&] { loop.addTimer(std::chrono::milliseconds(0), again); });
		CPPUNIT_ASSERT(latch.wait());
		CPPUNIT_ASSERT_EQUAL(50, rounds.load());
	}

	void testEndOfTurnRunsBeforeTheNextTurn()
	{
		LoopThread loop("test");
		loop.start();
		std::vector<std::string> order;
		Latch latch(1);
		onLoop(loop, [&] {
			// A task posted now runs next turn; the deferred work, and what
			// it defers in turn, at the end of this one.
			loop.post([&] {
				order.push_back("next turn");
				latch.count();
			});
			loop.atEndOfTurn([&] {
				order.push_back("end of turn");
				loop.atEndOfTurn([&] { order.push_back("deferred again"); });
			});
			order.push_back("task");
		});
		CPPUNIT_ASSERT(latch.wait());
		CPPUNIT_ASSERT_EQUAL(std::size_t(4), order.size());
		CPPUNIT_ASSERT_EQUAL(std::string("task"), order[0]);
		CPPUNIT_ASSERT_EQUAL(std::string("end of turn"), order[1]);
		CPPUNIT_ASSERT_EQUAL(std::string("deferred again"), order[2]);
		CPPUNIT_ASSERT_EQUAL(std::string("next turn"), order[3]);
	}

	void testSocketReadableAndWritable()
	{
		LoopThread loop("test");
		loop.start();
		SocketPair pair;
		std::string received;
		Latch writable(1);
		Latch readable(1);
		onLoop(loop, [&] {
			loop.watch(pair.client, LoopThread::SOCKET_WRITABLE, [&](int events) {
				CPPUNIT_ASSERT(events & LoopThread::SOCKET_WRITABLE);
				pair.client.sendBytes("hello", 5);
				loop.unwatch(pair.client);
				writable.count();
			});
			loop.watch(pair.server, LoopThread::SOCKET_READABLE, [&](int events) {
				CPPUNIT_ASSERT(events & LoopThread::SOCKET_READABLE);
				char buffer[64];
				int n = pair.server.receiveBytes(buffer, sizeof(buffer));
				if (n > 0) received.append(buffer, static_cast<std::size_t>(n));
				if (received.size() >= 5)
				{
					loop.unwatch(pair.server);
					readable.count();
				}
			});
		});
		CPPUNIT_ASSERT(writable.wait());
		CPPUNIT_ASSERT(readable.wait());
		CPPUNIT_ASSERT_EQUAL(std::string("hello"), received);
		onLoop(loop, [&] { CPPUNIT_ASSERT(!loop.isWatched(pair.server)); });
		CPPUNIT_ASSERT_EQUAL(std::size_t(0), loop.watchCount());
	}

	void testPausedSocketIsNotReported()
	{
		LoopThread loop("test");
		loop.start();
		SocketPair pair;
		std::atomic<int> calls{0};
		onLoop(loop, [&] {
			loop.watch(pair.server, 0, [&](int) { ++calls; });
		});
		pair.client.sendBytes("x", 1);
		std::this_thread::sleep_for(std::chrono::milliseconds(100));
		CPPUNIT_ASSERT_EQUAL(0, calls.load());
		Latch latch(1);
		onLoop(loop, [&] {
			loop.watch(pair.server, LoopThread::SOCKET_READABLE, [&](int) {
				char c;
				pair.server.receiveBytes(&c, 1);
				loop.setEvents(pair.server, 0);
				++calls;
				latch.count();
			});
		});
		CPPUNIT_ASSERT(latch.wait());
		pair.client.sendBytes("y", 1);
		std::this_thread::sleep_for(std::chrono::milliseconds(100));
		CPPUNIT_ASSERT_EQUAL(1, calls.load());
		onLoop(loop, [&] { loop.unwatch(pair.server); });
	}

	void testCallbackMayUnwatchItself()
	{
		LoopThread loop("test");
		loop.start();
		SocketPair pair;
		Latch latch(1);
		std::string capture(100, 'c');
		onLoop(loop, [&] {
			// A capture large enough to live outside std::function's buffer,
			// and one inside: both must survive their own unwatch.
			loop.watch(pair.server, LoopThread::SOCKET_READABLE, [&, capture](int) {
				loop.unwatch(pair.server);
				CPPUNIT_ASSERT_EQUAL(std::size_t(100), capture.size());
				latch.count();
			});
		});
		pair.client.sendBytes("z", 1);
		CPPUNIT_ASSERT(latch.wait());
	}

	void testStopDropsPendingTasks()
	{
		std::atomic<int> ran{0};
		auto token = std::make_shared<int>(1);
		{
			LoopThread loop("test");
			loop.start();
			Latch blocked(1);
			loop.post([&] { blocked.count(); std::this_thread::sleep_for(std::chrono::milliseconds(100)); });
			CPPUNIT_ASSERT(blocked.wait());
			for (int i = 0; i < 10; ++i) loop.post([&ran, token] { ++ran; });
			loop.stop();
			CPPUNIT_ASSERT(!loop.post([&] { ++ran; }));
			loop.stop();
		}
		// Dropped, not run, and their captures released.
		CPPUNIT_ASSERT_EQUAL(0, ran.load());
		CPPUNIT_ASSERT_EQUAL(1L, token.use_count());
	}

	void testThrowingTaskDoesNotStopTheLoop()
	{
		LoopThread loop("test");
		loop.start();
		loop.post([] { throw std::runtime_error("boom"); });
		Latch latch(1);
		loop.post([&] { latch.count(); });
		CPPUNIT_ASSERT(latch.wait());
	}

	void testRoundRobinAndLeastLoaded()
	{
		EventLoop loop(3, "rr");
		CPPUNIT_ASSERT_EQUAL(std::size_t(3), loop.size());
		LoopThread* first = &loop.next();
		LoopThread* second = &loop.next();
		LoopThread* third = &loop.next();
		CPPUNIT_ASSERT(first != second && second != third && first != third);
		CPPUNIT_ASSERT(&loop.next() == first);

		SocketPair a;
		SocketPair b;
		onLoop(loop.thread(0), [&] { loop.thread(0).watch(a.server, 0, [](int) {}); });
		onLoop(loop.thread(1), [&] { loop.thread(1).watch(b.server, 0, [](int) {}); });
		for (int i = 0; i < 5; ++i) CPPUNIT_ASSERT(&loop.leastLoaded() == &loop.thread(2));
		onLoop(loop.thread(0), [&] { loop.thread(0).unwatch(a.server); });
		onLoop(loop.thread(1), [&] { loop.thread(1).unwatch(b.server); });
		loop.stop();
	}

	void testIdlePoolDropsAConnectionClosedByThePeer()
	{
		LoopThread loop("test");
		loop.start();
		SocketPair quiet;
		SocketPair closing;
		onLoop(loop, [&] {
			loop.idleConnections().put("peer", quiet.client, 4);
			loop.idleConnections().put("peer", closing.client, 4);
			CPPUNIT_ASSERT_EQUAL(std::size_t(2), loop.idleConnections().size("peer"));
		});
		closing.server.close();
		bool dropped = false;
		for (int i = 0; i < 100 && !dropped; ++i)
		{
			std::this_thread::sleep_for(std::chrono::milliseconds(10));
			onLoop(loop, [&] { dropped = loop.idleConnections().size("peer") == 1; });
		}
		CPPUNIT_ASSERT(dropped);
		onLoop(loop, [&] {
			Poco::Net::StreamSocket taken;
			CPPUNIT_ASSERT(loop.idleConnections().take("peer", taken));
			CPPUNIT_ASSERT(taken.impl() == quiet.client.impl());
			CPPUNIT_ASSERT(!loop.idleConnections().take("peer", taken));
			loop.idleConnections().put("other", taken, 0);
			CPPUNIT_ASSERT_EQUAL(std::size_t(0), loop.idleConnections().size());
		});
	}
};


CPPUNIT_TEST_SUITE_REGISTRATION(EventLoopTest);
