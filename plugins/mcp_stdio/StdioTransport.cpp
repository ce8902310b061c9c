//
// StdioTransport.cpp
//


#include "StdioTransport.h"
#include "OversizedMessage.h"
#include "Poco/Environment.h"
#include "Poco/Exception.h"
#include "Poco/File.h"
#include "Poco/Path.h"
#include "Poco/String.h"
#include "Poco/StringTokenizer.h"
#include <cerrno>
#include <cmath>
#include <csignal>
#include <climits>
#include <cstring>
#include <poll.h>


namespace Nash {


namespace {


const std::size_t CHUNK_SIZE = 64 * 1024;
const std::size_t LOG_LINE_LIMIT = 8 * 1024;


void ignoreSigpipe()
	/// A write to a child that died raises SIGPIPE, whose default action
	/// ends the whole server. Ignored, the write fails with EPIPE instead. A
	/// handler the application installed is left alone.
{
	struct sigaction current;
	std::memset(&current, 0, sizeof(current));
	if (sigaction(SIGPIPE, nullptr, &current) == 0 && current.sa_handler == SIG_DFL)
	{
		struct sigaction ignore;
		std::memset(&ignore, 0, sizeof(ignore));
		ignore.sa_handler = SIG_IGN;
		sigemptyset(&ignore.sa_mask);
		sigaction(SIGPIPE, &ignore, nullptr);
	}
}


bool looksLikeJson(const std::string& line)
{
	for (char c: line)
	{
		if (c == ' ' || c == '\t') continue;
		return c == '{' || c == '[';
	}
	return false;
}


bool isBlank(const std::string& line)
{
	return line.find_first_not_of(" \t\r") == std::string::npos;
}


std::string quotedArgument(const std::string& arg)
	/// arg as a shell would need it, so that the line shown can be run.
{
	if (!arg.empty() && arg.find_first_of(" \t\n\"'\\$`;&|<>()*?[]{}#~!") == std::string::npos) return arg;
	std::string quoted = "'";
	for (char c: arg)
	{
		if (c == '\'') quoted += "'\\''";
		else quoted += c;
	}
	return quoted + "'";
}


} // namespace


StdioTransport::StdioTransport()
{
}


StdioTransport::~StdioTransport()
{
	stop();
}


void StdioTransport::configure(const std::string& serverName, const Poco::Util::AbstractConfiguration& section)
{
	_serverName = serverName;
	_logger = &Poco::Logger::get("Nash.Mcp." + serverName);
	_stderrLogger = &Poco::Logger::get("Nash.Mcp." + serverName + ".stderr");

	if (!section.has("command") || Poco::trim(section.getRawString("command")).empty())
		throw Poco::InvalidArgumentException("MCP server '" + serverName + "': key 'command' is required for the stdio transport");
	_command = Poco::trim(section.getRawString("command"));

	_args.clear();
	if (section.has("args") && !section.has("args.0"))
		throw Poco::InvalidArgumentException("MCP server '" + serverName + "': key 'args' must be given as args.0, args.1 ...");
	for (int i = 0; section.has("args." + std::to_string(i)); ++i)
		_args.push_back(section.getRawString("args." + std::to_string(i)));
	try
	{
		_showArgs = section.getBool("show_args", false);
	}
	catch (Poco::Exception&)
	{
		throw Poco::InvalidArgumentException("MCP server '" + serverName + "': key 'show_args' must be true or false");
	}

	_env.clear();
	Poco::Util::AbstractConfiguration::Keys names;
	section.keys("env", names);
	for (const auto& name: names) _env[name] = section.getRawString("env." + name);

	_cwd = section.getRawString("cwd", "");

	if (section.has("shutdown_timeout"))
	{
		double seconds = 0;
		try
		{
			seconds = section.getDouble("shutdown_timeout");
		}
		catch (Poco::Exception&)
		{
		}
		if (!(seconds > 0) || seconds > 3600)
			throw Poco::InvalidArgumentException("MCP server '" + serverName + "': key 'shutdown_timeout' must be a positive number of seconds");
		_shutdownTimeout = std::chrono::milliseconds(static_cast<long long>(std::llround(seconds * 1000)));
	}
	if (section.has("max_message_size"))
	{
		Poco::UInt64 size = 0;
		try
		{
			size = section.getUInt64("max_message_size");
		}
		catch (Poco::Exception&)
		{
		}
		if (size < 1024)
			throw Poco::InvalidArgumentException("MCP server '" + serverName + "': key 'max_message_size' must be a number of bytes of at least 1024");
		_maxMessageSize = static_cast<std::size_t>(size);
	}
}


std::string StdioTransport::commandLine() const
{
	std::string line = quotedArgument(_command);
	if (_args.empty()) return line;
	if (!_showArgs)
	{
		// /health, which needs no token, shows this: "--api-key sk-..." is
		// a common argument.
		std::string count = _args.size() == 1 ? "1 argument" : std::to_string(_args.size()) + " arguments";
		return line + " (" + count + " hidden; set show_args = true to show them)";
	}
	for (const auto& arg: _args) line += " " + quotedArgument(arg);
	return line;
}


std::string StdioTransport::resolveCommand() const
	/// Fails early, with a message naming the command, where exec in the
	/// child would only give an exit code.
{
	if (_command.find('/') != std::string::npos)
	{
		Poco::Path path(_command);
		if (path.isRelative() && !_cwd.empty()) path = Poco::Path(Poco::Path(_cwd).makeDirectory(), path);
		Poco::File file(path);
		if (!file.exists() || !file.isFile() || !file.canExecute())
			throw Poco::FileNotFoundException("MCP server '" + _serverName + "': command '" + _command + "' is not an executable file (command line: " + commandLine() + ")");
		return _command;
	}
	auto pathEntry = _env.find("PATH");
	std::string searchPath = pathEntry != _env.end() ? pathEntry->second : Poco::Environment::get("PATH", "");
	Poco::StringTokenizer dirs(searchPath, ":", Poco::StringTokenizer::TOK_IGNORE_EMPTY);
	for (const auto& dir: dirs)
	{
		try
		{
			Poco::File file(Poco::Path(Poco::Path(dir).makeDirectory(), _command));
			if (file.exists() && file.isFile() && file.canExecute()) return _command;
		}
		catch (Poco::Exception&)
		{
		}
	}
	throw Poco::FileNotFoundException("MCP server '" + _serverName + "': command '" + _command + "' not found in PATH (command line: " + commandLine() + ")");
}


void StdioTransport::start(McpTransportListener& listener)
{
	if (_command.empty()) throw Poco::IllegalStateException("The stdio transport is not configured");
	stop();
	if (!_cwd.empty())
	{
		Poco::File dir(_cwd);
		if (!dir.exists() || !dir.isDirectory())
			throw Poco::FileNotFoundException("MCP server '" + _serverName + "': key 'cwd' names no folder: " + _cwd);
	}
	std::string command = resolveCommand();
	ignoreSigpipe();

	_inPipe = Poco::Pipe();
	_outPipe = Poco::Pipe();
	_errPipe = Poco::Pipe();
	_wakePipe = Poco::Pipe();
	try
	{
		_handle.reset(new Poco::ProcessHandle(Poco::Process::launch(command, _args, _cwd, &_inPipe, &_outPipe, &_errPipe, _env)));
	}
	catch (Poco::Exception& exc)
	{
		throw Poco::IOException("MCP server '" + _serverName + "': cannot start " + commandLine() + ": " + exc.displayText());
	}
	_descendants.clear();
	_pipeNames = ProcessTree::pipeNames({_inPipe.writeHandle(), _outPipe.readHandle(), _errPipe.readHandle()});
	{
		std::lock_guard<std::mutex> lock(_mutex);
		_listener = &listener;
		_pid = _handle->id();
		_started = true;
		_stopping = false;
		_closed = false;
		_exited = false;
		_outputEnded = false;
		_exitCode = 0;
	}
	{
		std::lock_guard<std::mutex> lock(_mutex);
		_stdinClosed = false;
		_writing = false;
	}
	_logger->information("Started MCP server '%s' (pid %d): %s", _serverName, static_cast<int>(_pid), commandLine());
	_outputThread = std::thread([this] { readOutput(); });
	_errorThread = std::thread([this] { readErrors(); });
	_reaperThread = std::thread([this] { reap(); });
}


bool StdioTransport::isOpen() const
{
	std::lock_guard<std::mutex> lock(_mutex);
	return _started && !_stopping && !_closed;
}


Poco::ProcessHandle::PID StdioTransport::pid() const
{
	std::lock_guard<std::mutex> lock(_mutex);
	return _pid;
}


void StdioTransport::send(const std::string& message)
{
	// A newline inside a message would split it. Valid JSON has raw line
	// breaks only as whitespace between tokens, so they become blanks.
	const std::string* text = &message;
	std::string flattened;
	if (message.find_first_of("\r\n") != std::string::npos)
	{
		flattened = message;
		for (char& c: flattened)
		{
			if (c == '\n' || c == '\r') c = ' ';
		}
		text = &flattened;
	}

	std::lock_guard<std::mutex> writeLock(_writeMutex);
	{
		std::lock_guard<std::mutex> lock(_mutex);
		if (!_started || _stopping || _closed || _stdinClosed) throw Poco::IOException("MCP server '" + _serverName + "' is not running (command line: " + commandLine() + ")");
		_writing = true;
	}
	struct Done
	{
		StdioTransport& transport;
		~Done()
		{
			{
				std::lock_guard<std::mutex> lock(transport._mutex);
				transport._writing = false;
			}
			transport._condition.notify_all();
		}
	} done{*this};
	try
	{
		writeAll(text->data(), text->size());
		writeAll("\n", 1);
	}
	catch (Poco::Exception& exc)
	{
		// Which program stopped reading is what an operator needs (its
		// arguments only as show_args allows).
		throw Poco::IOException("Could not write to MCP server '" + _serverName + "' (command line: " + commandLine() + "): " + exc.displayText());
	}
}


void StdioTransport::writeAll(const char* data, std::size_t size)
	/// Writes in pieces of at most PIPE_BUF bytes, each after poll() said the
	/// pipe takes one, so that no write blocks: a child (or a grandchild
	/// holding its stdin) that stops reading cannot hold a writer beyond
	/// stop(), which wakes it.
{
	while (size > 0)
	{
		struct pollfd fds[2];
		fds[0].fd = _inPipe.writeHandle();
		fds[0].events = POLLOUT;
		fds[0].revents = 0;
		fds[1].fd = _wakePipe.readHandle();
		fds[1].events = POLLIN;
		fds[1].revents = 0;
		int rc = ::poll(fds, 2, -1);
		if (rc < 0)
		{
			if (errno == EINTR) continue;
			throw Poco::IOException("poll() failed");
		}
		if (fds[1].revents) throw Poco::IOException("the transport is stopping");
		if (fds[0].revents & (POLLERR | POLLHUP)) throw Poco::WriteFileException("the child closed its standard input");
		if (!(fds[0].revents & POLLOUT)) continue;
		int chunk = static_cast<int>(std::min<std::size_t>(size, PIPE_BUF));
		int written = _inPipe.writeBytes(data, chunk);
		if (written <= 0) throw Poco::WriteFileException("short write");
		data += written;
		size -= static_cast<std::size_t>(written);
	}
}


bool StdioTransport::waitReadable(const Poco::Pipe& pipe)
	/// Waits until pipe has data or EOF (true) or stop() woke us (false).
{
	for (;;)
	{
		struct pollfd fds[2];
		fds[0].fd = pipe.readHandle();
		fds[0].events = POLLIN;
		fds[0].revents = 0;
		fds[1].fd = _wakePipe.readHandle();
		fds[1].events = POLLIN;
		fds[1].revents = 0;
		int rc = ::poll(fds, 2, -1);
		if (rc < 0)
		{
			if (errno == EINTR) continue;
			return false;
		}
		if (fds[1].revents) return false;
		if (fds[0].revents) return true;
	}
}


void StdioTransport::readOutput()
{
	std::vector<char> buffer(CHUNK_SIZE);
	std::string line;
	bool discarding = false;
	OversizedMessage oversized;
	while (waitReadable(_outPipe))
	{
		int n = 0;
		try
		{
			n = _outPipe.readBytes(buffer.data(), static_cast<int>(buffer.size()));
		}
		catch (Poco::Exception& exc)
		{
			_logger->warning("Reading from MCP server '%s' failed: %s", _serverName, exc.displayText());
			n = 0;
		}
		if (n <= 0) break;
		const char* begin = buffer.data();
		const char* end = begin + n;
		while (begin < end)
		{
			const char* newline = static_cast<const char*>(std::memchr(begin, '\n', static_cast<std::size_t>(end - begin)));
			const char* stop = newline ? newline : end;
			if (discarding) oversized.append(begin, static_cast<std::size_t>(stop - begin));
			else line.append(begin, stop);
			if (!discarding && line.size() > _maxMessageSize)
			{
				_logger->error("MCP server '%s' sent a line longer than %z bytes; dropped it", _serverName, _maxMessageSize);
				oversized.begin(line);
				line.clear();
				line.shrink_to_fit();
				discarding = true;
			}
			begin = newline ? newline + 1 : end;
			if (!newline) break;
			if (discarding)
			{
				discarding = false;
				// Its caller learns now, not at its timeout.
				std::string refusal = oversized.errorResponse(_serverName, _maxMessageSize);
				if (!refusal.empty()) deliver(refusal);
				continue;
			}
			if (!line.empty() && line.back() == '\r') line.pop_back();
			if (isBlank(line))
			{
				line.clear();
				continue;
			}
			if (!looksLikeJson(line))
			{
				_logger->warning("MCP server '%s' wrote a line that is not JSON; skipped: %s", _serverName, line.substr(0, 200));
				line.clear();
				continue;
			}
			deliver(line);
			line.clear();
		}
	}

	{
		std::lock_guard<std::mutex> lock(_mutex);
		_outputEnded = true;
	}
	_condition.notify_all();
	// Give the reaper a moment so the reason names the exit code; a child
	// that only closed its stdout is reported as such.
	bool exited = waitExited(std::chrono::milliseconds(2000));
	closeOnce(exited ? exitDescription() : "the process closed its standard output");
}


void StdioTransport::deliver(const std::string& message)
{
	std::lock_guard<std::mutex> deliverLock(_deliverMutex);
	{
		std::lock_guard<std::mutex> lock(_mutex);
		if (_closed || _stopping) return;
	}
	try
	{
		_listener->messageReceived(message);
	}
	catch (std::exception& exc)
	{
		_logger->error("The listener of MCP server '%s' failed on a message: %s", _serverName, std::string(exc.what()));
	}
}


void StdioTransport::readErrors()
{
	std::vector<char> buffer(CHUNK_SIZE);
	std::string line;
	auto flush = [this, &line]
	{
		if (!line.empty() && line.back() == '\r') line.pop_back();
		if (!isBlank(line)) _stderrLogger->information("%s", line);
		line.clear();
	};
	while (waitReadable(_errPipe))
	{
		int n = 0;
		try
		{
			n = _errPipe.readBytes(buffer.data(), static_cast<int>(buffer.size()));
		}
		catch (Poco::Exception&)
		{
			n = 0;
		}
		if (n <= 0) break;
		for (int i = 0; i < n; ++i)
		{
			if (buffer[i] == '\n') flush();
			else
			{
				line += buffer[i];
				if (line.size() >= LOG_LINE_LIMIT) flush();
			}
		}
	}
	flush();
}


void StdioTransport::reap()
{
	int code = -1;
	try
	{
		code = _handle->wait();
	}
	catch (Poco::Exception& exc)
	{
		_logger->error("Could not wait for MCP server '%s': %s", _serverName, exc.displayText());
	}
	bool stopping;
	{
		std::lock_guard<std::mutex> lock(_mutex);
		_exited = true;
		_exitCode = code;
		stopping = _stopping;
	}
	_condition.notify_all();
	if (stopping) return;
	// Normally the reader sees EOF right after the exit and reports it,
	// after every message. A grandchild that holds stdout open must not
	// keep the death unnoticed, though.
	std::unique_lock<std::mutex> lock(_mutex);
	bool ended = _condition.wait_for(lock, std::chrono::milliseconds(1000), [this] { return _outputEnded || _stopping; });
	lock.unlock();
	if (!ended) closeOnce(exitDescription() + " (its standard output is still open: a process it started lives on)");
}


void StdioTransport::rememberDescendants()
	/// Only while the child is not reaped is _pid still its pid and are its
	/// children linked to it.
{
	{
		std::lock_guard<std::mutex> lock(_mutex);
		if (_exited) return;
	}
	ProcessTree::merge(_descendants, ProcessTree::descendants(static_cast<int>(_pid)));
}


void StdioTransport::endLeftovers()
{
	std::vector<ProcessTree::Process> left = _descendants;
	ProcessTree::merge(left, ProcessTree::pipeHolders(_pipeNames));
	// Orphans are still the parents of what they started.
	for (const auto& process: ProcessTree::alive(left)) ProcessTree::merge(left, ProcessTree::descendants(process.pid));
	left = ProcessTree::alive(left);
	if (left.empty()) return;
	_logger->information("Processes started by MCP server '%s' outlived it (pid %s); waiting for them to end", _serverName, ProcessTree::describe(left));
	left = ProcessTree::waitGone(left, _shutdownTimeout);
	if (!left.empty())
	{
		ProcessTree::terminate(left);
		left = ProcessTree::waitGone(left, _shutdownTimeout);
	}
	if (!left.empty())
	{
		_logger->warning("Processes started by MCP server '%s' did not end on SIGTERM (pid %s); killing them", _serverName, ProcessTree::describe(left));
		ProcessTree::kill(left);
		left = ProcessTree::waitGone(left, _shutdownTimeout);
	}
	if (!left.empty())
		_logger->error("Processes started by MCP server '%s' are still running after SIGKILL (pid %s)", _serverName, ProcessTree::describe(left));
}


bool StdioTransport::waitExited(std::chrono::milliseconds timeout)
{
	std::unique_lock<std::mutex> lock(_mutex);
	return _condition.wait_for(lock, timeout, [this] { return _exited; });
}


std::string StdioTransport::exitDescription() const
{
	std::lock_guard<std::mutex> lock(_mutex);
	// Poco reports a death by signal as 256 + the signal number.
	if (_exitCode >= 256) return "the process was killed by signal " + std::to_string(_exitCode - 256);
	return "the process exited with code " + std::to_string(_exitCode);
}


void StdioTransport::closeOnce(const std::string& reason)
{
	std::lock_guard<std::mutex> deliverLock(_deliverMutex);
	McpTransportListener* listener;
	{
		std::lock_guard<std::mutex> lock(_mutex);
		if (_closed) return;
		_closed = true;
		if (_stopping) return; // stop() began it: not reported
		listener = _listener;
	}
	// Which program died is what an operator needs; its arguments only
	// when show_args allows.
	std::string described = reason + " (command line: " + commandLine() + ")";
	_logger->warning("MCP server '%s' ended: %s", _serverName, described);
	if (listener) listener->transportClosed(described);
}


void StdioTransport::stop()
{
	{
		std::lock_guard<std::mutex> lock(_mutex);
		if (!_started) return;
		_stopping = true;
	}
	_condition.notify_all();
	rememberDescendants();

	// 1. Closing stdin asks the server to end by itself (the spec's way).
	//    A write stuck on a child that does not read is not waited for
	//    longer than the shutdown timeout: the signals below end the
	//    child, and the write with it.
	{
		std::unique_lock<std::mutex> lock(_mutex);
		if (_condition.wait_for(lock, _shutdownTimeout, [this] { return !_writing; }) && !_stdinClosed)
		{
			_inPipe.close(Poco::Pipe::CLOSE_WRITE);
			_stdinClosed = true;
		}
	}
	bool exited = waitExited(_shutdownTimeout);
	// 2. Then a termination request, 3. then kill. The reaper has not reaped
	//    the child while _exited is false, so the pid is still ours.
	if (!exited)
	{
		_logger->information("MCP server '%s' did not end after stdin closed; requesting termination", _serverName);
		rememberDescendants();
		ProcessTree::terminate(_descendants);
		try
		{
			Poco::Process::requestTermination(_pid);
		}
		catch (Poco::Exception&)
		{
		}
		exited = waitExited(_shutdownTimeout);
	}
	if (!exited)
	{
		_logger->warning("MCP server '%s' did not end after a termination request; killing it", _serverName);
		rememberDescendants();
		ProcessTree::kill(_descendants);
		try
		{
			Poco::Process::kill(*_handle);
		}
		catch (Poco::Exception&)
		{
		}
	}
	// The reaper's wait() reaps the child: no zombie is left.
	if (_reaperThread.joinable()) _reaperThread.join();
	endLeftovers();

	// Wakes the readers even when a grandchild keeps the pipes open.
	char wake = 'x';
	try
	{
		_wakePipe.writeBytes(&wake, 1);
	}
	catch (Poco::Exception&)
	{
	}
	if (_outputThread.joinable()) _outputThread.join();
	if (_errorThread.joinable()) _errorThread.join();

	{
		// The child is gone, so a write that was stuck has failed by now.
		std::unique_lock<std::mutex> lock(_mutex);
		_condition.wait(lock, [this] { return !_writing; });
		_inPipe.close();
		_stdinClosed = true;
	}
	_outPipe.close();
	_errPipe.close();
	_wakePipe.close();
	_handle.reset();
	std::lock_guard<std::mutex> lock(_mutex);
	_started = false;
	_closed = true;
	_listener = nullptr;
}


} // namespace Nash
