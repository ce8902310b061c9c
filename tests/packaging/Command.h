//
// Command.h
//


#ifndef Nash_Command_INCLUDED
#define Nash_Command_INCLUDED


#include "Poco/Process.h"
#include <string>
#include <vector>


namespace NashTest {


class Command
	/// An external program run to its end with its output collected (standard
	/// output and error together): the cmake, cpack, dpkg-deb and shell runs of
	/// the packaging tests.
{
public:
	struct Result
	{
		int exitCode = -1;
		std::string output;
	};

	static Result run(const std::string& program, const std::vector<std::string>& args, const std::string& workDir, int timeoutSeconds, const Poco::Process::Env& env = Poco::Process::Env());
		/// Runs program and waits for it. Throws Poco::TimeoutException, with
		/// the command line and its output so far, when it runs longer than
		/// timeoutSeconds (it is killed then).

	static std::string runChecked(const std::string& program, const std::vector<std::string>& args, const std::string& workDir, int timeoutSeconds, const Poco::Process::Env& env = Poco::Process::Env());
		/// Like run(), and returns the output. Throws Poco::RuntimeException,
		/// with the command line and its output, when the exit code is not 0.

	static std::string findProgram(const std::string& name);
		/// The path of name found in PATH; empty when it is not there.

	static std::string describe(const std::string& program, const std::vector<std::string>& args);
		/// The command line, for messages.
};


} // namespace NashTest


#endif // Nash_Command_INCLUDED
