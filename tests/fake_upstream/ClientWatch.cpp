//
// ClientWatch.cpp
//


#include "ClientWatch.h"
#include "Poco/Exception.h"
#include "Poco/Timespan.h"
#include <algorithm>
#include <chrono>
#include <thread>


namespace FakeUpstream {


namespace {


// How often a long wait looks at the stop flag.
const int sliceMilliseconds = 50;


} // namespace


ClientWatch::ClientWatch(const Poco::Net::StreamSocket& socket, const std::atomic<bool>& stopping):
	_socket(socket),
	_stopping(stopping)
{
}


ClientWatch::Outcome ClientWatch::wait(int milliseconds)
{
	using Clock = std::chrono::steady_clock;
	Clock::time_point deadline = Clock::now() + std::chrono::milliseconds(milliseconds);
	for (;;)
	{
		if (_stopping) return STOPPING;
		auto left = std::chrono::duration_cast<std::chrono::microseconds>(deadline - Clock::now()).count();
		if (left <= 0) return ELAPSED;
		// Poll waits in whole milliseconds: a shorter slice would be a zero
		// timeout, and the last millisecond of every pause a busy loop.
		long slice = static_cast<long>(std::min<long long>((left + 999) / 1000 * 1000, sliceMilliseconds * 1000LL));
		try
		{
			if (_socket.poll(Poco::Timespan(0, slice), Poco::Net::Socket::SELECT_READ | Poco::Net::Socket::SELECT_ERROR))
			{
				if (_socket.available() == 0) return CLIENT_GONE;
				// A pipelined request waits for its turn; do not spin on it.
				std::this_thread::sleep_for(std::chrono::microseconds(slice));
			}
		}
		catch (Poco::Exception&)
		{
			return CLIENT_GONE;
		}
	}
}


void ClientWatch::closeConnection()
{
	try
	{
		_socket.shutdown();
	}
	catch (Poco::Exception&)
	{
		// Already closed by the client.
	}
}


} // namespace FakeUpstream
