//
// StdioTransportTest.cpp
//
// The stdio transport against real child processes: the demo server and
// small shell commands.
//


#include "RecordingListener.h"
#include "StdioTransport.h"
#include "TestEnvironment.h"
#include "Poco/AutoPtr.h"
#include "Poco/Exception.h"
#include "Poco/JSON/Array.h"
#include "Poco/Process.h"
#include "Poco/Util/MapConfiguration.h"
#include <cppunit/extensions/HelperMacros.h>
#include <fstream>
#include <future>
#include <set>
#include <thread>
#if defined(__linux__)
#include <dirent.h>
#endif


using namespace std::chrono_literals;
using NashTest::RecordingListener;


namespace {


const std::string UTF8_PATTERN = "\xC3\xA4\xE2\x82\xAC\xF0\x9D\x84\x9E-"; // the demo's "big" pattern


std::string request(int id, const std::string& method, const std::string& params = "{}")
{
	return R"({"jsonrpc":"2.0","id":)" + std::to_string(id) + R"(,"method":")" + method + R"(","params":)" + params + "}";
}


std::string toolCall(int id, const std::string& tool, const std::string& arguments)
{
	return request(id, "tools/call", R"({"name":")" + tool + R"(","arguments":)" + arguments + "}");
}


std::string firstText(const Poco::JSON::Object::Ptr& answer)
{
	return answer->getObject("result")->getArray("content")->getObject(0)->getValue<std::string>("text");
}


#if defined(__linux__)


bool readStat(int pid, int& ppid, char& state)
	/// From /proc/<pid>/stat; the command name may hold blanks.
{
	std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
	std::string text;
	if (!std::getline(in, text)) return false;
	auto close = text.rfind(')');
	if (close == std::string::npos || close + 4 >= text.size()) return false;
	state = text[close + 2];
	ppid = std::atoi(text.c_str() + close + 4);
	return true;
}


bool running(int pid)
	/// A zombie has ended: an init that adopted it may be slow to reap it.
{
	int ppid = 0;
	char state = 0;
	return readStat(pid, ppid, state) && state != 'Z' && state != 'X';
}


std::set<int> childrenOf(int parent)
{
	std::set<int> children;
	DIR* dir = opendir("/proc");
	if (!dir) return children;
	while (struct dirent* entry = readdir(dir))
	{
		int pid = std::atoi(entry->d_name);
		int ppid = 0;
		char state = 0;
		if (pid > 0 && readStat(pid, ppid, state) && ppid == parent && state != 'Z') children.insert(pid);
	}
	closedir(dir);
	return children;
}


std::set<int> waitForChildren(int parent, std::size_t count)
{
	auto deadline = std::chrono::steady_clock::now() + 10s;
	std::set<int> children = childrenOf(parent);
	while (children.size() < count && std::chrono::steady_clock::now() < deadline)
	{
		std::this_thread::sleep_for(10ms);
		children = childrenOf(parent);
	}
	return children;
}


#endif


} // namespace


class StdioTransportTest: public CppUnit::TestFixture
{
	CPPUNIT_TEST_SUITE(StdioTransportTest);
	CPPUNIT_TEST(testRoundTrip);
	CPPUNIT_TEST(testLargeUtf8MessagesBothWays);
	CPPUNIT_TEST(testOversizedAnswerFailsItsRequestAtOnce);
	CPPUNIT_TEST(testNonJsonLinesSkipped);
	CPPUNIT_TEST(testLineEndingsAndBlankLines);
	CPPUNIT_TEST(testNewlinesInOutgoingMessage);
	CPPUNIT_TEST(testStderrDrained);
	CPPUNIT_TEST(testChildExitReported);
	CPPUNIT_TEST(testSendAfterExitThrows);
	CPPUNIT_TEST(testStopReapsChild);
	CPPUNIT_TEST(testStopEscalatesToKill);
	CPPUNIT_TEST(testStopIsNotReported);
	CPPUNIT_TEST(testStopWithGrandchildHoldingPipes);
#if defined(__linux__)
	CPPUNIT_TEST(testStopEndsWhatTheWrapperStarted);
	CPPUNIT_TEST(testStopEndsGrandchildIgnoringEof);
	CPPUNIT_TEST(testRestartEndsWhatACrashedWrapperLeft);
#endif
	CPPUNIT_TEST(testEnvAndCwd);
	CPPUNIT_TEST(testCommandNotFound);
	CPPUNIT_TEST(testMessagesHideArguments);
	CPPUNIT_TEST(testShowArgsShowsArguments);
	CPPUNIT_TEST(testConfigurationErrors);
	CPPUNIT_TEST(testRestart);
	CPPUNIT_TEST_SUITE_END();

public:
	void tearDown() override
	{
		if (_transport) _transport->stop();
		_transport.reset();
		_listener.reset();
	}

	void testRoundTrip()
	{
		startDemo({});
		_transport->send(request(1, "initialize", R"({"protocolVersion":"2025-11-25","capabilities":{},"clientInfo":{"name":"t","version":"1"}})"));
		auto answer = _listener->waitForId(1, 10s);
		CPPUNIT_ASSERT(answer);
		CPPUNIT_ASSERT_EQUAL(std::string("2025-11-25"), answer->getObject("result")->getValue<std::string>("protocolVersion"));
		CPPUNIT_ASSERT(_transport->isOpen());
		CPPUNIT_ASSERT(_transport->pid() > 0);
	}

	void testLargeUtf8MessagesBothWays()
	{
		startDemo({"--test-tools"});
		// 5 MB in one line from the child ...
		const int repeat = 500000;
		_transport->send(toolCall(1, "big", R"({"repeat":)" + std::to_string(repeat) + "}"));
		auto big = _listener->waitForId(1, 30s);
		CPPUNIT_ASSERT(big);
		std::string text = firstText(big);
		CPPUNIT_ASSERT_EQUAL(UTF8_PATTERN.size() * repeat, text.size());
		CPPUNIT_ASSERT(text.compare(0, UTF8_PATTERN.size(), UTF8_PATTERN) == 0);
		CPPUNIT_ASSERT(text.compare(text.size() - UTF8_PATTERN.size(), UTF8_PATTERN.size(), UTF8_PATTERN) == 0);
		// ... and 3 MB in one line to it.
		std::string message;
		for (int i = 0; i < 300000; ++i) message += UTF8_PATTERN;
		_transport->send(toolCall(2, "echo", R"({"message":")" + message + R"("})"));
		auto echoed = _listener->waitForId(2, 30s);
		CPPUNIT_ASSERT(echoed);
		CPPUNIT_ASSERT(firstText(echoed) == message);
	}

	void testOversizedAnswerFailsItsRequestAtOnce()
	{
		startCommand(NASH_MCP_DEMO_SERVER, {"--test-tools"}, {{"max_message_size", "1048576"}});
		auto started = std::chrono::steady_clock::now();
		_transport->send(toolCall(1, "big", R"({"repeat":500000})"));
		auto refused = _listener->waitForId(1, 10s);
		CPPUNIT_ASSERT(refused);
		CPPUNIT_ASSERT(std::chrono::steady_clock::now() - started < 10s);
		auto error = refused->getObject("error");
		CPPUNIT_ASSERT(error);
		CPPUNIT_ASSERT_EQUAL(-32603, error->getValue<int>("code"));
		CPPUNIT_ASSERT(error->getValue<std::string>("message").find("max_message_size (1048576)") != std::string::npos);
		// The server goes on.
		_transport->send(request(2, "ping"));
		CPPUNIT_ASSERT(_listener->waitForId(2, 10s));
	}

	void testNonJsonLinesSkipped()
	{
		startDemo({"--banner"});
		_transport->send(request(1, "ping"));
		CPPUNIT_ASSERT(_listener->waitForId(1, 10s));
		// The banner line never reached the listener.
		auto messages = _listener->messages();
		CPPUNIT_ASSERT_EQUAL(std::size_t(1), messages.size());
		CPPUNIT_ASSERT_EQUAL('{', messages[0][0]);
	}

	void testLineEndingsAndBlankLines()
	{
		startCommand("sh", {"-c", R"sh(printf '\r\n{"a":1}\r\n\n   \n{"b":"x\\ny"}\n')sh"});
		CPPUNIT_ASSERT(_listener->waitForClose(10s));
		auto messages = _listener->messages();
		CPPUNIT_ASSERT_EQUAL(std::size_t(2), messages.size());
		CPPUNIT_ASSERT_EQUAL(std::string(R"({"a":1})"), messages[0]);
		CPPUNIT_ASSERT_EQUAL(std::string(R"({"b":"x\ny"})"), messages[1]);
	}

	void testNewlinesInOutgoingMessage()
	{
		// Line breaks between JSON tokens would cut the message in two; the
		// transport sends it as one line.
		startDemo({});
		_transport->send("{\n  \"jsonrpc\": \"2.0\",\r\n  \"id\": 9,\n  \"method\": \"ping\"\n}");
		auto answer = _listener->waitForId(9, 10s);
		CPPUNIT_ASSERT(answer);
		CPPUNIT_ASSERT(answer->getObject("result"));
	}

	void testStderrDrained()
	{
		// 4 MB on stderr, far beyond a pipe's buffer: the child blocks
		// unless we read it while it writes.
		startDemo({"--test-tools"});
		_transport->send(toolCall(1, "stderr_burst", R"({"bytes":4000000})"));
		auto answer = _listener->waitForId(1, 30s);
		CPPUNIT_ASSERT(answer);
		CPPUNIT_ASSERT_EQUAL(std::string("done"), firstText(answer));
	}

	void testChildExitReported()
	{
		startDemo({"--test-tools"});
		_transport->send(request(1, "ping"));
		CPPUNIT_ASSERT(_listener->waitForId(1, 10s));
		_transport->send(toolCall(2, "crash", "{}"));
		CPPUNIT_ASSERT(_listener->waitForClose(10s));
		CPPUNIT_ASSERT_MESSAGE(_listener->closeReason(), _listener->closeReason().find("exited with code 3") != std::string::npos);
		CPPUNIT_ASSERT_EQUAL(1, _listener->closeCount());
		CPPUNIT_ASSERT(!_transport->isOpen());
	}

	void testSendAfterExitThrows()
	{
		startDemo({"--test-tools"});
		Poco::ProcessHandle::PID pid = _transport->pid();
		_transport->send(toolCall(1, "crash", "{}"));
		CPPUNIT_ASSERT(_listener->waitForClose(10s));
		// Neither SIGPIPE nor a silent loss: an IOException.
		CPPUNIT_ASSERT_THROW(_transport->send(request(2, "ping")), Poco::IOException);
		_transport->stop();
		CPPUNIT_ASSERT(!Poco::Process::isRunning(pid));
	}

	void testStopReapsChild()
	{
		startDemo({});
		Poco::ProcessHandle::PID pid = _transport->pid();
		CPPUNIT_ASSERT(Poco::Process::isRunning(pid));
		auto started = std::chrono::steady_clock::now();
		_transport->stop();
		// The demo ends on EOF: closing stdin is enough, no waiting for timeouts.
		CPPUNIT_ASSERT(std::chrono::steady_clock::now() - started < 1500ms);
		// kill(pid, 0) succeeds for a zombie too: false means reaped.
		CPPUNIT_ASSERT(!Poco::Process::isRunning(pid));
		CPPUNIT_ASSERT(!_transport->isOpen());
		CPPUNIT_ASSERT_EQUAL(0, _listener->closeCount());
	}

	void testStopEscalatesToKill()
	{
		// A child that ignores both EOF and SIGINT.
		startCommand("sh", {"-c", "trap '' INT; exec sleep 1000"}, {{"shutdown_timeout", "0.2"}});
		Poco::ProcessHandle::PID pid = _transport->pid();
		CPPUNIT_ASSERT(Poco::Process::isRunning(pid));
		auto started = std::chrono::steady_clock::now();
		_transport->stop();
		CPPUNIT_ASSERT(std::chrono::steady_clock::now() - started < 5s);
		CPPUNIT_ASSERT(!Poco::Process::isRunning(pid));
		CPPUNIT_ASSERT_EQUAL(0, _listener->closeCount());
	}

	void testStopIsNotReported()
	{
		startDemo({});
		_transport->stop();
		CPPUNIT_ASSERT(!_listener->waitForClose(300ms));
	}

	void testStopWithGrandchildHoldingPipes()
	{
		// The child leaves a grandchild that inherited its stdin and stdout
		// and reads neither; a writer is stuck on the full stdin pipe. stop()
		// must still end, the writer fail, and the child be reaped.
		startCommand("sh", {"-c", R"sh(sleep 1000 & echo "{\"grandchild\":$!}"; exec sleep 1000)sh"}, {{"shutdown_timeout", "0.2"}});
		auto announced = _listener->waitForMessage([](const Poco::JSON::Object::Ptr& m) { return m->has("grandchild"); }, 10s);
		CPPUNIT_ASSERT(announced);
		int grandchild = announced->getValue<int>("grandchild");
		Poco::ProcessHandle::PID pid = _transport->pid();
		std::string big(1 << 20, 'x');
		auto writer = std::async(std::launch::async, [this, &big]
		{
			try
			{
				_transport->send("{\"data\":\"" + big + "\"}");
				return std::string("sent");
			}
			catch (Poco::IOException& exc)
			{
				return exc.displayText();
			}
		});
		// The pipe holds 64 KiB: the writer blocks.
		CPPUNIT_ASSERT(writer.wait_for(300ms) == std::future_status::timeout);
		auto started = std::chrono::steady_clock::now();
		_transport->stop();
		CPPUNIT_ASSERT(std::chrono::steady_clock::now() - started < 5s);
		CPPUNIT_ASSERT(writer.wait_for(5s) == std::future_status::ready);
		CPPUNIT_ASSERT(writer.get() != "sent");
		CPPUNIT_ASSERT(!Poco::Process::isRunning(pid));
#if defined(__linux__)
		CPPUNIT_ASSERT(!running(grandchild));
#else
		Poco::Process::kill(grandchild);
#endif
	}

#if defined(__linux__)
	void testStopEndsWhatTheWrapperStarted()
	{
		// "; true" keeps sh from replacing itself with the server, so the
		// server is a grandchild, beside a background helper that ignores
		// stdin and would outlive both.
		startWrappedDemo();
		int shell = static_cast<int>(_transport->pid());
		std::set<int> grandchildren = waitForChildren(shell, 2);
		CPPUNIT_ASSERT_EQUAL(std::size_t(2), grandchildren.size());
		auto started = std::chrono::steady_clock::now();
		_transport->stop();
		CPPUNIT_ASSERT(std::chrono::steady_clock::now() - started < 5s);
		CPPUNIT_ASSERT(!Poco::Process::isRunning(shell));
		for (int pid: grandchildren) CPPUNIT_ASSERT_MESSAGE(std::to_string(pid), !running(pid));
	}

	void testStopEndsGrandchildIgnoringEof()
	{
		// sh waits for a grandchild that neither reads stdin nor ends; the
		// shell dies of the termination request, the grandchild must not
		// be left behind.
		startCommand("sh", {"-c", "sleep 1000; true"}, {{"shutdown_timeout", "0.3"}});
		int shell = static_cast<int>(_transport->pid());
		std::set<int> grandchildren = waitForChildren(shell, 1);
		CPPUNIT_ASSERT_EQUAL(std::size_t(1), grandchildren.size());
		auto started = std::chrono::steady_clock::now();
		_transport->stop();
		CPPUNIT_ASSERT(std::chrono::steady_clock::now() - started < 5s);
		CPPUNIT_ASSERT(!Poco::Process::isRunning(shell));
		CPPUNIT_ASSERT(!running(*grandchildren.begin()));
		CPPUNIT_ASSERT_EQUAL(0, _listener->closeCount());
	}

	void testRestartEndsWhatACrashedWrapperLeft()
	{
		startWrappedDemo();
		int shell = static_cast<int>(_transport->pid());
		std::set<int> grandchildren = waitForChildren(shell, 2);
		CPPUNIT_ASSERT_EQUAL(std::size_t(2), grandchildren.size());
		// The wrapper dies alone: its children are adopted by init and keep
		// our pipes open.
		Poco::Process::kill(shell);
		CPPUNIT_ASSERT(_listener->waitForClose(10s));
		for (int pid: grandchildren) CPPUNIT_ASSERT_MESSAGE(std::to_string(pid), running(pid));
		// A restart stops the old run first.
		_transport->start(*_listener);
		for (int pid: grandchildren) CPPUNIT_ASSERT_MESSAGE(std::to_string(pid), !running(pid));
		_transport->send(request(2, "ping"));
		CPPUNIT_ASSERT(_listener->waitForId(2, 10s));
	}
#endif

	void testEnvAndCwd()
	{
		std::string dir = NashTest::makeTempDir("mcp-cwd");
		startCommand("sh", {"-c", R"sh(printf '{"cwd":"%s","value":"%s"}\n' "$(pwd)" "$NASH_MCP_TEST_VALUE")sh"},
			{{"cwd", dir}, {"env.NASH_MCP_TEST_VALUE", "h\xC3\xA9llo"}});
		auto message = _listener->waitForMessage([](const Poco::JSON::Object::Ptr& m) { return m->has("cwd"); }, 10s);
		CPPUNIT_ASSERT(message);
		CPPUNIT_ASSERT_EQUAL(std::string("h\xC3\xA9llo"), message->getValue<std::string>("value"));
		CPPUNIT_ASSERT(message->getValue<std::string>("cwd").find("mcp-cwd") != std::string::npos);
		// The command ends after printing: reported once, after the message.
		CPPUNIT_ASSERT(_listener->waitForClose(10s));
		CPPUNIT_ASSERT_EQUAL(1, _listener->closeCount());
		CPPUNIT_ASSERT(_listener->closeReason().find("code 0") != std::string::npos);
	}

	void testCommandNotFound()
	{
		configure("nash-mcp-no-such-command-here", {}, {});
		try
		{
			_transport->start(*_listener);
			CPPUNIT_FAIL("a missing command must be refused");
		}
		catch (Poco::FileNotFoundException& exc)
		{
			CPPUNIT_ASSERT(exc.message().find("nash-mcp-no-such-command-here") != std::string::npos);
		}
		CPPUNIT_ASSERT(!_transport->isOpen());
		configure("sh", {}, {{"cwd", "/nash/no/such/folder"}});
		try
		{
			_transport->start(*_listener);
			CPPUNIT_FAIL("a missing cwd must be refused");
		}
		catch (Poco::FileNotFoundException& exc)
		{
			CPPUNIT_ASSERT(exc.message().find("cwd") != std::string::npos);
		}
	}

	void testMessagesHideArguments()
	{
		// Arguments often carry tokens, and what a failed start or a death
		// says reaches /health: the command and the number of arguments only.
		configure("nash-mcp-no-such-command-here", {"--token", "tok-SECRET-123"}, {{"env.API_KEY", "env-SECRET-456"}});
		try
		{
			_transport->start(*_listener);
			CPPUNIT_FAIL("a missing command must be refused");
		}
		catch (Poco::FileNotFoundException& exc)
		{
			CPPUNIT_ASSERT_MESSAGE(exc.message(), exc.message().find("nash-mcp-no-such-command-here") != std::string::npos);
			CPPUNIT_ASSERT_MESSAGE(exc.message(), exc.message().find("2 arguments hidden; set show_args = true to show them") != std::string::npos);
			CPPUNIT_ASSERT_MESSAGE(exc.message(), exc.message().find("tok-SECRET-123") == std::string::npos);
			CPPUNIT_ASSERT_MESSAGE(exc.message(), exc.message().find("env-SECRET-456") == std::string::npos);
		}

		startCommand("sh", {"-c", "exit 7", "tok-SECRET-123"}, {{"env.API_KEY", "env-SECRET-456"}});
		CPPUNIT_ASSERT(_listener->waitForClose(10s));
		std::string reason = _listener->closeReason();
		CPPUNIT_ASSERT_MESSAGE(reason, reason.find("exited with code 7") != std::string::npos);
		CPPUNIT_ASSERT_MESSAGE(reason, reason.find("command line: sh (3 arguments hidden; set show_args = true to show them)") != std::string::npos);
		CPPUNIT_ASSERT_MESSAGE(reason, reason.find("SECRET") == std::string::npos);

		startCommand("sh", {"-c", "exit 0"}, {{"show_args", "false"}});
		CPPUNIT_ASSERT(_listener->waitForClose(10s));
		CPPUNIT_ASSERT_MESSAGE(_listener->closeReason(), _listener->closeReason().find("exit 0") == std::string::npos);
	}

	void testShowArgsShowsArguments()
	{
		configure("nash-mcp-no-such-command-here", {"--token", "tok-SECRET-123"}, {{"show_args", "true"}, {"env.API_KEY", "env-SECRET-456"}});
		try
		{
			_transport->start(*_listener);
			CPPUNIT_FAIL("a missing command must be refused");
		}
		catch (Poco::FileNotFoundException& exc)
		{
			CPPUNIT_ASSERT_MESSAGE(exc.message(), exc.message().find("command line: nash-mcp-no-such-command-here --token tok-SECRET-123)") != std::string::npos);
			CPPUNIT_ASSERT_MESSAGE(exc.message(), exc.message().find("env-SECRET-456") == std::string::npos);
		}

		// Shown as a shell would need them: quoted where they hold blanks or quotes.
		startCommand("sh", {"-c", "exit 5", "it's"}, {{"show_args", "true"}, {"env.API_KEY", "env-SECRET-456"}});
		CPPUNIT_ASSERT(_listener->waitForClose(10s));
		std::string reason = _listener->closeReason();
		CPPUNIT_ASSERT_MESSAGE(reason, reason.find("exited with code 5 (command line: sh -c 'exit 5' 'it'\\''s')") != std::string::npos);
		CPPUNIT_ASSERT_MESSAGE(reason, reason.find("env-SECRET-456") == std::string::npos);

		// Without arguments there is nothing to hide.
		startCommand("true", {});
		CPPUNIT_ASSERT(_listener->waitForClose(10s));
		CPPUNIT_ASSERT_MESSAGE(_listener->closeReason(), _listener->closeReason().find("(command line: true)") != std::string::npos);
	}

	void testConfigurationErrors()
	{
		Nash::StdioTransport transport;
		Poco::AutoPtr<Poco::Util::MapConfiguration> section(new Poco::Util::MapConfiguration);
		expectConfigureError(transport, *section, "command");
		section->setString("command", "sh");
		section->setString("args", "-c true");
		expectConfigureError(transport, *section, "args");
		section->remove("args");
		section->setString("shutdown_timeout", "never");
		expectConfigureError(transport, *section, "shutdown_timeout");
		section->remove("shutdown_timeout");
		section->setString("show_args", "perhaps");
		expectConfigureError(transport, *section, "show_args");
	}

	void testRestart()
	{
		startDemo({});
		Poco::ProcessHandle::PID first = _transport->pid();
		_transport->stop();
		_transport->start(*_listener);
		CPPUNIT_ASSERT(_transport->pid() != first);
		_transport->send(request(5, "ping"));
		CPPUNIT_ASSERT(_listener->waitForId(5, 10s));
	}

private:
	void configure(const std::string& command, const std::vector<std::string>& args, const std::map<std::string, std::string>& extra)
	{
		if (_transport) _transport->stop();
		_transport.reset(new Nash::StdioTransport);
		_listener.reset(new RecordingListener);
		Poco::AutoPtr<Poco::Util::MapConfiguration> section(new Poco::Util::MapConfiguration);
		section->setString("command", command);
		for (std::size_t i = 0; i < args.size(); ++i) section->setString("args." + std::to_string(i), args[i]);
		for (const auto& entry: extra) section->setString(entry.first, entry.second);
		_transport->configure("test", *section);
	}

	void startCommand(const std::string& command, const std::vector<std::string>& args, const std::map<std::string, std::string>& extra = {})
	{
		configure(command, args, extra);
		_transport->start(*_listener);
	}

	void startDemo(const std::vector<std::string>& args)
	{
		startCommand(NASH_MCP_DEMO_SERVER, args);
	}

	void startWrappedDemo()
		/// sh with two children: a background sleep and the demo server,
		/// which answered a ping when this returns.
	{
		startCommand("sh", {"-c", "sleep 1000 & \"$0\"; true", NASH_MCP_DEMO_SERVER}, {{"shutdown_timeout", "0.5"}});
		_transport->send(request(1, "ping"));
		CPPUNIT_ASSERT(_listener->waitForId(1, 10s));
	}

	static void expectConfigureError(Nash::StdioTransport& transport, const Poco::Util::AbstractConfiguration& section, const std::string& key)
	{
		try
		{
			transport.configure("test", section);
			CPPUNIT_FAIL("must be refused for " + key);
		}
		catch (Poco::InvalidArgumentException& exc)
		{
			CPPUNIT_ASSERT_MESSAGE(exc.message(), exc.message().find(key) != std::string::npos);
		}
	}

	std::unique_ptr<Nash::StdioTransport> _transport;
	std::unique_ptr<RecordingListener> _listener;
};


CPPUNIT_TEST_SUITE_REGISTRATION(StdioTransportTest);
