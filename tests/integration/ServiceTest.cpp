//
// ServiceTest.cpp
//
// The server as a service: graceful shutdown, the Unix daemon, SIGHUP.
//


#include "HttpTestClient.h"
#include "ServerProcess.h"
#include "TestEnvironment.h"
#include "Poco/File.h"
#include "Poco/FileStream.h"
#include "Poco/NumberParser.h"
#include "Poco/Pipe.h"
#include "Poco/PipeStream.h"
#include "Poco/Process.h"
#include "Poco/String.h"
#include <cppunit/extensions/HelperMacros.h>
#include <csignal>
#include <thread>


using NashTest::HttpTestClient;
using NashTest::ServerProcess;


namespace {


std::string readTrimmed(const std::string& path)
{
	if (!Poco::File(path).exists()) return std::string();
	Poco::FileInputStream in(path);
	std::string text;
	std::getline(in, text);
	return Poco::trim(text);
}


} // namespace


class ServiceTest: public CppUnit::TestFixture
{
	CPPUNIT_TEST_SUITE(ServiceTest);
	CPPUNIT_TEST(testShutdownLetsStreamsFinishWithinGrace);
	CPPUNIT_TEST(testShutdownEndsStreamsAfterGraceWithErrorAndDone);
	CPPUNIT_TEST(testDaemonWithPidFile);
	CPPUNIT_TEST(testHangupReopensLogFile);
	CPPUNIT_TEST(testExitWithParentWhenStdinCloses);
	CPPUNIT_TEST_SUITE_END();

public:
	void testShutdownLetsStreamsFinishWithinGrace()
	{
		ServerProcess server(optionsWithGrace(10));
		server.start();
		auto stream = HttpTestClient(server.port()).openStream("/v1/chat/completions/stream",
			"{\"messages\": [{\"role\": \"user\", \"content\": \"one two\"}], \"model\": \"paced\"}");
		std::string data;
		CPPUNIT_ASSERT(stream->nextEvent(data));
		Poco::Process::requestTermination(server.pid());
		std::vector<std::string> rest;
		while (stream->nextEvent(data)) rest.push_back(data);
		CPPUNIT_ASSERT_EQUAL(std::string("[DONE]"), rest.back());
		for (const auto& event: rest) CPPUNIT_ASSERT(event.find("\"error\"") == std::string::npos);
		int code = server.waitForExit(10000);
		CPPUNIT_ASSERT_EQUAL_MESSAGE(server.output(), 0, code);
	}

	void testShutdownEndsStreamsAfterGraceWithErrorAndDone()
	{
		ServerProcess server(optionsWithGrace(1));
		server.start();
		auto stream = HttpTestClient(server.port()).openStream("/v1/chat/completions/stream",
			"{\"messages\": [{\"role\": \"user\", \"content\": \"a b c d e f g h i j k l m n o p q r s t\"}], \"model\": \"paced\", \"session_id\": \"keep-me\"}");
		std::string data;
		CPPUNIT_ASSERT(stream->nextEvent(data));
		auto asked = std::chrono::steady_clock::now();
		Poco::Process::requestTermination(server.pid());
		std::vector<std::string> rest;
		while (stream->nextEvent(data)) rest.push_back(data);
		CPPUNIT_ASSERT(rest.size() >= 3);
		CPPUNIT_ASSERT_EQUAL(std::string("[DONE]"), rest[rest.size() - 1]);
		CPPUNIT_ASSERT_EQUAL(std::string("{\"session_id\": \"keep-me\"}"), rest[rest.size() - 2]);
		CPPUNIT_ASSERT_EQUAL(std::string("{\"error\": \"The server is shutting down; the answer was cut short\"}"), rest[rest.size() - 3]);
		CPPUNIT_ASSERT_EQUAL(0, server.waitForExit(10000));
		CPPUNIT_ASSERT(std::chrono::steady_clock::now() - asked < std::chrono::seconds(8));
	}

	void testDaemonWithPidFile()
	{
		std::string dir = NashTest::makeTempDir("daemon");
		std::string pidFile = dir + "/llm_server.pid";
		std::string portFile = dir + "/port";
		ServerProcess::Options options;
		options.fixedPort = 1;
		options.extraArgs = {"--daemon", "--pidfile=" + pidFile, "--port=0", "--port-file=" + portFile};
		ServerProcess launcher(options);
		launcher.launch();
		// The launched process forks the daemon and ends.
		CPPUNIT_ASSERT_EQUAL(0, launcher.waitForExit(10000));
		CPPUNIT_ASSERT(NashTest::waitUntil([&] { return !readTrimmed(pidFile).empty() && !readTrimmed(portFile).empty(); }, std::chrono::seconds(10)));
		int pid = Poco::NumberParser::parse(readTrimmed(pidFile));
		int port = Poco::NumberParser::parse(readTrimmed(portFile));
		CPPUNIT_ASSERT(NashTest::waitUntil([&] {
			try { return HttpTestClient(port).get("/health").status == 200; } catch (Poco::Exception&) { return false; }
		}, std::chrono::seconds(10)));
		auto events = HttpTestClient::dataEvents(HttpTestClient(port).post("/v1/chat/completions/stream", "{\"messages\": [{\"role\": \"user\", \"content\": \"daemon\"}]}").body);
		CPPUNIT_ASSERT_EQUAL(std::string("{\"content\": \" daemon\"}"), events.at(2));
		Poco::Process::requestTermination(pid);
		CPPUNIT_ASSERT(NashTest::waitUntil([&] { return !Poco::Process::isRunning(pid); }, std::chrono::seconds(15)));
		CPPUNIT_ASSERT_MESSAGE("the pid file outlived the daemon", NashTest::waitUntil([&] { return !Poco::File(pidFile).exists(); }, std::chrono::seconds(5)));
	}

	void testExitWithParentWhenStdinCloses()
	{
		// As the Nash app starts its server: a pipe on standard input, which
		// closes when the app quits without stopping the server.
		std::string dir = NashTest::makeTempDir("parent");
		std::string portFile = dir + "/port";
		Poco::Pipe input;
		Poco::Pipe output;
		Poco::ProcessHandle handle = Poco::Process::launch(NashTest::serverBinary(),
			{"--port=0", "--port-file=" + portFile, "--exit-with-parent"}, &input, &output, &output);
		std::thread drain([&] {
			Poco::PipeInputStream in(output);
			std::string line;
			while (std::getline(in, line)) {}
		});
		CPPUNIT_ASSERT(NashTest::waitUntil([&] { return !readTrimmed(portFile).empty(); }, std::chrono::seconds(10)));
		int port = Poco::NumberParser::parse(readTrimmed(portFile));
		CPPUNIT_ASSERT_EQUAL(200, HttpTestClient(port).get("/health").status);
		input.writeBytes("\n", 1);
		std::this_thread::sleep_for(std::chrono::milliseconds(300));
		CPPUNIT_ASSERT(Poco::Process::isRunning(handle));
		auto closed = std::chrono::steady_clock::now();
		input.close(Poco::Pipe::CLOSE_WRITE);
		int code = handle.wait();
		drain.join();
		CPPUNIT_ASSERT_EQUAL(0, code);
		CPPUNIT_ASSERT(std::chrono::steady_clock::now() - closed < std::chrono::seconds(3));
	}

	void testHangupReopensLogFile()
	{
		std::string dir = NashTest::makeTempDir("logs");
		std::string log = dir + "/server.log";
		ServerProcess::Options options;
		options.iniText =
			"[logging]\n"
			"channels.file.class = FileChannel\n"
			"channels.file.path = " + log + "\n"
			"loggers.root.channel = file\n"
			"loggers.root.level = information\n";
		ServerProcess server(options);
		server.start();
		CPPUNIT_ASSERT(NashTest::waitUntil([&] { return Poco::File(log).exists(); }, std::chrono::seconds(5)));
		// What logrotate does: move the file away, then signal.
		Poco::File(log).renameTo(log + ".1");
		CPPUNIT_ASSERT_EQUAL(0, ::kill(server.pid(), SIGHUP));
		CPPUNIT_ASSERT_MESSAGE("no new log file after SIGHUP", NashTest::waitUntil([&] { return Poco::File(log).exists(); }, std::chrono::seconds(5)));
		HttpTestClient(server.port()).get("/health");
		CPPUNIT_ASSERT(server.isRunning());
		CPPUNIT_ASSERT_EQUAL(0, server.stop());
	}

private:
	static ServerProcess::Options optionsWithGrace(int seconds)
	{
		ServerProcess::Options options;
		options.iniText =
			"[server]\n"
			"shutdown_grace_seconds = " + std::to_string(seconds) + "\n"
			"[backend.paced]\n"
			"plugin = echo\n"
			"delay_ms = 300\n"
			"models = paced-echo\n";
		return options;
	}
};


CPPUNIT_TEST_SUITE_REGISTRATION(ServiceTest);
