//
// ServerProcess.h
//


#ifndef Nash_ServerProcess_INCLUDED
#define Nash_ServerProcess_INCLUDED


#include "Poco/Pipe.h"
#include "Poco/Process.h"
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>


namespace NashTest {


class ServerProcess
	/// The real llm_server binary, started on a free loopback port for one
	/// test. Its standard output and error are collected for the assertions
	/// (and for the failure message when it does not come up).
{
public:
	struct Options
	{
		std::string iniText;
			/// Written to a config file passed with --config when not empty.
		std::vector<std::string> extraArgs;
		std::map<std::string, std::string> env;
		std::string binary;
			/// Defaults to the llm_server of this build.
		int fixedPort = 0;
			/// When not 0, no --port/--port-file is passed and the server is
			/// expected on this port (its built-in default, say).
	};

	ServerProcess();
	explicit ServerProcess(Options options);
	~ServerProcess();

	void start();
		/// Launches the server and waits until /health answers. Throws
		/// Poco::TimeoutException (with the server's output) when it does not.

	void launch();
		/// Launches the server without waiting for it.

	int stop();
		/// Requests termination, waits up to 10 s (then kills) and returns
		/// the exit code. Does nothing more when already stopped.

	int waitForExit(int timeoutMs);
		/// Waits for the process to end by itself; returns its exit code,
		/// or -1000 when it still runs after the timeout.

	bool isRunning() const;
	int port() const;
	Poco::ProcessHandle::PID pid() const;
	std::string output() const;
		/// Everything the server printed so far.
	bool waitForOutput(const std::string& text, int timeoutMs = 5000) const;
		/// Waits until the server has printed text; false when it has not
		/// within the timeout.
	std::string workDir() const;

private:
	void drain();

	Options _options;
	std::string _workDir;
	std::string _logPrefix;
		/// Where the child writes sanitizer reports; stop() collects them.
	std::unique_ptr<Poco::ProcessHandle> _handle;
	Poco::Pipe _outPipe;
	std::thread _drainThread;
	mutable std::mutex _outputMutex;
	std::string _output;
	int _port = 0;
	bool _exited = false;
	int _exitCode = 0;
};


} // namespace NashTest


#endif // Nash_ServerProcess_INCLUDED
