//
// ServerProcess.cpp
//


#include "ServerProcess.h"
#include "HttpTestClient.h"
#include "SanitizerReports.h"
#include "TestEnvironment.h"
#include "Poco/Exception.h"
#include "Poco/File.h"
#include "Poco/FileStream.h"
#include "Poco/NumberParser.h"
#include "Poco/Path.h"
#include "Poco/String.h"
#include <chrono>


namespace NashTest {


ServerProcess::ServerProcess(): ServerProcess(Options())
{
}


ServerProcess::ServerProcess(Options options): _options(std::move(options))
{
	if (_options.binary.empty()) _options.binary = serverBinary();
	_workDir = makeTempDir("server");
}


ServerProcess::~ServerProcess()
{
	try
	{
		stop();
	}
	catch (...)
	{
	}
}


void ServerProcess::launch()
{
	std::string portFile = _workDir + "/port";
	if (Poco::File(portFile).exists()) Poco::File(portFile).remove(false);
	std::vector<std::string> args;
	if (!_options.iniText.empty())
	{
		std::string iniPath = _workDir + "/llm_server.ini";
		writeFile(iniPath, _options.iniText);
		args.push_back("--config=" + iniPath);
	}
	if (_options.fixedPort == 0)
	{
		args.push_back("--port=0");
		args.push_back("--port-file=" + portFile);
	}
	args.insert(args.end(), _options.extraArgs.begin(), _options.extraArgs.end());

	// The provider variables of the machine must not change what a test sees:
	// empty means unset to the server. A test sets them through Options::env.
	Poco::Process::Env env;
	for (const char* name: {"OPENAI_API_KEY", "OPENAI_BASE_URL", "ANTHROPIC_API_KEY", "ANTHROPIC_BASE_URL", "OLLAMA_HOST"}) env[name] = "";
	for (const auto& variable: _options.env) env[variable.first] = variable.second;
	if (_logPrefix.empty()) _logPrefix = sanitizerLogPrefix(Poco::Path(_options.binary).getFileName(), _workDir);
	addSanitizerLogPath(env, _logPrefix);
	_handle.reset(new Poco::ProcessHandle(Poco::Process::launch(_options.binary, args, _workDir, nullptr, &_outPipe, &_outPipe, env)));
	_outPipe.close(Poco::Pipe::CLOSE_WRITE);
	_drainThread = std::thread([this] { drain(); });
}


void ServerProcess::start()
{
	launch();
	std::string portFile = _workDir + "/port";
	bool ready = waitUntil([&] {
		if (!isRunning()) return true;
		if (_options.fixedPort != 0)
		{
			_port = _options.fixedPort;
		}
		else
		{
			Poco::File file(portFile);
			if (!file.exists()) return false;
			Poco::FileInputStream in(portFile);
			std::string text;
			std::getline(in, text);
			int port = 0;
			if (!Poco::NumberParser::tryParse(Poco::trim(text), port) || port <= 0) return false;
			_port = port;
		}
		try
		{
			return HttpTestClient(_port).get("/health").status == 200;
		}
		catch (Poco::Exception&)
		{
			return false;
		}
	}, std::chrono::seconds(20));
	if (!ready || !isRunning())
	{
		std::string why = isRunning() ? "server did not become ready in time" : "server exited during start";
		stop();
		throw Poco::TimeoutException(why + "; its output:\n" + output());
	}
}


int ServerProcess::stop()
{
	if (!_handle) return _exitCode;
	if (!_exited)
	{
		if (isRunning()) Poco::Process::requestTermination(_handle->id());
		if (waitForExit(10000) == -1000)
		{
			Poco::Process::kill(*_handle);
			_exitCode = _handle->wait();
			_exited = true;
		}
	}
	if (_drainThread.joinable()) _drainThread.join();
	collectSanitizerReports(_logPrefix);
	return _exitCode;
}


int ServerProcess::waitForExit(int timeoutMs)
{
	if (!_handle) return _exitCode;
	if (_exited) return _exitCode;
	bool ended = waitUntil([&] { return !isRunning(); }, std::chrono::milliseconds(timeoutMs));
	if (!ended) return -1000;
	return _exitCode;
}


bool ServerProcess::isRunning() const
{
	if (!_handle || _exited) return false;
	int code = _handle->tryWait();
	if (code == -1 && Poco::Process::isRunning(*_handle)) return true;
	auto* self = const_cast<ServerProcess*>(this);
	self->_exitCode = code;
	self->_exited = true;
	return false;
}


int ServerProcess::port() const
{
	return _port;
}


Poco::ProcessHandle::PID ServerProcess::pid() const
{
	return _handle ? _handle->id() : 0;
}


std::string ServerProcess::output() const
{
	std::lock_guard<std::mutex> lock(_outputMutex);
	return _output;
}


bool ServerProcess::waitForOutput(const std::string& text, int timeoutMs) const
{
	return waitUntil([&] { return output().find(text) != std::string::npos; }, std::chrono::milliseconds(timeoutMs));
}


std::string ServerProcess::workDir() const
{
	return _workDir;
}


void ServerProcess::drain()
{
	char buffer[4096];
	for (;;)
	{
		int n = 0;
		try
		{
			n = _outPipe.readBytes(buffer, sizeof(buffer));
		}
		catch (Poco::Exception&)
		{
			n = 0;
		}
		if (n <= 0) break;
		std::lock_guard<std::mutex> lock(_outputMutex);
		_output.append(buffer, n);
	}
}


} // namespace NashTest
