//
// PluginLoaderTest.cpp
//


#include "TestEnvironment.h"
#include "core/app/PluginLoader.h"
#include "Nash/Plugin.h"
#include <cppunit/extensions/HelperMacros.h>


namespace {


std::string testPlugin(const std::string& name)
{
	return NashTest::testPluginDir() + "/" + Nash::PluginLoader::fileName(name);
}


Nash::PluginInfo infoOf(const Nash::PluginLoader& loader, const std::string& name)
{
	for (const auto& info: loader.plugins())
	{
		if (info.name == name) return info;
	}
	CPPUNIT_FAIL("no record of plugin " + name);
	return Nash::PluginInfo();
}


} // namespace


class PluginLoaderTest: public CppUnit::TestFixture
{
	CPPUNIT_TEST_SUITE(PluginLoaderTest);
	CPPUNIT_TEST(testFileNameUsesPlatformSuffix);
	CPPUNIT_TEST(testLoadsAndCreatesBackend);
	CPPUNIT_TEST(testRefusesOtherSdkVersionNamingBoth);
	CPPUNIT_TEST(testRefusesLibraryThatIsNoPlugin);
	CPPUNIT_TEST(testMissingFile);
	CPPUNIT_TEST(testWrongKindAndUnknownName);
	CPPUNIT_TEST(testLoadFolder);
	CPPUNIT_TEST_SUITE_END();

public:
	void testFileNameUsesPlatformSuffix()
	{
		std::string name = Nash::PluginLoader::fileName("echo");
		CPPUNIT_ASSERT(name == "echo.so" || name == "echo.dll" || name == "echo.dylib" || name == "echod.so" || name == "echod.dll");
	}

	void testLoadsAndCreatesBackend()
	{
		Nash::PluginLoader loader;
		CPPUNIT_ASSERT(loader.load("faulty", testPlugin("faulty")));
		CPPUNIT_ASSERT(loader.isLoaded("faulty"));
		CPPUNIT_ASSERT_EQUAL(std::string(NASH_PLUGIN_KIND_MODEL_BACKEND), loader.kindOf("faulty"));
		std::unique_ptr<Nash::BlockingBackend> backend = loader.createBackend("faulty");
		CPPUNIT_ASSERT(backend != nullptr);
		CPPUNIT_ASSERT_EQUAL(std::string("faulty-model"), backend->defaultModel());
		Nash::PluginInfo info = infoOf(loader, "faulty");
		CPPUNIT_ASSERT_EQUAL(NASH_SDK_VERSION, info.sdkVersion);
		CPPUNIT_ASSERT(info.error.empty());
	}

	void testRefusesOtherSdkVersionNamingBoth()
	{
		Nash::PluginLoader loader;
		CPPUNIT_ASSERT(!loader.load("wrong_sdk", testPlugin("wrong_sdk")));
		CPPUNIT_ASSERT(!loader.isLoaded("wrong_sdk"));
		Nash::PluginInfo info = infoOf(loader, "wrong_sdk");
		CPPUNIT_ASSERT_EQUAL(NASH_SDK_VERSION - 1, info.sdkVersion);
		CPPUNIT_ASSERT(info.error.find("built against SDK version " + std::to_string(NASH_SDK_VERSION - 1) + ",") != std::string::npos);
		CPPUNIT_ASSERT(info.error.find("supports SDK version " + std::to_string(NASH_SDK_VERSION)) != std::string::npos);
		CPPUNIT_ASSERT_THROW(loader.createBackend("wrong_sdk"), Poco::NotFoundException);
	}

	void testRefusesLibraryThatIsNoPlugin()
	{
		Nash::PluginLoader loader;
		CPPUNIT_ASSERT(!loader.load("not_a_plugin", testPlugin("not_a_plugin")));
		CPPUNIT_ASSERT(infoOf(loader, "not_a_plugin").error.find("not a nash-llm-server plugin") != std::string::npos);
	}

	void testMissingFile()
	{
		Nash::PluginLoader loader;
		CPPUNIT_ASSERT(!loader.load("ghost", testPlugin("ghost")));
		CPPUNIT_ASSERT(infoOf(loader, "ghost").error.find("does not exist") != std::string::npos);
	}

	void testWrongKindAndUnknownName()
	{
		Nash::PluginLoader loader;
		CPPUNIT_ASSERT(loader.load("faulty", testPlugin("faulty")));
		CPPUNIT_ASSERT_THROW(loader.createTransport("faulty"), Poco::InvalidArgumentException);
		CPPUNIT_ASSERT_THROW(loader.createBackend("nothing"), Poco::NotFoundException);
	}

	void testLoadFolder()
	{
		Nash::PluginLoader loader;
		// faulty loads; wrong_sdk and not_a_plugin are refused without stopping the others.
		CPPUNIT_ASSERT(loader.loadFolder(NashTest::testPluginDir()) >= 1);
		CPPUNIT_ASSERT(loader.isLoaded("faulty"));
		CPPUNIT_ASSERT(!loader.isLoaded("wrong_sdk"));
		CPPUNIT_ASSERT(!loader.isLoaded("not_a_plugin"));
	}
};


CPPUNIT_TEST_SUITE_REGISTRATION(PluginLoaderTest);
