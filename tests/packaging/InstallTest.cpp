//
// InstallTest.cpp
//
// `cmake --install` of this build, and a plugin built out of tree against the
// installed SDK and loaded by the installed server.
//


#include "Command.h"
#include "HttpTestClient.h"
#include "PackagingEnvironment.h"
#include "ServerProcess.h"
#include "TestEnvironment.h"
#include <cppunit/TestFixture.h>
#include <cppunit/extensions/HelperMacros.h>
#include <chrono>


using NashTest::Command;
using NashTest::contains;
using NashTest::exists;


namespace {


const int installTimeoutSeconds = 300;
const std::string pluginFolder = "/lib/nash-llm-server/plugins/";


void configureAndBuild(const std::string& sourceDir, const std::string& buildDir, const std::string& prefix)
	/// Configures and builds the project in sourceDir against the SDK
	/// installed under prefix, with this build's generator and compiler.
{
	Command::runChecked(NashTest::cmakeCommand(), {
		"-S", sourceDir,
		"-B", buildDir,
		"-G", NASH_CMAKE_GENERATOR,
		"-DCMAKE_CXX_COMPILER=" NASH_CXX_COMPILER,
		"-DCMAKE_PREFIX_PATH=" + prefix}, buildDir, installTimeoutSeconds);
	std::string built = Command::runChecked(NashTest::cmakeCommand(), {"--build", buildDir, "--parallel", "2"},
		buildDir, installTimeoutSeconds);
	// What the SDK gives an out-of-tree project builds with -Wall -Wextra clean.
	CPPUNIT_ASSERT_MESSAGE(built, !contains(built, "warning:"));
}


void install(const std::string& prefix, const std::string& destDir = std::string())
{
	Poco::Process::Env env;
	if (!destDir.empty()) env["DESTDIR"] = destDir;
	Command::runChecked(NashTest::cmakeCommand(), {"--install", NashTest::buildDir(), "--prefix", prefix},
		NashTest::buildDir(), installTimeoutSeconds, env);
}


} // namespace


class InstallTest: public CppUnit::TestFixture
{
	CPPUNIT_TEST_SUITE(InstallTest);
	CPPUNIT_TEST(testInstallPutsEverythingUnderThePrefix);
	CPPUNIT_TEST(testUsrPrefixPutsConfigurationInEtc);
	CPPUNIT_TEST(testInstalledServerLoadsTemplatePluginBuiltAgainstInstalledSdk);
	CPPUNIT_TEST(testUpstreamComponentLinksOutOfTree);
	CPPUNIT_TEST_SUITE_END();

public:
	void testInstallPutsEverythingUnderThePrefix()
	{
		std::string prefix = NashTest::makeTempDir("prefix");
		install(prefix);

		for (const std::string& program: NashTest::installedPrograms())
			CPPUNIT_ASSERT_MESSAGE("bin/" + program, exists(prefix + "/bin/" + program));
		CPPUNIT_ASSERT(!NashTest::installedPlugins().empty());
		for (const std::string& plugin: NashTest::installedPlugins())
			CPPUNIT_ASSERT_MESSAGE(plugin, exists(prefix + pluginFolder + plugin + NASH_MODULE_SUFFIX));
		// Test-only plugins stay in the build.
		CPPUNIT_ASSERT(!exists(prefix + pluginFolder + "faulty" + NASH_MODULE_SUFFIX));

		CPPUNIT_ASSERT_EQUAL(NashTest::readTextFile(NashTest::sourceDir() + "/etc/llm_server.ini"),
			NashTest::readTextFile(prefix + "/etc/nash-llm-server/llm_server.ini"));
		// The unit names the installed binary and configuration.
		std::string unit = NashTest::readTextFile(prefix + "/lib/systemd/system/nash-llm-server.service");
		CPPUNIT_ASSERT_MESSAGE(unit, contains(unit, "\nExecStart=" + prefix + "/bin/llm_server --config=" + prefix + "/etc/nash-llm-server/llm_server.ini\n"));
		CPPUNIT_ASSERT(contains(unit, "\nUser=nash-llm\n"));

		CPPUNIT_ASSERT(exists(prefix + "/include/Nash/Plugin.h"));
		CPPUNIT_ASSERT(exists(prefix + "/include/Nash/ModelBackend.h"));
		CPPUNIT_ASSERT(exists(prefix + "/include/NashUpstream/UpstreamClient.h"));
		std::string cmakeDir = prefix + "/" NASH_INSTALL_LIBDIR "/cmake/NashLlmServerSDK/";
		for (const char* file: {"NashLlmServerSDKConfig.cmake", "NashLlmServerSDKConfigVersion.cmake",
		                        "NashLlmServerSDKTargets.cmake", "NashLlmServerSDKPlugin.cmake",
		                        "NashLlmServerSDKUpstreamTargets.cmake"})
			CPPUNIT_ASSERT_MESSAGE(file, exists(cmakeDir + file));
		CPPUNIT_ASSERT(exists(prefix + "/share/nash-llm-server/sdk/template/CMakeLists.txt"));
		CPPUNIT_ASSERT(exists(prefix + "/share/nash-llm-server/sdk/README.md"));
	}

	void testUsrPrefixPutsConfigurationInEtc()
	{
		// GNUInstallDirs' rule: under the prefix /usr the configuration is in
		// /etc, not /usr/etc (DESTDIR keeps the test off the real /usr).
		std::string root = NashTest::makeTempDir("destdir");
		install("/usr", root);

		CPPUNIT_ASSERT(exists(root + "/usr/bin/llm_server"));
		CPPUNIT_ASSERT(exists(root + "/usr" + pluginFolder + "echo" + NASH_MODULE_SUFFIX));
		CPPUNIT_ASSERT(exists(root + "/etc/nash-llm-server/llm_server.ini"));
		CPPUNIT_ASSERT(!exists(root + "/usr/etc"));
		std::string unit = NashTest::readTextFile(root + "/usr/lib/systemd/system/nash-llm-server.service");
		CPPUNIT_ASSERT_MESSAGE(unit, contains(unit, "\nExecStart=/usr/bin/llm_server --config=/etc/nash-llm-server/llm_server.ini\n"));
	}

	void testInstalledServerLoadsTemplatePluginBuiltAgainstInstalledSdk()
	{
		std::string prefix = NashTest::makeTempDir("prefix");
		install(prefix);

		// sdk/template as a project of its own, which knows the server only
		// through the installed package.
		std::string pluginBuild = NashTest::makeTempDir("template-build");
		configureAndBuild(NashTest::sourceDir() + "/sdk/template", pluginBuild, prefix);
		CPPUNIT_ASSERT(exists(pluginBuild + "/reverse" NASH_MODULE_SUFFIX));

		// nash_add_plugin's install rule puts it where a server installed
		// under the same prefix looks.
		std::string pluginPrefix = NashTest::makeTempDir("plugin-prefix");
		Command::runChecked(NashTest::cmakeCommand(), {"--install", pluginBuild, "--prefix", pluginPrefix},
			pluginBuild, installTimeoutSeconds);
		CPPUNIT_ASSERT(exists(pluginPrefix + pluginFolder + "reverse" NASH_MODULE_SUFFIX));

		NashTest::ServerProcess::Options options;
		options.binary = prefix + "/bin/llm_server";
		options.iniText =
			"[plugins]\n"
			"path = " + pluginBuild + ", ${application.dir}../lib/nash-llm-server/plugins\n"
			"[chat]\n"
			"default_model = reverse\n"
			"[backend.reverse]\n"
			"plugin = reverse\n"
			"delay_ms = 5000\n";
		NashTest::ServerProcess server(options);
		server.start();
		CPPUNIT_ASSERT_MESSAGE(server.output(), contains(server.output(), "plugin 'reverse' (" + pluginBuild + "/reverse"));
		// The server's own plugins come from the installed plugin folder.
		CPPUNIT_ASSERT_MESSAGE(server.output(), contains(server.output(), "plugin 'echo' (" + prefix + pluginFolder + "echo"));

		NashTest::HttpTestClient client(server.port());
		// delay_ms applies between words: a one-word message answers at once.
		std::vector<std::string> events = NashTest::HttpTestClient::dataEvents(client.post("/v1/chat/completions/stream",
			"{\"session_id\": \"pkg\", \"messages\": [{\"role\": \"user\", \"content\": \"hello\"}]}").body);
		std::vector<std::string> expected{"{\"session_id\": \"pkg\"}", "{\"content\": \"hello\"}", "{\"session_id\": \"pkg\"}", "[DONE]"};
		CPPUNIT_ASSERT(expected == events);

		// Several words stream one event each, last word first; the client
		// leaves after the first, and the backend's wait between words ends
		// at once instead of after delay_ms.
		auto stream = client.openStream("/v1/chat/completions/stream",
			"{\"session_id\": \"pkg\", \"model\": \"reverse\", \"messages\": [{\"role\": \"user\", \"content\": \"one two three\"}]}");
		std::string data;
		CPPUNIT_ASSERT(stream->nextEvent(data));
		CPPUNIT_ASSERT_EQUAL(std::string("{\"session_id\": \"pkg\"}"), data);
		CPPUNIT_ASSERT(stream->nextEvent(data));
		CPPUNIT_ASSERT_EQUAL(std::string("{\"content\": \"three\"}"), data);
		stream->disconnect();
		CPPUNIT_ASSERT_MESSAGE(server.output(), server.waitForOutput("outcome=client-gone", 3000));

		// Without delay the whole answer streams: the words reversed, one event each.
		NashTest::ServerProcess::Options fastOptions = options;
		fastOptions.iniText += "[backend.backwards]\nplugin = reverse\nmodels = backwards\n";
		NashTest::ServerProcess fastServer(fastOptions);
		fastServer.start();
		events = NashTest::HttpTestClient::dataEvents(NashTest::HttpTestClient(fastServer.port()).post("/v1/chat/completions/stream",
			"{\"session_id\": \"pkg\", \"model\": \"backwards\", \"messages\": [{\"role\": \"user\", \"content\": \"one two  three\"}]}").body);
		expected = {"{\"session_id\": \"pkg\"}", "{\"content\": \"three\"}", "{\"content\": \" two\"}", "{\"content\": \" one\"}",
			"{\"session_id\": \"pkg\"}", "[DONE]"};
		CPPUNIT_ASSERT(expected == events);
		CPPUNIT_ASSERT_EQUAL(0, fastServer.stop());
		CPPUNIT_ASSERT_EQUAL(0, server.stop());
	}

	void testUpstreamComponentLinksOutOfTree()
	{
		// The optional component: its headers, its static library and the
		// Poco libraries it needs reach a project that asks for it.
		std::string prefix = NashTest::makeTempDir("prefix");
		install(prefix);
		std::string project = NashTest::makeTempDir("upstream-project");
		NashTest::writeFile(project + "/CMakeLists.txt",
			"cmake_minimum_required(VERSION 3.16)\n"
			"project(UpstreamProbe LANGUAGES CXX)\n"
			"find_package(NashLlmServerSDK " NASH_PROJECT_VERSION " REQUIRED COMPONENTS Upstream)\n"
			"add_compile_options(-Wall -Wextra)\n"
			"add_executable(probe probe.cpp)\n"
			"target_link_libraries(probe PRIVATE NashLlmServerSDK::Upstream)\n");
		NashTest::writeFile(project + "/probe.cpp",
			"#include \"NashUpstream/SseParser.h\"\n"
			"#include <iostream>\n"
			"int main()\n"
			"{\n"
			"\tNashUpstream::SseParser parser([](const NashUpstream::SseEvent& event) { std::cout << \"event:\" << event.data << std::endl; });\n"
			"\tconst char text[] = \"data: hello\\n\\n\";\n"
			"\tparser.feed(text, sizeof(text) - 1);\n"
			"\treturn 0;\n"
			"}\n");
		std::string build = NashTest::makeTempDir("upstream-build");
		configureAndBuild(project, build, prefix);
		std::string output = Command::runChecked(build + "/probe", {}, build, 60);
		CPPUNIT_ASSERT_EQUAL(std::string("event:hello\n"), output);
	}
};


CPPUNIT_TEST_SUITE_REGISTRATION(InstallTest);
