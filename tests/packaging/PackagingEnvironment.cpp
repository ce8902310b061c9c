//
// PackagingEnvironment.cpp
//


#include "PackagingEnvironment.h"
#include "Poco/File.h"
#include "Poco/FileStream.h"
#include "Poco/StreamCopier.h"
#include "Poco/StringTokenizer.h"


namespace NashTest {


namespace {


std::vector<std::string> splitList(const std::string& text)
{
	Poco::StringTokenizer items(text, ",", Poco::StringTokenizer::TOK_TRIM | Poco::StringTokenizer::TOK_IGNORE_EMPTY);
	return std::vector<std::string>(items.begin(), items.end());
}


} // namespace


std::string cmakeCommand()
{
	return NASH_CMAKE_COMMAND;
}


std::string cpackCommand()
{
	return NASH_CPACK_COMMAND;
}


std::string buildDir()
{
	return NASH_BINARY_DIR;
}


std::vector<std::string> installedPlugins()
{
	return splitList(NASH_INSTALLED_PLUGINS);
}


std::vector<std::string> installedPrograms()
{
	return splitList(NASH_INSTALLED_PROGRAMS);
}


std::vector<std::string> debPocoPackages()
{
	return splitList(NASH_DEB_POCO_PACKAGES);
}


std::string readTextFile(const std::string& path)
{
	Poco::FileInputStream in(path);
	std::string text;
	Poco::StreamCopier::copyToString(in, text);
	return text;
}


bool exists(const std::string& path)
{
	return Poco::File(path).exists();
}


bool contains(const std::string& text, const std::string& part)
{
	return text.find(part) != std::string::npos;
}


} // namespace NashTest
