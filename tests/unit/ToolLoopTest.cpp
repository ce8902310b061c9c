//
// ToolLoopTest.cpp
//
// The server-side tool loop with a scripted model and a fake tool box.
//


#include "core/chat/ToolLoop.h"
#include "core/json/JsonText.h"
#include "Nash/BackendException.h"
#include "NashUpstream/UpstreamHeadObserver.h"
#include "Poco/DateTimeFormat.h"
#include "Poco/DateTimeFormatter.h"
#include "Poco/Exception.h"
#include "Poco/Net/NameValueCollection.h"
#include "Poco/Timestamp.h"
#include <cppunit/extensions/HelperMacros.h>
#include <algorithm>
#include <atomic>
#include <chrono>
#include <map>
#include <thread>


namespace {


using Clock = std::chrono::steady_clock;


double secondsBetween(Clock::time_point from, Clock::time_point to)
{
	return std::chrono::duration<double>(to - from).count();
}


struct Step
	/// One event of a scripted answer.
{
	enum Kind
	{
		Content,
		Call,
		Finish
	};
	Kind kind = Content;
	std::string text;
	Nash::ToolCallDelta delta;
};


Step text(const std::string& content)
{
	Step step;
	step.kind = Step::Content;
	step.text = content;
	return step;
}


Step call(int index, const std::string& id, const std::string& name, const std::string& fragment)
{
	Step step;
	step.kind = Step::Call;
	step.delta.index = index;
	step.delta.id = id;
	step.delta.name = name;
	step.delta.argumentsFragment = fragment;
	return step;
}


Step finish(const std::string& reason)
{
	Step step;
	step.kind = Step::Finish;
	step.text = reason;
	return step;
}


struct Round
	/// One scripted answer: its events, the rate-limit headers reported
	/// before them (requests exhausted, reset this many seconds ahead; 0:
	/// no headers), or a failure.
{
	std::vector<Step> steps;
	double resetAhead = 0;
	std::string failure;
};


struct SeenRequest
	/// What the backend was asked in one round, copied when it was asked.
{
	std::vector<std::string> roles;
	std::vector<std::string> contents;
	std::vector<std::string> raws;
	std::string tools;
		/// The text of extra["tools"], "" when absent.
	std::string parallelToolCalls;
		/// The text of extra["parallel_tool_calls"], "" when absent.
	Clock::time_point at;
};


class ScriptedToolBackend: public Nash::BlockingBackend
	/// Answers round n with rounds[n] (the last one again when there are
	/// fewer), remembering every request.
{
public:
	explicit ScriptedToolBackend(std::vector<Round> script): rounds(std::move(script))
	{
	}

	void configure(const std::string&, const Poco::Util::AbstractConfiguration&) override
	{
	}

	std::vector<std::string> models() const override
	{
		return {"scripted"};
	}

	std::string defaultModel() const override
	{
		return "scripted";
	}

	void streamChat(const Nash::ChatRequest& request, Nash::ChatEventSink& sink, const Nash::CancellationToken&) override
	{
		SeenRequest request_;
		request_.at = Clock::now();
		for (const auto& message: request.messages)
		{
			request_.roles.push_back(message.role);
			request_.contents.push_back(message.content);
			request_.raws.push_back(message.raw ? Nash::JsonText::write(message.raw) : std::string("null"));
		}
		if (request.extra && request.extra->has("tools")) request_.tools = Nash::JsonText::write(request.extra->get("tools"));
		if (request.extra && request.extra->has("parallel_tool_calls"))
			request_.parallelToolCalls = Nash::JsonText::write(request.extra->get("parallel_tool_calls"));
		seen.push_back(request_);

		const Round& round = rounds[std::min(seen.size(), rounds.size()) - 1];
		if (!round.failure.empty()) throw Nash::BackendException(round.failure);
		if (round.resetAhead > 0)
		{
			Poco::Timestamp reset;
			reset += static_cast<Poco::Timestamp::TimeDiff>(round.resetAhead * Poco::Timestamp::resolution());
			std::string resetText = Poco::DateTimeFormatter::format(reset, Poco::DateTimeFormat::ISO8601_FRAC_FORMAT);
			Poco::Net::NameValueCollection headers;
			for (const char* kind: {"input-tokens", "output-tokens", "requests"})
			{
				std::string prefix = std::string("anthropic-ratelimit-") + kind;
				headers.set(prefix + "-limit", "100");
				headers.set(prefix + "-remaining", std::string(kind) == "requests" ? "0" : "100");
				headers.set(prefix + "-reset", resetText);
			}
			auto* observer = dynamic_cast<NashUpstream::UpstreamHeadObserver*>(&sink);
			CPPUNIT_ASSERT_MESSAGE("the tool loop's sink must observe upstream heads", observer != nullptr);
			observer->upstreamHead(200, headers);
		}
		for (const auto& step: round.steps)
		{
			switch (step.kind)
			{
			case Step::Content:
				sink.content(step.text);
				break;
			case Step::Call:
				sink.toolCallDelta(step.delta);
				break;
			case Step::Finish:
				sink.finish(step.text);
				break;
			}
		}
	}

	Nash::ChatResult complete(const Nash::ChatRequest&, const Nash::CancellationToken&) override
	{
		throw Poco::NotImplementedException("the tool loop streams");
	}

	std::vector<Round> rounds;
	std::vector<SeenRequest> seen;
};


class FakeToolBox: public Nash::ToolBox
	/// Offers "add" and "echo", records the calls and answers them with
	/// outcomes[name] ("ok:<name>" when not set); blocks until cancelled
	/// when block is set.
{
public:
	FakeToolBox(bool withTools = true)
	{
		if (!withTools) return;
		Nash::ToolDefinition add;
		add.name = "add";
		add.description = "Adds two numbers";
		add.inputSchema = Nash::JsonText::parseObject("{\"type\": \"object\", \"properties\": {\"a\": {\"type\": \"number\"}, \"b\": {\"type\": \"number\"}}}");
		_tools.push_back(add);
		Nash::ToolDefinition echo;
		echo.name = "echo";
		echo.description = "";
		echo.inputSchema = Nash::JsonText::parseObject("{\"type\": \"object\"}");
		_tools.push_back(echo);
	}

	const std::vector<Nash::ToolDefinition>& tools() const override
	{
		return _tools;
	}

	Nash::ToolOutcome call(const std::string& name, const Poco::JSON::Object::Ptr& arguments, Nash::CancellationToken& cancellation) override
	{
		calls.emplace_back(name, arguments ? Nash::JsonText::write(arguments) : std::string("null"));
		entered = true;
		if (block)
		{
			cancellation.waitFor(std::chrono::seconds(20));
			return Nash::ToolOutcome{"cancelled", true};
		}
		auto found = outcomes.find(name);
		if (found != outcomes.end()) return found->second;
		return Nash::ToolOutcome{"ok:" + name, false};
	}

	std::map<std::string, Nash::ToolOutcome> outcomes;
	std::vector<std::pair<std::string, std::string>> calls;
	bool block = false;
	std::atomic<bool> entered{false};

private:
	std::vector<Nash::ToolDefinition> _tools;
};


class RecordingListener: public Nash::ToolLoopListener
{
public:
	void content(const std::string& text) override
	{
		CPPUNIT_ASSERT_MESSAGE("content is never empty", !text.empty());
		events.push_back("content:" + text);
	}

	void toolCallStarted(const Nash::ToolCallRecord& call) override
	{
		events.push_back("started:" + call.id + ":" + call.name);
	}

	void toolCallArguments(const Nash::ToolCallRecord& call, const std::string& fragment) override
	{
		CPPUNIT_ASSERT_MESSAGE("an arguments fragment is never empty", !fragment.empty());
		events.push_back("args:" + call.id + ":" + fragment);
	}

	void roundFinished(const std::string& finishReason) override
	{
		events.push_back("finish:" + finishReason);
	}

	void waiting(double seconds) override
	{
		events.push_back("waiting");
		waits.push_back(seconds);
	}

	void toolResult(const Nash::ToolCallRecord& call, const Nash::ToolOutcome& outcome) override
	{
		events.push_back("result:" + call.id + ":" + outcome.text + (outcome.isError ? ":error" : ""));
		results.push_back(outcome);
	}

	std::size_t count(const std::string& prefix) const
	{
		return static_cast<std::size_t>(std::count_if(events.begin(), events.end(), [&](const std::string& event) { return event.compare(0, prefix.size(), prefix) == 0; }));
	}

	std::vector<std::string> events;
	std::vector<double> waits;
	std::vector<Nash::ToolOutcome> results;
};


Nash::ChatMessage chatMessage(const std::string& role, const std::string& content)
{
	Nash::ChatMessage message;
	message.role = role;
	message.content = content;
	message.raw = Nash::JsonText::object();
	message.raw->set("role", role);
	message.raw->set("content", content);
	return message;
}


Nash::ChatRequest userRequest(const std::string& question = "What is 2 + 40?")
{
	Nash::ChatRequest request;
	request.model = "scripted";
	request.messages.push_back(chatMessage("user", question));
	request.extra = new Poco::JSON::Object;
	return request;
}


std::string joined(const std::vector<std::string>& events)
{
	std::string text;
	for (const auto& event: events) text += event + "\n";
	return text;
}


std::string repeated(const std::string& piece, std::size_t times)
{
	std::string text;
	for (std::size_t i = 0; i < times; ++i) text += piece;
	return text;
}


const std::string kSuffix = "... (Truncated. Rerun tool to operate on full results again.)";


} // namespace


class ToolLoopTest: public CppUnit::TestFixture
{
	CPPUNIT_TEST_SUITE(ToolLoopTest);
	CPPUNIT_TEST(testPlainAnswer);
	CPPUNIT_TEST(testMissingFinishReasonIsStop);
	CPPUNIT_TEST(testOneToolRoundThenAnswer);
	CPPUNIT_TEST(testSecondRequestCarriesTheNewMessages);
	CPPUNIT_TEST(testToolsInOpenAiForm);
	CPPUNIT_TEST(testNoToolsNoToolsField);
	CPPUNIT_TEST(testTwoParallelCalls);
	CPPUNIT_TEST(testEmptyArgumentsAreAnEmptyObject);
	CPPUNIT_TEST(testArgumentsNotJson);
	CPPUNIT_TEST(testCallsWithoutToolBox);
	CPPUNIT_TEST(testCallWithoutIdGetsOne);
	CPPUNIT_TEST(testRoundCap);
	CPPUNIT_TEST(testLengthWithCall);
	CPPUNIT_TEST(testLengthWithoutCall);
	CPPUNIT_TEST(testBackendFailureIsThrown);
	CPPUNIT_TEST(testCancellationDuringToolCall);
	CPPUNIT_TEST(testCancellationDuringWait);
	CPPUNIT_TEST(testRateLimitWait);
	CPPUNIT_TEST(testMaxWaitCapsTheWait);
	CPPUNIT_TEST(testMaxWaitZeroNeverPauses);
	CPPUNIT_TEST(testNoWaitAfterFinalRound);
	CPPUNIT_TEST(testShortened);
	CPPUNIT_TEST(testShortenOldResults);
	CPPUNIT_TEST(testShortenOldResultsInRun);
	CPPUNIT_TEST(testNoShorteningWhenOff);
	CPPUNIT_TEST_SUITE_END();

public:
	void testPlainAnswer()
	{
		ScriptedToolBackend backend({Round{{text("Hello"), text(""), text(", world"), finish("stop")}, 0, ""}});
		FakeToolBox tools;
		RecordingListener listener;
		Nash::CancellationToken cancellation;
		Nash::ChatRequest request = userRequest();
		Nash::ToolLoopResult result = Nash::ToolLoop(Nash::ToolLoopSettings()).run(backend, request, &tools, listener, cancellation);

		CPPUNIT_ASSERT_EQUAL(std::string("content:Hello\ncontent:, world\nfinish:stop\n"), joined(listener.events));
		CPPUNIT_ASSERT_EQUAL(std::string("stop"), result.finishReason);
		CPPUNIT_ASSERT_EQUAL(std::string(), result.errorClass);
		CPPUNIT_ASSERT_EQUAL(1, result.rounds);
		CPPUNIT_ASSERT(result.newMessages);
		CPPUNIT_ASSERT_EQUAL(std::string("[{\"content\": \"Hello, world\", \"role\": \"assistant\"}]"), Nash::JsonText::write(result.newMessages));
		CPPUNIT_ASSERT_EQUAL(std::size_t(2), request.messages.size());
		CPPUNIT_ASSERT_EQUAL(std::string("assistant"), request.messages[1].role);
		CPPUNIT_ASSERT_EQUAL(std::string("Hello, world"), request.messages[1].content);
		CPPUNIT_ASSERT_EQUAL(std::size_t(1), backend.seen.size());
		CPPUNIT_ASSERT(tools.calls.empty());
	}

	void testMissingFinishReasonIsStop()
	{
		ScriptedToolBackend backend({Round{{text("Hi")}, 0, ""}});
		FakeToolBox tools;
		RecordingListener listener;
		Nash::CancellationToken cancellation;
		Nash::ChatRequest request = userRequest();
		Nash::ToolLoopResult result = Nash::ToolLoop(Nash::ToolLoopSettings()).run(backend, request, &tools, listener, cancellation);
		CPPUNIT_ASSERT_EQUAL(std::string("content:Hi\nfinish:stop\n"), joined(listener.events));
		CPPUNIT_ASSERT_EQUAL(std::string("stop"), result.finishReason);
		CPPUNIT_ASSERT_EQUAL(std::size_t(1), result.newMessages->size());
	}

	static std::vector<Round> addScript()
	{
		return {
			Round{{text("I'll add"), text(" them."), call(0, "toolu_1", "add", ""), call(0, "", "", "{\"a\": 2"), call(0, "", "", ", \"b\": 40}"), finish("tool_calls")}, 0, ""},
			Round{{text("The sum"), text(" is 42."), finish("stop")}, 0, ""}};
	}

	void testOneToolRoundThenAnswer()
	{
		ScriptedToolBackend backend(addScript());
		FakeToolBox tools;
		tools.outcomes["add"] = Nash::ToolOutcome{"42", false};
		RecordingListener listener;
		Nash::CancellationToken cancellation;
		Nash::ChatRequest request = userRequest();
		Nash::ToolLoopResult result = Nash::ToolLoop(Nash::ToolLoopSettings()).run(backend, request, &tools, listener, cancellation);

		CPPUNIT_ASSERT_EQUAL(std::string(
			"content:I'll add\n"
			"content: them.\n"
			"started:toolu_1:add\n"
			"args:toolu_1:{\"a\": 2\n"
			"args:toolu_1:, \"b\": 40}\n"
			"finish:tool_calls\n"
			"result:toolu_1:42\n"
			"content:The sum\n"
			"content: is 42.\n"
			"finish:stop\n"), joined(listener.events));
		CPPUNIT_ASSERT_EQUAL(std::size_t(1), tools.calls.size());
		CPPUNIT_ASSERT_EQUAL(std::string("add"), tools.calls[0].first);
		CPPUNIT_ASSERT_EQUAL(std::string("{\"a\": 2, \"b\": 40}"), tools.calls[0].second);

		CPPUNIT_ASSERT_EQUAL(std::string("stop"), result.finishReason);
		CPPUNIT_ASSERT_EQUAL(std::string(), result.errorClass);
		CPPUNIT_ASSERT_EQUAL(2, result.rounds);
		CPPUNIT_ASSERT(result.newMessages);
		CPPUNIT_ASSERT_EQUAL(std::size_t(3), result.newMessages->size());
		CPPUNIT_ASSERT_EQUAL(std::string(
			"{\"content\": \"I'll add them.\", \"role\": \"assistant\", "
			"\"tool_calls\": [{\"id\": \"toolu_1\", \"function\": {\"arguments\": \"{\\\"a\\\": 2, \\\"b\\\": 40}\", \"name\": \"add\"}, \"type\": \"function\", \"index\": 0}], "
			"\"function_call\": null}"), Nash::JsonText::write(result.newMessages->get(0)));
		CPPUNIT_ASSERT_EQUAL(std::string("{\"role\": \"tool\", \"tool_call_id\": \"toolu_1\", \"name\": \"add\", \"content\": \"42\", \"is_error\": false}"),
			Nash::JsonText::write(result.newMessages->get(1)));
		CPPUNIT_ASSERT_EQUAL(std::string("{\"content\": \"The sum is 42.\", \"role\": \"assistant\"}"), Nash::JsonText::write(result.newMessages->get(2)));

		// The working list grew by the same messages.
		CPPUNIT_ASSERT_EQUAL(std::size_t(4), request.messages.size());
		CPPUNIT_ASSERT_EQUAL(std::string("assistant"), request.messages[1].role);
		CPPUNIT_ASSERT_EQUAL(std::string("I'll add them."), request.messages[1].content);
		CPPUNIT_ASSERT_EQUAL(std::string("tool"), request.messages[2].role);
		CPPUNIT_ASSERT_EQUAL(std::string("42"), request.messages[2].content);
		CPPUNIT_ASSERT_EQUAL(std::string("assistant"), request.messages[3].role);
	}

	void testSecondRequestCarriesTheNewMessages()
	{
		ScriptedToolBackend backend(addScript());
		FakeToolBox tools;
		tools.outcomes["add"] = Nash::ToolOutcome{"42", false};
		RecordingListener listener;
		Nash::CancellationToken cancellation;
		Nash::ChatRequest request = userRequest();
		Nash::ToolLoopSettings settings;
		settings.oneToolPerAnswer = true;
		Nash::ToolLoop(settings).run(backend, request, &tools, listener, cancellation);

		CPPUNIT_ASSERT_EQUAL(std::size_t(2), backend.seen.size());
		CPPUNIT_ASSERT_EQUAL(std::size_t(1), backend.seen[0].roles.size());
		const SeenRequest& second = backend.seen[1];
		CPPUNIT_ASSERT_EQUAL(std::size_t(3), second.roles.size());
		CPPUNIT_ASSERT_EQUAL(std::string("user"), second.roles[0]);
		CPPUNIT_ASSERT_EQUAL(std::string("assistant"), second.roles[1]);
		CPPUNIT_ASSERT_EQUAL(std::string("tool"), second.roles[2]);
		CPPUNIT_ASSERT_EQUAL(std::string("{\"role\": \"user\", \"content\": \"What is 2 + 40?\"}"), second.raws[0]);
		CPPUNIT_ASSERT_EQUAL(std::string(
			"{\"content\": \"I'll add them.\", \"role\": \"assistant\", "
			"\"tool_calls\": [{\"id\": \"toolu_1\", \"function\": {\"arguments\": \"{\\\"a\\\": 2, \\\"b\\\": 40}\", \"name\": \"add\"}, \"type\": \"function\", \"index\": 0}], "
			"\"function_call\": null}"), second.raws[1]);
		CPPUNIT_ASSERT_EQUAL(std::string("{\"role\": \"tool\", \"tool_call_id\": \"toolu_1\", \"name\": \"add\", \"content\": \"42\", \"is_error\": false}"), second.raws[2]);
		CPPUNIT_ASSERT_EQUAL(std::string("42"), second.contents[2]);

		// Both rounds offer the tools, and ask for one call per answer.
		for (const auto& seen: backend.seen)
		{
			CPPUNIT_ASSERT(!seen.tools.empty());
			CPPUNIT_ASSERT_EQUAL(std::string("false"), seen.parallelToolCalls);
		}
	}

	void testToolsInOpenAiForm()
	{
		ScriptedToolBackend backend({Round{{text("Hi"), finish("stop")}, 0, ""}});
		FakeToolBox tools;
		RecordingListener listener;
		Nash::CancellationToken cancellation;
		Nash::ChatRequest request = userRequest();
		Nash::ToolLoop(Nash::ToolLoopSettings()).run(backend, request, &tools, listener, cancellation);

		const std::string expected =
			"[{\"type\": \"function\", \"function\": {\"name\": \"add\", \"description\": \"Adds two numbers\", "
			"\"parameters\": {\"type\": \"object\", \"properties\": {\"a\": {\"type\": \"number\"}, \"b\": {\"type\": \"number\"}}}}}, "
			"{\"type\": \"function\", \"function\": {\"name\": \"echo\", \"description\": \"\", \"parameters\": {\"type\": \"object\"}}}]";
		CPPUNIT_ASSERT_EQUAL(std::size_t(1), backend.seen.size());
		CPPUNIT_ASSERT_EQUAL(expected, backend.seen[0].tools);
		CPPUNIT_ASSERT_EQUAL(expected, Nash::JsonText::write(Nash::ToolLoop::toolsJson(tools.tools())));
		// Parallel calls are the provider's default unless one per answer is asked.
		CPPUNIT_ASSERT_EQUAL(std::string(), backend.seen[0].parallelToolCalls);
		CPPUNIT_ASSERT_EQUAL(std::string("[]"), Nash::JsonText::write(Nash::ToolLoop::toolsJson({})));
	}

	void testNoToolsNoToolsField()
	{
		for (int variant = 0; variant < 2; ++variant)
		{
			ScriptedToolBackend backend({Round{{text("Hi"), finish("stop")}, 0, ""}});
			FakeToolBox empty(false);
			RecordingListener listener;
			Nash::CancellationToken cancellation;
			Nash::ChatRequest request = userRequest();
			request.extra = nullptr;
			Nash::ToolLoopSettings settings;
			settings.oneToolPerAnswer = true;
			Nash::ToolLoopResult result = Nash::ToolLoop(settings).run(backend, request, variant == 0 ? nullptr : &empty, listener, cancellation);
			CPPUNIT_ASSERT(request.extra);
			CPPUNIT_ASSERT_EQUAL(std::string(), backend.seen[0].tools);
			CPPUNIT_ASSERT_EQUAL(std::string(), backend.seen[0].parallelToolCalls);
			CPPUNIT_ASSERT_EQUAL(std::string("stop"), result.finishReason);
			CPPUNIT_ASSERT_EQUAL(std::size_t(1), result.newMessages->size());
		}
	}

	void testTwoParallelCalls()
	{
		ScriptedToolBackend backend({
			Round{{text("Both."), call(0, "c1", "echo", "{\"text\":"), call(1, "c2", "add", "{\"a\": 1"), call(0, "", "", " \"hi\"}"), call(1, "", "", ", \"b\": 2}"),
				finish("tool_calls")}, 0, ""},
			Round{{text("Done"), finish("stop")}, 0, ""}});
		FakeToolBox tools;
		tools.outcomes["echo"] = Nash::ToolOutcome{"hi", false};
		tools.outcomes["add"] = Nash::ToolOutcome{"3", false};
		RecordingListener listener;
		Nash::CancellationToken cancellation;
		Nash::ChatRequest request = userRequest();
		Nash::ToolLoopResult result = Nash::ToolLoop(Nash::ToolLoopSettings()).run(backend, request, &tools, listener, cancellation);

		CPPUNIT_ASSERT_EQUAL(std::string(
			"content:Both.\n"
			"started:c1:echo\n"
			"args:c1:{\"text\":\n"
			"started:c2:add\n"
			"args:c2:{\"a\": 1\n"
			"args:c1: \"hi\"}\n"
			"args:c2:, \"b\": 2}\n"
			"finish:tool_calls\n"
			"result:c1:hi\n"
			"result:c2:3\n"
			"content:Done\n"
			"finish:stop\n"), joined(listener.events));
		CPPUNIT_ASSERT_EQUAL(std::size_t(2), tools.calls.size());
		CPPUNIT_ASSERT_EQUAL(std::string("echo"), tools.calls[0].first);
		CPPUNIT_ASSERT_EQUAL(std::string("{\"text\": \"hi\"}"), tools.calls[0].second);
		CPPUNIT_ASSERT_EQUAL(std::string("add"), tools.calls[1].first);
		CPPUNIT_ASSERT_EQUAL(std::string("{\"a\": 1, \"b\": 2}"), tools.calls[1].second);

		CPPUNIT_ASSERT_EQUAL(std::size_t(4), result.newMessages->size());
		CPPUNIT_ASSERT_EQUAL(std::string(
			"{\"content\": \"Both.\", \"role\": \"assistant\", \"tool_calls\": ["
			"{\"id\": \"c1\", \"function\": {\"arguments\": \"{\\\"text\\\": \\\"hi\\\"}\", \"name\": \"echo\"}, \"type\": \"function\", \"index\": 0}, "
			"{\"id\": \"c2\", \"function\": {\"arguments\": \"{\\\"a\\\": 1, \\\"b\\\": 2}\", \"name\": \"add\"}, \"type\": \"function\", \"index\": 1}], "
			"\"function_call\": null}"), Nash::JsonText::write(result.newMessages->get(0)));
		CPPUNIT_ASSERT_EQUAL(std::string("{\"role\": \"tool\", \"tool_call_id\": \"c1\", \"name\": \"echo\", \"content\": \"hi\", \"is_error\": false}"),
			Nash::JsonText::write(result.newMessages->get(1)));
		CPPUNIT_ASSERT_EQUAL(std::string("{\"role\": \"tool\", \"tool_call_id\": \"c2\", \"name\": \"add\", \"content\": \"3\", \"is_error\": false}"),
			Nash::JsonText::write(result.newMessages->get(2)));
		CPPUNIT_ASSERT_EQUAL(std::string("{\"content\": \"Done\", \"role\": \"assistant\"}"), Nash::JsonText::write(result.newMessages->get(3)));
		// The second model call sees both results.
		CPPUNIT_ASSERT_EQUAL(std::size_t(4), backend.seen[1].roles.size());
	}

	void testEmptyArgumentsAreAnEmptyObject()
	{
		ScriptedToolBackend backend({
			Round{{call(0, "c1", "echo", ""), call(1, "c2", "echo", "  "), finish("tool_calls")}, 0, ""},
			Round{{text("ok"), finish("stop")}, 0, ""}});
		FakeToolBox tools;
		RecordingListener listener;
		Nash::CancellationToken cancellation;
		Nash::ChatRequest request = userRequest();
		Nash::ToolLoopResult result = Nash::ToolLoop(Nash::ToolLoopSettings()).run(backend, request, &tools, listener, cancellation);
		CPPUNIT_ASSERT_EQUAL(std::size_t(2), tools.calls.size());
		CPPUNIT_ASSERT_EQUAL(std::string("{}"), tools.calls[0].second);
		CPPUNIT_ASSERT_EQUAL(std::string("{}"), tools.calls[1].second);
		// The history keeps the arguments as they came ("" when none came).
		Poco::JSON::Object::Ptr assistant = result.newMessages->getObject(0);
		Poco::JSON::Object::Ptr function = assistant->getArray("tool_calls")->getObject(0)->getObject("function");
		CPPUNIT_ASSERT_EQUAL(std::string(""), function->getValue<std::string>("arguments"));
		CPPUNIT_ASSERT_EQUAL(std::string(""), assistant->getValue<std::string>("content"));
		CPPUNIT_ASSERT_EQUAL(std::string("started:c1:echo\nstarted:c2:echo\nargs:c2:  \nfinish:tool_calls\nresult:c1:ok:echo\nresult:c2:ok:echo\ncontent:ok\nfinish:stop\n"),
			joined(listener.events));
	}

	void testArgumentsNotJson()
	{
		ScriptedToolBackend backend({
			Round{{call(0, "c1", "add", "{not json"), call(1, "c2", "add", "[1, 2]"), finish("tool_calls")}, 0, ""},
			Round{{text("Sorry."), finish("stop")}, 0, ""}});
		FakeToolBox tools;
		RecordingListener listener;
		Nash::CancellationToken cancellation;
		Nash::ChatRequest request = userRequest();
		Nash::ToolLoopResult result = Nash::ToolLoop(Nash::ToolLoopSettings()).run(backend, request, &tools, listener, cancellation);

		CPPUNIT_ASSERT(tools.calls.empty());
		CPPUNIT_ASSERT_EQUAL(std::size_t(2), listener.results.size());
		for (const auto& outcome: listener.results)
		{
			CPPUNIT_ASSERT(outcome.isError);
			CPPUNIT_ASSERT_EQUAL(std::string("Error executing tool: "), outcome.text.substr(0, 22));
			CPPUNIT_ASSERT(outcome.text.size() > 22);
		}
		// The loop goes on: the model sees the errors.
		CPPUNIT_ASSERT_EQUAL(std::size_t(2), backend.seen.size());
		CPPUNIT_ASSERT_EQUAL(std::string("stop"), result.finishReason);
		CPPUNIT_ASSERT_EQUAL(std::string(), result.errorClass);
		CPPUNIT_ASSERT_EQUAL(std::size_t(4), result.newMessages->size());
		Poco::JSON::Object::Ptr tool = result.newMessages->getObject(1);
		CPPUNIT_ASSERT_EQUAL(std::string("c1"), tool->getValue<std::string>("tool_call_id"));
		CPPUNIT_ASSERT_EQUAL(listener.results[0].text, tool->getValue<std::string>("content"));
		CPPUNIT_ASSERT_EQUAL(true, tool->getValue<bool>("is_error"));
	}

	void testCallsWithoutToolBox()
	{
		ScriptedToolBackend backend({
			Round{{call(0, "c1", "add", "{}"), finish("tool_calls")}, 0, ""},
			Round{{text("I cannot."), finish("stop")}, 0, ""}});
		RecordingListener listener;
		Nash::CancellationToken cancellation;
		Nash::ChatRequest request = userRequest();
		Nash::ToolLoopResult result = Nash::ToolLoop(Nash::ToolLoopSettings()).run(backend, request, nullptr, listener, cancellation);
		CPPUNIT_ASSERT_EQUAL(std::size_t(1), listener.results.size());
		CPPUNIT_ASSERT(listener.results[0].isError);
		CPPUNIT_ASSERT_EQUAL(std::string("Error executing tool: tool 'add' is not allowed"), listener.results[0].text);
		CPPUNIT_ASSERT_EQUAL(std::size_t(3), result.newMessages->size());
	}

	void testCallWithoutIdGetsOne()
	{
		ScriptedToolBackend backend({
			Round{{call(0, "", "add", "{}"), call(1, "", "", "{}"), finish("tool_calls")}, 0, ""},
			Round{{text("ok"), finish("stop")}, 0, ""}});
		FakeToolBox tools;
		RecordingListener listener;
		Nash::CancellationToken cancellation;
		Nash::ChatRequest request = userRequest();
		Nash::ToolLoopResult result = Nash::ToolLoop(Nash::ToolLoopSettings()).run(backend, request, &tools, listener, cancellation);
		// The nameless call is dropped; the other gets an id that pairs it with its result.
		CPPUNIT_ASSERT_EQUAL(std::size_t(1), tools.calls.size());
		CPPUNIT_ASSERT_EQUAL(std::size_t(3), result.newMessages->size());
		Poco::JSON::Array::Ptr calls = result.newMessages->getObject(0)->getArray("tool_calls");
		CPPUNIT_ASSERT_EQUAL(std::size_t(1), calls->size());
		std::string id = calls->getObject(0)->getValue<std::string>("id");
		CPPUNIT_ASSERT(!id.empty());
		CPPUNIT_ASSERT_EQUAL(id, result.newMessages->getObject(1)->getValue<std::string>("tool_call_id"));
	}

	void testRoundCap()
	{
		ScriptedToolBackend backend({Round{{text("Again."), call(0, "c", "add", "{}"), finish("tool_calls")}, 0, ""}});
		FakeToolBox tools;
		RecordingListener listener;
		Nash::CancellationToken cancellation;
		Nash::ChatRequest request = userRequest();
		Nash::ToolLoopSettings settings;
		settings.maxRounds = 3;
		Nash::ToolLoopResult result = Nash::ToolLoop(settings).run(backend, request, &tools, listener, cancellation);

		CPPUNIT_ASSERT_EQUAL(std::string("ToolLoopLimitExceeded"), result.errorClass);
		CPPUNIT_ASSERT(!result.errorMessage.empty());
		CPPUNIT_ASSERT_EQUAL(3, result.rounds);
		CPPUNIT_ASSERT(!result.newMessages);
		CPPUNIT_ASSERT_EQUAL(std::size_t(3), backend.seen.size());
		// The last round's calls are not run: nothing follows the error.
		CPPUNIT_ASSERT_EQUAL(std::size_t(2), tools.calls.size());
		CPPUNIT_ASSERT_EQUAL(std::size_t(3), listener.count("finish:tool_calls"));
		CPPUNIT_ASSERT_EQUAL(std::size_t(2), listener.count("result:"));
		CPPUNIT_ASSERT_EQUAL(std::string("finish:tool_calls"), listener.events.back());
	}

	void testLengthWithCall()
	{
		ScriptedToolBackend backend({
			Round{{text("I'll"), call(0, "c", "add", "{\"a\":"), finish("length")}, 0, ""},
			Round{{text("never"), finish("stop")}, 0, ""}});
		FakeToolBox tools;
		RecordingListener listener;
		Nash::CancellationToken cancellation;
		Nash::ChatRequest request = userRequest();
		Nash::ToolLoopResult result = Nash::ToolLoop(Nash::ToolLoopSettings()).run(backend, request, &tools, listener, cancellation);

		CPPUNIT_ASSERT_EQUAL(std::string("OutputLimitExceeded"), result.errorClass);
		CPPUNIT_ASSERT_EQUAL(std::string("length"), result.finishReason);
		CPPUNIT_ASSERT(!result.newMessages);
		CPPUNIT_ASSERT(tools.calls.empty());
		CPPUNIT_ASSERT_EQUAL(std::size_t(1), backend.seen.size());
		CPPUNIT_ASSERT_EQUAL(std::string("content:I'll\nstarted:c:add\nargs:c:{\"a\":\nfinish:length\n"), joined(listener.events));
	}

	void testLengthWithoutCall()
	{
		ScriptedToolBackend backend({Round{{text("cut sh"), finish("length")}, 0, ""}});
		FakeToolBox tools;
		RecordingListener listener;
		Nash::CancellationToken cancellation;
		Nash::ChatRequest request = userRequest();
		Nash::ToolLoopResult result = Nash::ToolLoop(Nash::ToolLoopSettings()).run(backend, request, &tools, listener, cancellation);
		CPPUNIT_ASSERT_EQUAL(std::string(), result.errorClass);
		CPPUNIT_ASSERT_EQUAL(std::string("length"), result.finishReason);
		CPPUNIT_ASSERT_EQUAL(std::string("[{\"content\": \"cut sh\", \"role\": \"assistant\"}]"), Nash::JsonText::write(result.newMessages));
		CPPUNIT_ASSERT_EQUAL(std::string("content:cut sh\nfinish:length\n"), joined(listener.events));
	}

	void testBackendFailureIsThrown()
	{
		ScriptedToolBackend backend({
			Round{{call(0, "c", "add", "{}"), finish("tool_calls")}, 0, ""},
			Round{{}, 0, "upstream refused"}});
		FakeToolBox tools;
		RecordingListener listener;
		Nash::CancellationToken cancellation;
		Nash::ChatRequest request = userRequest();
		CPPUNIT_ASSERT_THROW(Nash::ToolLoop(Nash::ToolLoopSettings()).run(backend, request, &tools, listener, cancellation), Nash::BackendException);
		CPPUNIT_ASSERT_EQUAL(std::size_t(1), tools.calls.size());
	}

	void testCancellationDuringToolCall()
	{
		ScriptedToolBackend backend({
			Round{{text("Working."), call(0, "c", "add", "{}"), finish("tool_calls")}, 0, ""},
			Round{{text("never"), finish("stop")}, 0, ""}});
		FakeToolBox tools;
		tools.block = true;
		RecordingListener listener;
		Nash::CancellationToken cancellation;
		Nash::ChatRequest request = userRequest();
		std::thread canceller([&] {
			for (int i = 0; i < 1000 && !tools.entered; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(5));
			std::this_thread::sleep_for(std::chrono::milliseconds(50));
			cancellation.cancel();
		});
		auto start = Clock::now();
		Nash::ToolLoopResult result = Nash::ToolLoop(Nash::ToolLoopSettings()).run(backend, request, &tools, listener, cancellation);
		double elapsed = secondsBetween(start, Clock::now());
		canceller.join();

		CPPUNIT_ASSERT(tools.entered);
		CPPUNIT_ASSERT(elapsed < 10);
		CPPUNIT_ASSERT_EQUAL(std::size_t(1), backend.seen.size());
		CPPUNIT_ASSERT_EQUAL(std::size_t(1), tools.calls.size());
		CPPUNIT_ASSERT_EQUAL(std::size_t(0), listener.count("result:"));
		CPPUNIT_ASSERT(!result.newMessages);
	}

	void testCancellationDuringWait()
	{
		ScriptedToolBackend backend({
			Round{{call(0, "c", "add", "{}"), finish("tool_calls")}, 10, ""},
			Round{{text("never"), finish("stop")}, 0, ""}});
		FakeToolBox tools;
		RecordingListener listener;
		Nash::CancellationToken cancellation;
		Nash::ChatRequest request = userRequest();
		std::thread canceller([&] {
			std::this_thread::sleep_for(std::chrono::milliseconds(300));
			cancellation.cancel();
		});
		auto start = Clock::now();
		Nash::ToolLoopResult result = Nash::ToolLoop(Nash::ToolLoopSettings()).run(backend, request, &tools, listener, cancellation);
		double elapsed = secondsBetween(start, Clock::now());
		canceller.join();

		CPPUNIT_ASSERT_MESSAGE("cancellation ends the wait", elapsed < 5);
		CPPUNIT_ASSERT_EQUAL(std::size_t(1), backend.seen.size());
		CPPUNIT_ASSERT_EQUAL(std::size_t(1), listener.waits.size());
		CPPUNIT_ASSERT(!result.newMessages);
	}

	void testRateLimitWait()
	{
		ScriptedToolBackend backend({
			Round{{text("Let me add."), call(0, "c", "add", "{}"), finish("tool_calls")}, 1, ""},
			Round{{text("Done."), finish("stop")}, 1, ""}});
		FakeToolBox tools;
		RecordingListener listener;
		Nash::CancellationToken cancellation;
		Nash::ChatRequest request = userRequest();
		Nash::ToolLoopResult result = Nash::ToolLoop(Nash::ToolLoopSettings()).run(backend, request, &tools, listener, cancellation);
		auto end = Clock::now();

		CPPUNIT_ASSERT_EQUAL(std::string("content:Let me add.\nstarted:c:add\nargs:c:{}\nfinish:tool_calls\nwaiting\nresult:c:ok:add\ncontent:Done.\nfinish:stop\n"), joined(listener.events));
		CPPUNIT_ASSERT_EQUAL(std::size_t(1), listener.waits.size());
		CPPUNIT_ASSERT(listener.waits[0] > 0);
		CPPUNIT_ASSERT(listener.waits[0] <= 1.5);
		CPPUNIT_ASSERT_EQUAL(std::size_t(2), backend.seen.size());
		double gap = secondsBetween(backend.seen[0].at, backend.seen[1].at);
		CPPUNIT_ASSERT_MESSAGE("the next round waits: " + std::to_string(gap), gap >= listener.waits[0] - 0.1);
		CPPUNIT_ASSERT_MESSAGE("the next round waits not much longer: " + std::to_string(gap), gap < listener.waits[0] + 1.0);
		// No wait after the final round, though its headers asked for one.
		CPPUNIT_ASSERT_MESSAGE("no wait after the final round", secondsBetween(backend.seen[1].at, end) < 0.5);
		CPPUNIT_ASSERT_EQUAL(std::string("stop"), result.finishReason);
		CPPUNIT_ASSERT_EQUAL(std::size_t(3), result.newMessages->size());
	}

	void testMaxWaitCapsTheWait()
	{
		ScriptedToolBackend backend({
			Round{{call(0, "c", "add", "{}"), finish("tool_calls")}, 30, ""},
			Round{{text("Done."), finish("stop")}, 0, ""}});
		FakeToolBox tools;
		RecordingListener listener;
		Nash::CancellationToken cancellation;
		Nash::ChatRequest request = userRequest();
		Nash::ToolLoopSettings settings;
		settings.maxWaitSeconds = 0.3;
		Nash::ToolLoop(settings).run(backend, request, &tools, listener, cancellation);

		CPPUNIT_ASSERT_EQUAL(std::size_t(1), listener.waits.size());
		CPPUNIT_ASSERT_DOUBLES_EQUAL(0.3, listener.waits[0], 1e-9);
		double gap = secondsBetween(backend.seen[0].at, backend.seen[1].at);
		CPPUNIT_ASSERT_MESSAGE("capped wait: " + std::to_string(gap), gap >= 0.25 && gap < 3);
	}

	void testMaxWaitZeroNeverPauses()
	{
		ScriptedToolBackend backend({
			Round{{call(0, "c", "add", "{}"), finish("tool_calls")}, 30, ""},
			Round{{text("Done."), finish("stop")}, 0, ""}});
		FakeToolBox tools;
		RecordingListener listener;
		Nash::CancellationToken cancellation;
		Nash::ChatRequest request = userRequest();
		Nash::ToolLoopSettings settings;
		settings.maxWaitSeconds = 0;
		Nash::ToolLoop(settings).run(backend, request, &tools, listener, cancellation);
		CPPUNIT_ASSERT(listener.waits.empty());
		CPPUNIT_ASSERT(secondsBetween(backend.seen[0].at, backend.seen[1].at) < 1);
	}

	void testNoWaitAfterFinalRound()
	{
		ScriptedToolBackend backend({Round{{text("Hi."), finish("stop")}, 2, ""}});
		FakeToolBox tools;
		RecordingListener listener;
		Nash::CancellationToken cancellation;
		Nash::ChatRequest request = userRequest();
		auto start = Clock::now();
		Nash::ToolLoop(Nash::ToolLoopSettings()).run(backend, request, &tools, listener, cancellation);
		CPPUNIT_ASSERT(secondsBetween(start, Clock::now()) < 1);
		CPPUNIT_ASSERT(listener.waits.empty());
	}

	void testShortened()
	{
		const std::string e = "\xC3\xA9";
		std::string long6000 = repeated(e, 6000);
		std::string cut = Nash::ToolLoop::shortened(long6000, 5000);
		CPPUNIT_ASSERT_EQUAL(repeated(e, 5000) + kSuffix, cut);
		CPPUNIT_ASSERT_EQUAL(cut, Nash::ToolLoop::shortened(cut, 5000));

		std::string exactly = repeated(e, 5000);
		CPPUNIT_ASSERT_EQUAL(exactly, Nash::ToolLoop::shortened(exactly, 5000));
		CPPUNIT_ASSERT_EQUAL(repeated(e, 5000) + kSuffix, Nash::ToolLoop::shortened(repeated(e, 5001), 5000));

		// Four-byte sequences are not split.
		const std::string smile = "\xF0\x9F\x98\x80";
		CPPUNIT_ASSERT_EQUAL(repeated(smile, 5000) + kSuffix, Nash::ToolLoop::shortened(repeated(smile, 5003), 5000));
		CPPUNIT_ASSERT_EQUAL(std::string(4999, 'a') + e + kSuffix, Nash::ToolLoop::shortened(std::string(4999, 'a') + e + "bcd", 5000));

		CPPUNIT_ASSERT_EQUAL(std::string("h") + e + kSuffix, Nash::ToolLoop::shortened("h" + e + "llo", 2));
		CPPUNIT_ASSERT_EQUAL(std::string(""), Nash::ToolLoop::shortened("", 5000));
		CPPUNIT_ASSERT_EQUAL(std::string("short"), Nash::ToolLoop::shortened("short", 5000));
	}

	void testShortenOldResults()
	{
		std::vector<Nash::ChatMessage> messages;
		messages.push_back(chatMessage("user", std::string(7000, 'u')));
		messages.push_back(chatMessage("tool", std::string(6000, 'y')));
		messages.push_back(chatMessage("tool", "ok"));
		Nash::ChatMessage parts = chatMessage("tool", std::string(6000, 'p'));
		Poco::JSON::Array::Ptr content = new Poco::JSON::Array;
		content->add(std::string(6000, 'p'));
		parts.raw->set("content", content);
		messages.push_back(parts);
		Nash::ChatMessage bare;
		bare.role = "tool";
		bare.content = std::string(6000, 'b');
		messages.push_back(bare);
		messages.push_back(chatMessage("assistant", std::string(6000, 'a')));
		messages.push_back(chatMessage("tool", std::string(6000, 'z')));

		Nash::ToolLoop::shortenOldResults(messages, 5000);
		CPPUNIT_ASSERT_EQUAL(std::string(7000, 'u'), messages[0].content);
		CPPUNIT_ASSERT_EQUAL(std::string(7000, 'u'), messages[0].raw->getValue<std::string>("content"));
		CPPUNIT_ASSERT_EQUAL(std::string(5000, 'y') + kSuffix, messages[1].content);
		CPPUNIT_ASSERT_EQUAL(std::string(5000, 'y') + kSuffix, messages[1].raw->getValue<std::string>("content"));
		CPPUNIT_ASSERT_EQUAL(std::string("ok"), messages[2].content);
		CPPUNIT_ASSERT_EQUAL(std::string(6000, 'p'), messages[3].content);
		CPPUNIT_ASSERT(messages[3].raw->getArray("content"));
		CPPUNIT_ASSERT_EQUAL(std::string(5000, 'b') + kSuffix, messages[4].content);
		CPPUNIT_ASSERT(!messages[4].raw);
		CPPUNIT_ASSERT_EQUAL(std::string(6000, 'a'), messages[5].content);
		// The last message is left alone.
		CPPUNIT_ASSERT_EQUAL(std::string(6000, 'z'), messages[6].content);
		CPPUNIT_ASSERT_EQUAL(std::string(6000, 'z'), messages[6].raw->getValue<std::string>("content"));

		// Idempotent.
		std::vector<std::string> before;
		for (const auto& message: messages) before.push_back(message.content);
		Nash::ToolLoop::shortenOldResults(messages, 5000);
		for (std::size_t i = 0; i < messages.size(); ++i) CPPUNIT_ASSERT_EQUAL(before[i], messages[i].content);

		std::vector<Nash::ChatMessage> none;
		Nash::ToolLoop::shortenOldResults(none, 5000);
		CPPUNIT_ASSERT(none.empty());
	}

	void testShortenOldResultsInRun()
	{
		ScriptedToolBackend backend({
			Round{{call(0, "c", "echo", "{}"), finish("tool_calls")}, 0, ""},
			Round{{text("Done."), finish("stop")}, 0, ""}});
		FakeToolBox tools;
		tools.outcomes["echo"] = Nash::ToolOutcome{std::string(6000, 'z'), false};
		RecordingListener listener;
		Nash::CancellationToken cancellation;
		Nash::ChatRequest request = userRequest();
		// An old, long tool result in the history the client sent.
		request.messages.push_back(chatMessage("tool", std::string(6000, 'o')));
		request.messages.push_back(chatMessage("user", "Again?"));
		Nash::ToolLoopSettings settings;
		settings.shortenOldResults = true;
		Nash::ToolLoopResult result = Nash::ToolLoop(settings).run(backend, request, &tools, listener, cancellation);

		CPPUNIT_ASSERT_EQUAL(std::size_t(2), backend.seen.size());
		// Before the first call: the old result is shortened.
		CPPUNIT_ASSERT_EQUAL(std::string(5000, 'o') + kSuffix, backend.seen[0].contents[1]);
		// The fresh result is the last message of the second call: in full.
		CPPUNIT_ASSERT_EQUAL(std::size_t(5), backend.seen[1].contents.size());
		CPPUNIT_ASSERT_EQUAL(std::string(6000, 'z'), backend.seen[1].contents[4]);
		// The user sees it in full.
		CPPUNIT_ASSERT_EQUAL(std::string(6000, 'z'), listener.results[0].text);
		// The history keeps it shortened.
		CPPUNIT_ASSERT_EQUAL(std::size_t(3), result.newMessages->size());
		CPPUNIT_ASSERT_EQUAL(std::string(5000, 'z') + kSuffix, result.newMessages->getObject(1)->getValue<std::string>("content"));
	}

	void testNoShorteningWhenOff()
	{
		ScriptedToolBackend backend({
			Round{{call(0, "c", "echo", "{}"), finish("tool_calls")}, 0, ""},
			Round{{text("Done."), finish("stop")}, 0, ""}});
		FakeToolBox tools;
		tools.outcomes["echo"] = Nash::ToolOutcome{std::string(6000, 'z'), false};
		RecordingListener listener;
		Nash::CancellationToken cancellation;
		Nash::ChatRequest request = userRequest();
		Nash::ToolLoopResult result = Nash::ToolLoop(Nash::ToolLoopSettings()).run(backend, request, &tools, listener, cancellation);
		CPPUNIT_ASSERT_EQUAL(std::string(6000, 'z'), result.newMessages->getObject(1)->getValue<std::string>("content"));
	}
};


CPPUNIT_TEST_SUITE_REGISTRATION(ToolLoopTest);
