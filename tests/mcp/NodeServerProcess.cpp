//
// NodeServerProcess.cpp
//


#include "NodeServerProcess.h"
#include "TestEnvironment.h"
#include "Poco/Net/ServerSocket.h"
#include "Poco/Net/StreamSocket.h"


namespace NashTest {


NodeServerProcess::NodeServerProcess(const std::string& node, const std::vector<std::string>& args, const Poco::Process::Env& env)
{
	_handle.reset(new Poco::ProcessHandle(Poco::Process::launch(node, args, std::string(), nullptr, &_outPipe, &_outPipe, env)));
	_drain = std::thread([this]
	{
		char buffer[4096];
		int n;
		while ((n = _outPipe.readBytes(buffer, sizeof(buffer))) > 0)
		{
			std::lock_guard<std::mutex> lock(_mutex);
			_output.append(buffer, static_cast<std::size_t>(n));
		}
	});
}


NodeServerProcess::~NodeServerProcess()
{
	try
	{
		Poco::Process::kill(*_handle);
	}
	catch (Poco::Exception&)
	{
	}
	_handle->wait();
	_drain.join();
}


bool NodeServerProcess::waitForPort(int port, std::chrono::milliseconds timeout)
{
	return waitUntil([port]
	{
		try
		{
			Poco::Net::StreamSocket socket;
			socket.connect(Poco::Net::SocketAddress("127.0.0.1", static_cast<Poco::UInt16>(port)), Poco::Timespan(0, 200000));
			return true;
		}
		catch (Poco::Exception&)
		{
			return false;
		}
	}, timeout);
}


std::string NodeServerProcess::output() const
{
	std::lock_guard<std::mutex> lock(_mutex);
	return _output;
}


int NodeServerProcess::freePort()
{
	Poco::Net::ServerSocket socket(Poco::Net::SocketAddress("127.0.0.1", 0));
	return socket.address().port();
}


} // namespace NashTest
