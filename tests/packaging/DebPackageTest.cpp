//
// DebPackageTest.cpp
//
// `cpack -G DEB` of this build, and what the package holds.
//


#include "Command.h"
#include "PackagingEnvironment.h"
#include "TestEnvironment.h"
#include "Poco/DirectoryIterator.h"
#include "Poco/Exception.h"
#include "Poco/Path.h"
#include "Poco/String.h"
#include <cppunit/TestFixture.h>
#include <cppunit/extensions/HelperMacros.h>
#include <iostream>


using NashTest::Command;
using NashTest::contains;


namespace {


const int cpackTimeoutSeconds = 300;


std::string dpkgDeb()
{
	static const std::string path = Command::findProgram("dpkg-deb");
	return path;
}


bool skipWithoutDpkgDeb(const std::string& test)
{
	if (!dpkgDeb().empty()) return false;
	std::cout << std::endl << "SKIPPED: dpkg-deb not available (" << test << ")" << std::endl;
	return true;
}


const std::string& builtPackage()
	/// Builds the package once for the suite, into a folder of its own with
	/// the build's own CPack configuration, and returns its path.
{
	static std::string package;
	if (!package.empty()) return package;
	std::string outDir = NashTest::makeTempDir("cpack");
	Command::runChecked(NashTest::cpackCommand(), {"-G", "DEB", "--config", NashTest::buildDir() + "/CPackConfig.cmake", "-B", outDir},
		outDir, cpackTimeoutSeconds);
	std::vector<std::string> found;
	for (Poco::DirectoryIterator it(outDir), end; it != end; ++it)
	{
		if (Poco::endsWith(it.name(), std::string(".deb"))) found.push_back(it.path().toString());
	}
	if (found.size() != 1) throw Poco::RuntimeException("cpack made " + std::to_string(found.size()) + " .deb files in " + outDir);
	package = found.front();
	return package;
}


std::string debInfo(const std::vector<std::string>& args)
{
	std::vector<std::string> all = args;
	all.insert(all.begin() + 1, builtPackage());
	return Command::runChecked(dpkgDeb(), all, NashTest::buildDir(), cpackTimeoutSeconds);
}


} // namespace


class DebPackageTest: public CppUnit::TestFixture
{
	CPPUNIT_TEST_SUITE(DebPackageTest);
	CPPUNIT_TEST(testPackageIsNamedAfterVersionAndArchitecture);
	CPPUNIT_TEST(testPackageHoldsServerPluginsConfigurationUnitAndSdk);
	CPPUNIT_TEST(testPackageDependsOnPocoRuntimePackages);
	CPPUNIT_TEST(testConfigurationIsConffileScriptsAndUnitAreThere);
	CPPUNIT_TEST_SUITE_END();

public:
	void testPackageIsNamedAfterVersionAndArchitecture()
	{
		if (skipWithoutDpkgDeb("testPackageIsNamedAfterVersionAndArchitecture")) return;
		std::string architecture = Poco::trim(debInfo({"-f", "Architecture"}));
		std::string expected = "nash-llm-server_" NASH_PROJECT_VERSION "_" + architecture + ".deb";
		CPPUNIT_ASSERT_EQUAL(expected, Poco::Path(builtPackage()).getFileName());
		CPPUNIT_ASSERT_EQUAL(std::string("nash-llm-server"), Poco::trim(debInfo({"-f", "Package"})));
		CPPUNIT_ASSERT_EQUAL(std::string(NASH_PROJECT_VERSION), Poco::trim(debInfo({"-f", "Version"})));
	}

	void testPackageHoldsServerPluginsConfigurationUnitAndSdk()
	{
		if (skipWithoutDpkgDeb("testPackageHoldsServerPluginsConfigurationUnitAndSdk")) return;
		std::string listing = debInfo({"-c"});
		std::vector<std::string> expected{
			"./etc/nash-llm-server/llm_server.ini",
			"./usr/lib/systemd/system/nash-llm-server.service",
			"./usr/include/Nash/Plugin.h",
			"./usr/include/Nash/ModelBackend.h",
			"./usr/include/NashUpstream/UpstreamClient.h",
			"./usr/" NASH_INSTALL_LIBDIR "/cmake/NashLlmServerSDK/NashLlmServerSDKConfig.cmake",
			"./usr/" NASH_INSTALL_LIBDIR "/cmake/NashLlmServerSDK/NashLlmServerSDKConfigVersion.cmake",
			"./usr/" NASH_INSTALL_LIBDIR "/cmake/NashLlmServerSDK/NashLlmServerSDKTargets.cmake",
			"./usr/" NASH_INSTALL_LIBDIR "/cmake/NashLlmServerSDK/NashLlmServerSDKPlugin.cmake",
			"./usr/share/nash-llm-server/sdk/template/ReverseBackend.cpp"};
		for (const std::string& program: NashTest::installedPrograms()) expected.push_back("./usr/bin/" + program);
		for (const std::string& plugin: NashTest::installedPlugins())
			expected.push_back("./usr/lib/nash-llm-server/plugins/" + plugin + NASH_MODULE_SUFFIX);
		for (const std::string& path: expected)
			CPPUNIT_ASSERT_MESSAGE(path + " is not in the package:\n" + listing, contains(listing, " " + path + "\n"));
		// Nothing under /usr/etc or /usr/local: the prefix is /usr, the configuration in /etc.
		CPPUNIT_ASSERT_MESSAGE(listing, !contains(listing, "./usr/etc/"));
		CPPUNIT_ASSERT_MESSAGE(listing, !contains(listing, "./usr/local/"));
	}

	void testPackageDependsOnPocoRuntimePackages()
	{
		if (skipWithoutDpkgDeb("testPackageDependsOnPocoRuntimePackages")) return;
		std::string depends = debInfo({"-f", "Depends"});
		CPPUNIT_ASSERT(!NashTest::debPocoPackages().empty());
		for (const std::string& package: NashTest::debPocoPackages())
			CPPUNIT_ASSERT_MESSAGE(package + " is not in Depends: " + depends, contains(", " + depends, ", " + package));
		// postinst creates the service user with adduser.
		CPPUNIT_ASSERT_MESSAGE(depends, contains(", " + depends, ", adduser"));
	}

	void testConfigurationIsConffileScriptsAndUnitAreThere()
	{
		if (skipWithoutDpkgDeb("testConfigurationIsConffileScriptsAndUnitAreThere")) return;
		CPPUNIT_ASSERT_EQUAL(std::string("/etc/nash-llm-server/llm_server.ini"), Poco::trim(debInfo({"-I", "conffiles"})));
		CPPUNIT_ASSERT_EQUAL(NashTest::readTextFile(NashTest::sourceDir() + "/etc/debian/postinst"), debInfo({"-I", "postinst"}));
		CPPUNIT_ASSERT_EQUAL(NashTest::readTextFile(NashTest::sourceDir() + "/etc/debian/prerm"), debInfo({"-I", "prerm"}));
		CPPUNIT_ASSERT_EQUAL(NashTest::readTextFile(NashTest::sourceDir() + "/etc/debian/postrm"), debInfo({"-I", "postrm"}));
		// The unit in the package names the package's paths.
		std::string tree = NashTest::makeTempDir("deb-tree");
		debInfo({"-x", tree});
		std::string unit = NashTest::readTextFile(tree + "/usr/lib/systemd/system/nash-llm-server.service");
		CPPUNIT_ASSERT_MESSAGE(unit, contains(unit, "\nExecStart=/usr/bin/llm_server --config=/etc/nash-llm-server/llm_server.ini\n"));
	}
};


CPPUNIT_TEST_SUITE_REGISTRATION(DebPackageTest);
