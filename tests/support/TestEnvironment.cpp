//
// TestEnvironment.cpp
//


#include "TestEnvironment.h"
#include "Poco/File.h"
#include "Poco/FileStream.h"
#include "Poco/Path.h"
#include "Poco/StreamCopier.h"
#include "Poco/TemporaryFile.h"
#include <thread>


namespace NashTest {


std::string serverBinary()
{
	return NASH_SERVER_BINARY;
}


std::string pluginDir()
{
	return NASH_PLUGIN_DIR;
}


std::string testPluginDir()
{
	return NASH_TEST_PLUGIN_DIR;
}


std::string sourceDir()
{
	return NASH_SOURCE_DIR;
}


std::string makeTempDir(const std::string& label)
{
	std::string path = Poco::TemporaryFile::tempName(Poco::Path::temp()) + "-" + label;
	Poco::File(path).createDirectories();
	Poco::TemporaryFile::registerForDeletion(path);
	return path;
}


void writeFile(const std::string& path, const std::string& content)
{
	Poco::FileOutputStream out(path, std::ios::out | std::ios::trunc | std::ios::binary);
	out << content;
	out.close();
}


bool waitUntil(const std::function<bool()>& condition, std::chrono::milliseconds timeout)
{
	auto deadline = std::chrono::steady_clock::now() + timeout;
	while (!condition())
	{
		if (std::chrono::steady_clock::now() >= deadline) return false;
		std::this_thread::sleep_for(std::chrono::milliseconds(5));
	}
	return true;
}


std::string npmPackageUnavailable(const std::string& node, const std::string& folder, const std::string& checkFile)
{
	if (node.empty()) return "node is not installed";
	if (Poco::File(folder + "/UNAVAILABLE").exists())
	{
		Poco::FileInputStream in(folder + "/UNAVAILABLE");
		std::string reason;
		Poco::StreamCopier::copyToString(in, reason);
		return reason;
	}
	if (!Poco::File(checkFile).exists()) return "the package is not installed (" + checkFile + " is missing; run its install test first)";
	return std::string();
}


} // namespace NashTest
