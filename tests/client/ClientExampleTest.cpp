//
// ClientExampleTest.cpp
//
// Runs the client_example binary as a child process, feeding its standard
// input through a pipe, against the real llm_server (echo backend) and
// against a port nothing listens on.
//


#include "ServerProcess.h"
#include "TestEnvironment.h"
#include "Poco/Net/ServerSocket.h"
#include "Poco/Net/SocketAddress.h"
#include "Poco/NumberFormatter.h"
#include "Poco/Pipe.h"
#include "Poco/Process.h"
#include "Poco/RegularExpression.h"
#include <cppunit/TestFixture.h>
#include <cppunit/extensions/HelperMacros.h>
#include <chrono>
#include <mutex>
#include <string>
#include <thread>
#include <vector>


namespace {


struct ClientRun
{
	int exitCode = -1;
	std::string output;
		/// Standard output and error, interleaved as written.
};


class ClientProcess
	/// client_example as a child process: its standard input is a pipe, its
	/// standard output and error are collected as they come.
{
public:
	explicit ClientProcess(const std::vector<std::string>& args):
		_handle(Poco::Process::launch(NASH_CLIENT_BINARY, args, &_inPipe, &_outPipe, &_outPipe))
	{
		_outPipe.close(Poco::Pipe::CLOSE_WRITE);
		_inPipe.close(Poco::Pipe::CLOSE_READ);
		_drainThread = std::thread([this] { drain(); });
	}

	~ClientProcess()
	{
		if (_exitCode == -1)
		{
			Poco::Process::kill(_handle);
			_handle.wait();
		}
		_inPipe.close();
		if (_drainThread.joinable()) _drainThread.join();
	}

	void sendInput(const std::string& text)
		/// Writes text to the client's standard input and closes it.
	{
		if (!text.empty()) _inPipe.writeBytes(text.data(), static_cast<int>(text.size()));
		_inPipe.close(Poco::Pipe::CLOSE_WRITE);
	}

	ClientRun waitForExit()
		/// Waits (bounded) for the client to end and for all its output.
	{
		bool ended = NashTest::waitUntil([&] {
			_exitCode = _handle.tryWait();
			return _exitCode != -1;
		}, std::chrono::seconds(60));
		if (!ended)
		{
			Poco::Process::kill(_handle);
			_handle.wait();
			_exitCode = -2;
		}
		_drainThread.join();
		if (!ended) CPPUNIT_FAIL("client_example did not exit in time; its output:\n" + output());
		ClientRun run;
		run.exitCode = _exitCode;
		run.output = output();
		return run;
	}

	std::string output() const
	{
		std::lock_guard<std::mutex> lock(_mutex);
		return _output;
	}

private:
	void drain()
	{
		char buffer[4096];
		int n = 0;
		while ((n = _outPipe.readBytes(buffer, sizeof(buffer))) > 0)
		{
			std::lock_guard<std::mutex> lock(_mutex);
			_output.append(buffer, n);
		}
	}

	Poco::Pipe _inPipe;
	Poco::Pipe _outPipe;
	Poco::ProcessHandle _handle;
	std::thread _drainThread;
	mutable std::mutex _mutex;
	std::string _output;
	int _exitCode = -1;
};


ClientRun runClient(const std::vector<std::string>& args, const std::string& input)
	/// Runs client_example with args, writes input to its standard input,
	/// closes it and waits for the client to exit.
{
	ClientProcess client(args);
	client.sendInput(input);
	return client.waitForExit();
}


std::string urlOption(int port)
{
	return "--url=http://127.0.0.1:" + Poco::NumberFormatter::format(port);
}


int unusedPort()
	/// A loopback port that nothing listens on (it was free a moment ago).
{
	Poco::Net::ServerSocket socket(Poco::Net::SocketAddress("127.0.0.1", 0));
	int port = socket.address().port();
	socket.close();
	return port;
}


std::size_t countOf(const std::string& text, const std::string& what)
{
	std::size_t count = 0;
	for (std::size_t pos = text.find(what); pos != std::string::npos; pos = text.find(what, pos + what.size())) ++count;
	return count;
}


bool contains(const std::string& text, const std::string& what)
{
	return text.find(what) != std::string::npos;
}


bool found(const std::string& text, const std::string& pattern)
	/// True when pattern matches somewhere in text.
{
	Poco::RegularExpression::Match match;
	return Poco::RegularExpression(pattern).match(text, 0, match) > 0;
}


} // namespace


class ClientExampleTest: public CppUnit::TestFixture
{
	CPPUNIT_TEST_SUITE(ClientExampleTest);
	CPPUNIT_TEST(testConversationWithSummarize);
	CPPUNIT_TEST(testEndOfInputEndsTheChat);
	CPPUNIT_TEST(testOneShotQuestion);
	CPPUNIT_TEST(testAnswerIsPrintedAsItArrives);
	CPPUNIT_TEST(testServerErrorShowsStatusAndDetail);
	CPPUNIT_TEST(testWarningThenSummarizeAndGoOn);
	CPPUNIT_TEST(testServerNotRunningOneShot);
	CPPUNIT_TEST(testServerNotRunningInteractiveGoesOn);
	CPPUNIT_TEST(testHelpAndUsageErrors);
	CPPUNIT_TEST_SUITE_END();

public:
	void testConversationWithSummarize()
	{
		NashTest::ServerProcess server;
		server.start();
		ClientRun run = runClient({urlOption(server.port())}, "hello there\nsecond\nsummarize\nexit\n");
		const std::string& out = run.output;

		CPPUNIT_ASSERT_EQUAL_MESSAGE(out, 0, run.exitCode);
		// The echo backend answers with the last user message, word by word.
		CPPUNIT_ASSERT_MESSAGE(out, contains(out, "Assistant: Echo: hello there\n"));
		CPPUNIT_ASSERT_MESSAGE(out, contains(out, "Assistant: Echo: second\n"));

		// One session for the whole chat: the client sent the id back, the
		// server kept it, the summary continued it.
		CPPUNIT_ASSERT_MESSAGE(out, found(out, "Session: [0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}\\n"));
		CPPUNIT_ASSERT_EQUAL_MESSAGE(out, std::size_t(1), countOf(out, "Session: "));

		// Summarized by the echo backend too: it echoes the transcript it was given.
		CPPUNIT_ASSERT_MESSAGE(out, found(out, "Summary:\\n-{40}\\nEcho: [^\\n]+"));
		CPPUNIT_ASSERT_MESSAGE(out, contains(out, "user: second\n"));
		CPPUNIT_ASSERT_MESSAGE(out, found(out, "Token reduction: -?[0-9]+ \\(-?[0-9]+\\.[0-9]%\\)\\n- Before: [0-9]+\\n- After: [0-9]+\\n"));
		CPPUNIT_ASSERT_MESSAGE(out, !contains(out, "Error"));
		CPPUNIT_ASSERT_MESSAGE(out, !contains(out, "Warning"));
	}

	void testEndOfInputEndsTheChat()
	{
		NashTest::ServerProcess server;
		server.start();
		ClientRun run = runClient({urlOption(server.port())}, "\n   \nonly words\n");
		const std::string& out = run.output;

		CPPUNIT_ASSERT_EQUAL_MESSAGE(out, 0, run.exitCode);
		// Blank lines are not sent: one question, one answer.
		CPPUNIT_ASSERT_EQUAL_MESSAGE(out, std::size_t(1), countOf(out, "Assistant: "));
		CPPUNIT_ASSERT_MESSAGE(out, contains(out, "Assistant: Echo: only words\n"));
		CPPUNIT_ASSERT_MESSAGE(out, !contains(out, "Error"));
	}

	void testOneShotQuestion()
	{
		NashTest::ServerProcess server;
		server.start();
		ClientRun run = runClient({urlOption(server.port()), "what is up"}, "");
		const std::string& out = run.output;

		CPPUNIT_ASSERT_EQUAL_MESSAGE(out, 0, run.exitCode);
		// Nothing but the answer, so that scripts can use it.
		CPPUNIT_ASSERT_EQUAL(std::string("Echo: what is up\n"), out);
	}

	void testAnswerIsPrintedAsItArrives()
	{
		NashTest::ServerProcess::Options options;
		options.iniText = "[backend.echo]\nplugin = echo\ndelay_ms = 400\n";
		NashTest::ServerProcess server(options);
		server.start();
		ClientProcess client({urlOption(server.port()), "one two three four five"});
		client.sendInput("");

		// The first words are on the screen while the server still waits
		// between the last ones (4 x 400 ms).
		bool firstWord = NashTest::waitUntil([&] { return contains(client.output(), "Echo: one"); }, std::chrono::seconds(30));
		std::string early = client.output();
		CPPUNIT_ASSERT_MESSAGE(early, firstWord);
		CPPUNIT_ASSERT_MESSAGE(early, !contains(early, "five"));

		ClientRun run = client.waitForExit();
		CPPUNIT_ASSERT_EQUAL_MESSAGE(run.output, 0, run.exitCode);
		CPPUNIT_ASSERT_EQUAL(std::string("Echo: one two three four five\n"), run.output);
	}

	void testServerErrorShowsStatusAndDetail()
	{
		NashTest::ServerProcess server;
		server.start();
		ClientRun run = runClient({urlOption(server.port()), "--model=no-such-backend/no-such-model", "hi"}, "");
		const std::string& out = run.output;

		CPPUNIT_ASSERT_MESSAGE(out, run.exitCode != 0);
		CPPUNIT_ASSERT_MESSAGE(out, found(out, "Error: the server answered 4[0-9][0-9] [^\\n]+: [^\\n]+"));
		CPPUNIT_ASSERT_MESSAGE(out, contains(out, "no-such-backend"));
	}

	void testWarningThenSummarizeAndGoOn()
	{
		NashTest::ServerProcess::Options options;
		options.iniText = "[chat]\nlimits.max_messages = 3\n";
		NashTest::ServerProcess server(options);
		server.start();
		// system + user fits; system + user + assistant + user is over the
		// limit; after the summary, system + summary + user fits again.
		ClientRun run = runClient({urlOption(server.port())}, "first\nsecond\nsummarize\nthird\nexit\n");
		const std::string& out = run.output;

		CPPUNIT_ASSERT_EQUAL_MESSAGE(out, 0, run.exitCode);
		CPPUNIT_ASSERT_MESSAGE(out, contains(out, "Warning: Conversation length exceeds recommended limits\n"));
		CPPUNIT_ASSERT_MESSAGE(out, contains(out, "Suggestions:\n1. "));
		CPPUNIT_ASSERT_MESSAGE(out, contains(out, "\n3. "));
		CPPUNIT_ASSERT_MESSAGE(out, contains(out, "- Messages: 4/3\n"));
		CPPUNIT_ASSERT_MESSAGE(out, found(out, "- Est\\. Tokens: [0-9]+/50000\\n"));
		CPPUNIT_ASSERT_MESSAGE(out, contains(out, "Tip: use 'summarize'"));
		CPPUNIT_ASSERT_MESSAGE(out, !found(out, "Assistant: [^\\n]*second"));
		CPPUNIT_ASSERT_MESSAGE(out, contains(out, "Summary:\n"));
		CPPUNIT_ASSERT_MESSAGE(out, contains(out, "Assistant: Echo: third\n"));
		CPPUNIT_ASSERT_EQUAL_MESSAGE(out, std::size_t(1), countOf(out, "Warning"));
	}

	void testServerNotRunningOneShot()
	{
		int port = unusedPort();
		ClientRun run = runClient({urlOption(port), "anyone there?"}, "");
		const std::string& out = run.output;

		CPPUNIT_ASSERT_MESSAGE(out, run.exitCode != 0);
		std::string expected = "Could not connect to the LLM server at http://127.0.0.1:" + Poco::NumberFormatter::format(port) + ". Start it first with: llm_server";
		CPPUNIT_ASSERT_MESSAGE(out, contains(out, expected));
	}

	void testServerNotRunningInteractiveGoesOn()
	{
		int port = unusedPort();
		ClientRun run = runClient({urlOption(port)}, "hi\nagain\nexit\n");
		const std::string& out = run.output;

		CPPUNIT_ASSERT_EQUAL_MESSAGE(out, 0, run.exitCode);
		CPPUNIT_ASSERT_EQUAL_MESSAGE(out, std::size_t(2), countOf(out, "Could not connect to the LLM server at "));
	}

	void testHelpAndUsageErrors()
	{
		ClientRun help = runClient({"--help"}, "");
		CPPUNIT_ASSERT_EQUAL_MESSAGE(help.output, 0, help.exitCode);
		CPPUNIT_ASSERT_MESSAGE(help.output, contains(help.output, "--url=URL"));
		CPPUNIT_ASSERT_MESSAGE(help.output, contains(help.output, "--model=NAME"));

		ClientRun unknown = runClient({"--no-such-option"}, "");
		CPPUNIT_ASSERT_EQUAL_MESSAGE(unknown.output, 64, unknown.exitCode);

		ClientRun badUrl = runClient({"--url=ftp://127.0.0.1:8001", "hi"}, "");
		CPPUNIT_ASSERT_EQUAL_MESSAGE(badUrl.output, 64, badUrl.exitCode);
		CPPUNIT_ASSERT_MESSAGE(badUrl.output, contains(badUrl.output, "--url"));
	}
};


CPPUNIT_TEST_SUITE_REGISTRATION(ClientExampleTest);
