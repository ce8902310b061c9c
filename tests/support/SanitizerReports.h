//
// SanitizerReports.h
//
// Sanitizer reports of the processes a test starts. A child's standard error
// goes into a pipe that few tests look at, so under a sanitizer the child
// writes its reports to files instead, and the runner fails when any appear.
//


#ifndef Nash_SanitizerReports_INCLUDED
#define Nash_SanitizerReports_INCLUDED


#include "Poco/Process.h"
#include <string>
#include <vector>


namespace NashTest {


std::string sanitizerLogPrefix(const std::string& label, const std::string& fallbackDir);
	/// A fresh report-file prefix for one child process (and whatever it
	/// starts in turn): in the folder of the log_path the sanitizer options
	/// of this process name, else in fallbackDir.

void addSanitizerLogPath(Poco::Process::Env& env, const std::string& prefix);
	/// Sets log_path=prefix in the child's ASAN, UBSAN, LSAN and TSAN
	/// options, keeping the options this process was given. Does nothing
	/// in a build without a sanitizer.

void collectSanitizerReports(const std::string& prefix);
	/// Takes every report file written under prefix that was not taken yet.

std::vector<std::string> sanitizerReports();
	/// The reports taken so far, each with the file it came from.

void reportToStandardError();
	/// Sends the reports of this process itself to standard error, so that
	/// they appear in the test's own output (a no-op without a sanitizer).


} // namespace NashTest


#endif // Nash_SanitizerReports_INCLUDED
