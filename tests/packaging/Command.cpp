//
// Command.cpp
//


#include "Command.h"
#include "TestEnvironment.h"
#include "Poco/Environment.h"
#include "Poco/Exception.h"
#include "Poco/Path.h"
#include "Poco/Pipe.h"
#include "Poco/PipeStream.h"
#include "Poco/StreamCopier.h"
#include <chrono>
#include <memory>
#include <thread>


namespace NashTest {


Command::Result Command::run(const std::string& program, const std::vector<std::string>& args, const std::string& workDir, int timeoutSeconds, const Poco::Process::Env& env)
{
	Poco::Pipe outPipe;
	std::unique_ptr<Poco::ProcessHandle> handle(new Poco::ProcessHandle(
		Poco::Process::launch(program, args, workDir, nullptr, &outPipe, &outPipe, env)));
	outPipe.close(Poco::Pipe::CLOSE_WRITE);

	// The output is read while the program runs, so that a full pipe never
	// blocks it; the reader ends when the program (and its children) close it.
	Result result;
	std::thread reader([&outPipe, &result] {
		Poco::PipeInputStream in(outPipe);
		Poco::StreamCopier::copyToString(in, result.output);
	});
	int exitCode = -1;
	bool ended = waitUntil([&] {
		exitCode = handle->tryWait();
		return exitCode != -1 || !Poco::Process::isRunning(*handle);
	}, std::chrono::seconds(timeoutSeconds));
	if (!ended)
	{
		Poco::Process::kill(*handle);
		handle->wait();
		reader.join();
		throw Poco::TimeoutException(describe(program, args) + " still ran after " + std::to_string(timeoutSeconds) + " s; its output:\n" + result.output);
	}
	if (exitCode == -1) exitCode = handle->wait();
	reader.join();
	result.exitCode = exitCode;
	return result;
}


std::string Command::runChecked(const std::string& program, const std::vector<std::string>& args, const std::string& workDir, int timeoutSeconds, const Poco::Process::Env& env)
{
	Result result = run(program, args, workDir, timeoutSeconds, env);
	if (result.exitCode != 0)
		throw Poco::RuntimeException(describe(program, args) + " exited with " + std::to_string(result.exitCode) + "; its output:\n" + result.output);
	return result.output;
}


std::string Command::findProgram(const std::string& name)
{
	Poco::Path path;
	if (Poco::Path::find(Poco::Environment::get("PATH", ""), name, path)) return path.toString();
	return std::string();
}


std::string Command::describe(const std::string& program, const std::vector<std::string>& args)
{
	std::string text = program;
	for (const std::string& arg: args) text += " " + arg;
	return text;
}


} // namespace NashTest
