//
// StdioTransport.h
//
// The MCP stdio transport: the server is a child process, one JSON-RPC
// message per line on its standard input and output.
//


#ifndef Nash_StdioTransport_INCLUDED
#define Nash_StdioTransport_INCLUDED


#include "Nash/McpTransport.h"
#include "ProcessTree.h"
#include "Poco/Logger.h"
#include "Poco/Pipe.h"
#include "Poco/Process.h"
#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>


namespace Nash {


class StdioTransport: public McpTransport
	/// Spawns the configured command with Poco::Process::launch and talks to
	/// it over three Poco::Pipe objects.
	///
	/// Section keys (relative to the server's section):
	///   command            the program (searched in PATH, the child's PATH
	///                      when env.PATH is given); required
	///   args.0, args.1 ... its arguments, in order
	///   env.NAME           variables added to (or replacing in) our
	///                      environment for the child
	///   cwd                the child's working directory
	///   shutdown_timeout   seconds stop() waits after closing stdin, and
	///                      again after requesting termination (default 2)
	///   max_message_size   bytes of one line before it is dropped
	///                      (default 64 MiB)
	///   show_args          true: messages show the arguments with the
	///                      command (default false: only their number, as
	///                      arguments often carry tokens)
	///
	/// Where the command is shown (a failed start, the child's death, the
	/// log), it is commandLine(): the values of env.* never are.
	///
	/// Standard error is read continuously and logged line by line to the
	/// logger "Nash.Mcp.<name>.stderr", so a chatty child never blocks.
	/// Lines of standard output that are not JSON objects or arrays are
	/// logged and skipped.
	///
	/// stop() closes the child's stdin, waits, requests termination (SIGINT
	/// on POSIX), waits, kills it, and reaps it. Poco::Process cannot start
	/// the child in a process group of its own, so what the child started
	/// (the node process behind npx or sh -c) is found in /proc instead
	/// (ProcessTree): looked up before each step while the child lives, it
	/// gets SIGTERM and SIGKILL together with the child, deepest first.
	/// After the child is gone, whatever still holds its stdin, stdout or
	/// stderr, and what those started, is given the shutdown timeout to end
	/// on EOF, then SIGTERM, then SIGKILL. The same runs when stop() follows
	/// a crash of the child (a restart stops first), so a wrapper that died
	/// does not leave the real server running beside the new one. Missed:
	/// a process that left the tree and closed all three pipes before the
	/// child died (a daemon). Linux only; elsewhere a grandchild only gets
	/// EOF on the stdin it inherited, which ends well-behaved MCP servers.
	///
	/// POSIX only: the reader threads and writers wait with poll() on the
	/// pipe and a wake-up pipe so that stop() ends them even when a
	/// grandchild keeps the child's stdout open or stops reading its stdin. Writing to a child that died would raise SIGPIPE;
	/// start() sets SIGPIPE to ignored when it still has its default action
	/// (which would end the whole server), and writes then fail with EPIPE.
{
public:
	StdioTransport();
	~StdioTransport() override;

	void configure(const std::string& serverName, const Poco::Util::AbstractConfiguration& section) override;
	void start(McpTransportListener& listener) override;
	void send(const std::string& message) override;
	void stop() override;
	bool isOpen() const override;

	Poco::ProcessHandle::PID pid() const;
		/// The child's process id, 0 when none was started.

private:
	void readOutput();
	void deliver(const std::string& message);
		/// Hands message to the listener unless the transport is closing.
	void readErrors();
	void reap();
	void closeOnce(const std::string& reason);
	bool waitReadable(const Poco::Pipe& pipe);
	void writeAll(const char* data, std::size_t size);
	std::string exitDescription() const;
	std::string resolveCommand() const;
	std::string commandLine() const;
		/// The command as messages show it: with its arguments when
		/// show_args is set, else with their number only.
	bool waitExited(std::chrono::milliseconds timeout);
	void rememberDescendants();
	void endLeftovers();

	std::string _serverName;
	std::string _command;
	std::vector<std::string> _args;
	bool _showArgs = false;
	Poco::Process::Env _env;
	std::string _cwd;
	std::chrono::milliseconds _shutdownTimeout{2000};
	std::size_t _maxMessageSize = 64 * 1024 * 1024;
	Poco::Logger* _logger = nullptr;
	Poco::Logger* _stderrLogger = nullptr;

	McpTransportListener* _listener = nullptr;
	std::unique_ptr<Poco::ProcessHandle> _handle;
	Poco::ProcessHandle::PID _pid = 0;
	Poco::Pipe _inPipe;
	Poco::Pipe _outPipe;
	Poco::Pipe _errPipe;
	Poco::Pipe _wakePipe;
	std::thread _outputThread;
	std::thread _errorThread;
	std::thread _reaperThread;
	std::vector<ProcessTree::Process> _descendants;
		// Every process seen below the child during stop(); used by stop() only.
	std::vector<std::string> _pipeNames;
		// The child's stdin, stdout and stderr as /proc names them.

	std::mutex _writeMutex;
		// Serialises writers, so that lines never interleave.
	bool _writing = false;
	bool _stdinClosed = false;
		// Both guarded by _mutex: stop() closes stdin only while no write
		// is in progress, and no write starts after it.

	mutable std::mutex _mutex;
	std::condition_variable _condition;
	bool _started = false;
	bool _stopping = false;
	bool _closed = false;
	bool _exited = false;
	bool _outputEnded = false;
	int _exitCode = 0;

	std::mutex _deliverMutex;
		// Held while a message is delivered and while closing, so that no
		// message follows transportClosed().
};


} // namespace Nash


#endif // Nash_StdioTransport_INCLUDED
