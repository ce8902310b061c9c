//
// TestEnvironment.h
//
// Where the build put what the tests need, and small shared test utilities.
//


#ifndef Nash_TestEnvironment_INCLUDED
#define Nash_TestEnvironment_INCLUDED


#include <chrono>
#include <functional>
#include <string>


namespace NashTest {


std::string serverBinary();
	/// The llm_server binary of this build.

std::string pluginDir();
	/// The folder the build puts the server's plugins in.

std::string testPluginDir();
	/// The folder the build puts the test-only plugins in.

std::string sourceDir();
	/// The project's source tree.

std::string makeTempDir(const std::string& label);
	/// Creates and returns a fresh folder for one test's files.

void writeFile(const std::string& path, const std::string& content);
	/// Writes content to path, replacing it.

std::string npmPackageUnavailable(const std::string& node, const std::string& folder, const std::string& checkFile);
	/// Why an npm package that a ctest fixture installs into folder cannot
	/// be used (node missing, the fixture's UNAVAILABLE note, checkFile
	/// absent), or empty when it can.

bool waitUntil(const std::function<bool()>& condition, std::chrono::milliseconds timeout);
	/// Polls condition every few milliseconds until it is true (returns true)
	/// or the timeout passed (returns false).


} // namespace NashTest


#endif // Nash_TestEnvironment_INCLUDED
