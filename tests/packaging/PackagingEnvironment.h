//
// PackagingEnvironment.h
//
// What the packaging tests know of the build they belong to, and small file
// helpers they share.
//


#ifndef Nash_PackagingEnvironment_INCLUDED
#define Nash_PackagingEnvironment_INCLUDED


#include <string>
#include <vector>


namespace NashTest {


std::string cmakeCommand();
	/// The cmake that configured this build.

std::string cpackCommand();
	/// The cpack beside it.

std::string buildDir();
	/// This build's folder: what the tests install and package.

std::vector<std::string> installedPlugins();
	/// The names of the plugins the build installs.

std::vector<std::string> installedPrograms();
	/// The names of the programs the build installs into bin/.

std::vector<std::string> debPocoPackages();
	/// The Debian packages of the Poco libraries the installed binaries link.

std::string readTextFile(const std::string& path);
	/// The whole file; throws Poco::FileNotFoundException when it is missing.

bool exists(const std::string& path);
	/// True when path is a file or a folder.

bool contains(const std::string& text, const std::string& part);


} // namespace NashTest


#endif // Nash_PackagingEnvironment_INCLUDED
