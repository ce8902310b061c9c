//
// NodeServerProcess.h
//
// A node program run by a test (the reference server over HTTP), with its
// output kept for failure messages, killed and reaped at the end.
//


#ifndef NashTest_NodeServerProcess_INCLUDED
#define NashTest_NodeServerProcess_INCLUDED


#include "Poco/Pipe.h"
#include "Poco/Process.h"
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>


namespace NashTest {


class NodeServerProcess
{
public:
	NodeServerProcess(const std::string& node, const std::vector<std::string>& args, const Poco::Process::Env& env);
		/// Starts node with args and env added to ours.

	~NodeServerProcess();
		/// Kills and reaps the process.

	bool waitForPort(int port, std::chrono::milliseconds timeout);
		/// True once something accepts connections on 127.0.0.1:port.

	std::string output() const;

	static int freePort();
		/// A port that was free a moment ago.

private:
	std::unique_ptr<Poco::ProcessHandle> _handle;
	Poco::Pipe _outPipe;
	std::thread _drain;
	mutable std::mutex _mutex;
	std::string _output;
};


} // namespace NashTest


#endif // NashTest_NodeServerProcess_INCLUDED
