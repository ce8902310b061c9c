//
// SanitizerReports.cpp
//


#include "SanitizerReports.h"
#include "Poco/Environment.h"
#include "Poco/Exception.h"
#include "Poco/File.h"
#include "Poco/FileStream.h"
#include "Poco/Path.h"
#include "Poco/Process.h"
#include "Poco/StreamCopier.h"
#include <atomic>
#include <mutex>
#include <set>


extern "C" void __sanitizer_set_report_path(const char* path) __attribute__((weak));


namespace NashTest {


namespace {


const char* const optionVariables[] = {"ASAN_OPTIONS", "UBSAN_OPTIONS", "LSAN_OPTIONS", "TSAN_OPTIONS"};


std::mutex& reportMutex()
{
	static std::mutex mutex;
	return mutex;
}


std::vector<std::string>& reports()
{
	static std::vector<std::string> list;
	return list;
}


std::set<std::string>& takenFiles()
{
	static std::set<std::string> files;
	return files;
}


std::string configuredLogDir()
	/// The folder of the last log_path in the options of this process.
{
	for (const char* variable: optionVariables)
	{
		std::string options = Poco::Environment::get(variable, "");
		std::string::size_type at = options.rfind("log_path=");
		if (at == std::string::npos) continue;
		at += 9;
		std::string::size_type end = options.find_first_of(": ", at);
		std::string path = options.substr(at, end == std::string::npos ? std::string::npos : end - at);
		if (path.empty() || path == "stderr" || path == "stdout") continue;
		return Poco::Path(path).parent().toString();
	}
	return std::string();
}


} // namespace


std::string sanitizerLogPrefix(const std::string& label, const std::string& fallbackDir)
{
	static std::atomic<int> counter{0};
	std::string dir = configuredLogDir();
	if (dir.empty()) dir = fallbackDir;
	Poco::File(dir).createDirectories();
	return Poco::Path(dir, label + "-" + std::to_string(Poco::Process::id()) + "-" + std::to_string(++counter)).toString();
}


void addSanitizerLogPath(Poco::Process::Env& env, const std::string& prefix)
{
	// Only a sanitizer runtime defines it: other builds leave the child's
	// environment alone.
	if (!__sanitizer_set_report_path) return;
	for (const char* variable: optionVariables)
	{
		std::string options = env.count(variable) ? env[variable] : Poco::Environment::get(variable, "");
		if (!options.empty()) options += ":";
		env[variable] = options + "log_path=" + prefix;
	}
}


void collectSanitizerReports(const std::string& prefix)
{
	Poco::Path prefixPath(prefix);
	Poco::File dir(prefixPath.parent());
	if (!dir.exists()) return;
	std::vector<std::string> names;
	dir.list(names);
	std::string stem = prefixPath.getFileName() + ".";
	for (const auto& name: names)
	{
		if (name.compare(0, stem.size(), stem) != 0) continue;
		std::string path = Poco::Path(prefixPath.parent(), name).toString();
		std::lock_guard<std::mutex> lock(reportMutex());
		if (!takenFiles().insert(path).second) continue;
		std::string text;
		try
		{
			Poco::FileInputStream in(path);
			Poco::StreamCopier::copyToString(in, text);
		}
		catch (Poco::Exception& exc)
		{
			text = "(unreadable: " + exc.displayText() + ")";
		}
		reports().push_back(path + ":\n" + text);
	}
}


std::vector<std::string> sanitizerReports()
{
	std::lock_guard<std::mutex> lock(reportMutex());
	return reports();
}


void reportToStandardError()
{
	if (__sanitizer_set_report_path) __sanitizer_set_report_path("stderr");
}


} // namespace NashTest
