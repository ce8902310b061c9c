//
// MaintainerScriptsTest.cpp
//
// The .deb's maintainer scripts (etc/debian/), run as dpkg runs them on
// an installation, a reinstallation, a removal and a purge. The commands that
// change the system (adduser, dpkg-statoverride, deb-systemd-helper,
// systemctl ...) are stubs that record their arguments, and DPKG_ROOT points
// the scripts' own file operations at a temporary folder: no root needed, and
// nothing of the machine is touched.
//


#include "Command.h"
#include "PackagingEnvironment.h"
#include "TestEnvironment.h"
#include "Poco/Environment.h"
#include "Poco/File.h"
#include <cppunit/TestFixture.h>
#include <cppunit/extensions/HelperMacros.h>


using NashTest::Command;
using NashTest::contains;


namespace {


// Each stub appends "<name> <arguments>" to $STUB_LOG; $STUB_STATE holds
// files that stand for the state of the system (the user exists, the
// statoverride is set, the administrator disabled the unit).
const char* const stubPrologue = "#!/bin/sh\necho \"$(basename \"$0\") $*\" >> \"$STUB_LOG\"\n";

const std::vector<std::pair<std::string, std::string>> stubs{
	{"getent", "[ -f \"$STUB_STATE/user\" ] || exit 2\necho 'nash-llm:x:999:999::/var/lib/nash-llm-server:/usr/sbin/nologin'\n"},
	{"adduser", "touch \"$STUB_STATE/user\"\n"},
	{"dpkg-statoverride",
		"case \"$1\" in\n"
		"--list) [ -f \"$STUB_STATE/override\" ] || exit 1 ;;\n"
		"--update) touch \"$STUB_STATE/override\" ;;\n"
		"--remove) rm -f \"$STUB_STATE/override\" ;;\n"
		"esac\n"},
	{"deb-systemd-helper", "[ \"$1\" = --quiet ] && [ \"$2\" = was-enabled ] && [ -f \"$STUB_STATE/disabled\" ] && exit 1\nexit 0\n"},
	{"deb-systemd-invoke", "exit 0\n"},
	{"systemctl", "exit 0\n"}};


} // namespace


class MaintainerScriptsTest: public CppUnit::TestFixture
{
	CPPUNIT_TEST_SUITE(MaintainerScriptsTest);
	CPPUNIT_TEST(testFirstInstallCreatesUserAndEnablesUnitWithoutStartingIt);
	CPPUNIT_TEST(testReinstallSucceedsAndChangesNothing);
	CPPUNIT_TEST(testUpgradeKeepsDisabledUnitDisabled);
	CPPUNIT_TEST(testRemoveKeepsStateAndPurgeRemovesIt);
	CPPUNIT_TEST_SUITE_END();

public:
	void setUp()
	{
		std::string dir = NashTest::makeTempDir("maintainer-scripts");
		_stubDir = dir + "/bin";
		_state = dir + "/state";
		_root = dir + "/root";
		_log = dir + "/calls.log";
		Poco::File(_stubDir).createDirectories();
		Poco::File(_state).createDirectories();
		Poco::File(_root).createDirectories();
		for (const auto& stub: stubs)
		{
			std::string path = _stubDir + "/" + stub.first;
			NashTest::writeFile(path, stubPrologue + stub.second);
			Poco::File(path).setExecutable(true);
		}
		NashTest::writeFile(_log, "");
	}

	void testFirstInstallCreatesUserAndEnablesUnitWithoutStartingIt()
	{
		std::string calls = script("postinst", {"configure"});
		CPPUNIT_ASSERT_MESSAGE(calls, contains(calls, "adduser --system --group --home /var/lib/nash-llm-server --no-create-home --quiet nash-llm\n"));
		CPPUNIT_ASSERT_MESSAGE(calls, contains(calls, "dpkg-statoverride --update --add root nash-llm 0640 /etc/nash-llm-server/llm_server.ini\n"));
		CPPUNIT_ASSERT_MESSAGE(calls, contains(calls, "deb-systemd-helper enable nash-llm-server.service\n"));
		CPPUNIT_ASSERT_MESSAGE(calls, !contains(calls, "deb-systemd-invoke"));
	}

	void testReinstallSucceedsAndChangesNothing()
	{
		script("postinst", {"configure"});
		NashTest::writeFile(_log, "");
		// A reinstallation of the same version: dpkg runs prerm upgrade, then
		// postinst configure with the version configured before.
		std::string calls = script("prerm", {"upgrade", NASH_PROJECT_VERSION});
		calls += script("postinst", {"configure", NASH_PROJECT_VERSION});
		CPPUNIT_ASSERT_MESSAGE(calls, !contains(calls, "adduser"));
		CPPUNIT_ASSERT_MESSAGE(calls, !contains(calls, "dpkg-statoverride --update"));
		CPPUNIT_ASSERT_MESSAGE(calls, contains(calls, "deb-systemd-helper enable nash-llm-server.service\n"));
		CPPUNIT_ASSERT_MESSAGE(calls, !contains(calls, " stop "));
	}

	void testUpgradeKeepsDisabledUnitDisabled()
	{
		script("postinst", {"configure"});
		NashTest::writeFile(_state + "/disabled", "");
		NashTest::writeFile(_log, "");
		std::string calls = script("postinst", {"configure", "0.0.1"});
		CPPUNIT_ASSERT_MESSAGE(calls, !contains(calls, "deb-systemd-helper enable"));
		CPPUNIT_ASSERT_MESSAGE(calls, contains(calls, "deb-systemd-helper update-state nash-llm-server.service\n"));
	}

	void testRemoveKeepsStateAndPurgeRemovesIt()
	{
		script("postinst", {"configure"});
		for (const char* folder: {"/var/lib/nash-llm-server", "/var/log/nash-llm-server"})
		{
			Poco::File(_root + folder).createDirectories();
			NashTest::writeFile(_root + folder + "/file", "x");
		}
		NashTest::writeFile(_log, "");

		std::string calls = script("prerm", {"remove"});
		calls += script("postrm", {"remove"});
		CPPUNIT_ASSERT_MESSAGE(calls, contains(calls, "deb-systemd-helper mask nash-llm-server.service\n"));
		CPPUNIT_ASSERT(NashTest::exists(_root + "/var/lib/nash-llm-server/file"));
		CPPUNIT_ASSERT(NashTest::exists(_root + "/var/log/nash-llm-server/file"));

		calls = script("postrm", {"purge"});
		CPPUNIT_ASSERT_MESSAGE(calls, contains(calls, "deb-systemd-helper purge nash-llm-server.service\n"));
		CPPUNIT_ASSERT_MESSAGE(calls, contains(calls, "dpkg-statoverride --remove /etc/nash-llm-server/llm_server.ini\n"));
		CPPUNIT_ASSERT(!NashTest::exists(_root + "/var/lib/nash-llm-server"));
		CPPUNIT_ASSERT(!NashTest::exists(_root + "/var/log/nash-llm-server"));
		// A second purge (dpkg may run it again after a failed one) succeeds.
		script("postrm", {"purge"});
	}

private:
	std::string script(const std::string& name, const std::vector<std::string>& args)
		/// Runs etc/debian/<name> with args like dpkg does, and returns
		/// the stub calls it made. Fails the test when it exits non-zero.
	{
		std::string before = NashTest::readTextFile(_log);
		Poco::Process::Env env;
		env["PATH"] = _stubDir + ":" + Poco::Environment::get("PATH", "/usr/bin:/bin");
		env["DPKG_ROOT"] = _root;
		env["STUB_LOG"] = _log;
		env["STUB_STATE"] = _state;
		std::vector<std::string> all{NashTest::sourceDir() + "/etc/debian/" + name};
		all.insert(all.end(), args.begin(), args.end());
		Command::Result result = Command::run("/bin/sh", all, _root, 60, env);
		CPPUNIT_ASSERT_EQUAL_MESSAGE(Command::describe(name, args) + ":\n" + result.output, 0, result.exitCode);
		return NashTest::readTextFile(_log).substr(before.size());
	}

	std::string _stubDir;
	std::string _state;
	std::string _root;
	std::string _log;
};


CPPUNIT_TEST_SUITE_REGISTRATION(MaintainerScriptsTest);
