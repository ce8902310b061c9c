//
// ToolLoop.cpp
//


#include "core/chat/ToolLoop.h"
#include "core/chat/MeteredSink.h"
#include "core/chat/RateLimitWait.h"
#include "core/metrics/Metrics.h"
#include "NashUpstream/UpstreamHeadObserver.h"
#include "Poco/JSON/Parser.h"
#include "Poco/Logger.h"
#include "Poco/String.h"
#include <algorithm>
#include <chrono>
#include <map>


namespace Nash {


namespace {


Poco::JSON::Object::Ptr newObject()
{
	return new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
}


class RoundSink: public ChatEventSink, public NashUpstream::UpstreamHeadObserver
	/// One model answer: passes it on to the listener as it comes and keeps
	/// its text, its calls and the provider's rate-limit wait.
{
public:
	RoundSink(ToolLoopListener& listener, int round):
		_listener(listener),
		_round(round)
	{
	}

	void content(const std::string& text) override
	{
		if (text.empty()) return;
		_text += text;
		_listener.content(text);
	}

	void toolCallDelta(const ToolCallDelta& delta) override
	{
		auto found = _byIndex.find(delta.index);
		if (found == _byIndex.end())
		{
			found = _byIndex.emplace(delta.index, _calls.size()).first;
			_calls.emplace_back();
			_announced.push_back(false);
		}
		ToolCallRecord& call = _calls[found->second];
		if (call.id.empty()) call.id = delta.id;
		if (call.name.empty()) call.name = delta.name;
		call.arguments += delta.argumentsFragment;
		if (!_announced[found->second])
		{
			// Fragments that came before the name are told with it.
			if (call.name.empty()) return;
			// A call the provider gave no id still needs one, to pair it with its result.
			if (call.id.empty()) call.id = "call_" + std::to_string(_round) + "_" + std::to_string(found->second);
			_announced[found->second] = true;
			_listener.toolCallStarted(call);
			if (!call.arguments.empty()) _listener.toolCallArguments(call, call.arguments);
			return;
		}
		if (!delta.argumentsFragment.empty()) _listener.toolCallArguments(call, delta.argumentsFragment);
	}

	void usage(const Usage&) override
	{
	}

	void finish(const std::string& reason) override
	{
		_finishReason = reason;
	}

	void upstreamHead(int, const Poco::Net::NameValueCollection& headers) override
	{
		_wait = RateLimitWait::seconds(headers, Poco::Timestamp());
	}

	const std::string& text() const
	{
		return _text;
	}

	std::vector<ToolCallRecord>& calls()
	{
		return _calls;
	}

	const std::string& finishReason() const
	{
		return _finishReason;
	}

	double wait() const
	{
		return _wait;
	}

private:
	ToolLoopListener& _listener;
	int _round;
	std::string _text;
	std::vector<ToolCallRecord> _calls;
	std::vector<bool> _announced;
	std::map<int, std::size_t> _byIndex;
	std::string _finishReason;
	double _wait = 0;
};


ChatMessage message(const std::string& role, const std::string& content, const Poco::JSON::Object::Ptr& raw)
{
	ChatMessage message;
	message.role = role;
	message.content = content;
	message.raw = raw;
	return message;
}


ChatMessage assistantMessage(const std::string& text, const std::vector<ToolCallRecord>& calls)
	/// The shapes the Nash app's server stored, which its client sends back.
{
	Poco::JSON::Object::Ptr raw = newObject();
	raw->set("content", text);
	raw->set("role", "assistant");
	if (!calls.empty())
	{
		Poco::JSON::Array::Ptr toolCalls = new Poco::JSON::Array;
		for (std::size_t i = 0; i < calls.size(); ++i)
		{
			Poco::JSON::Object::Ptr function = newObject();
			function->set("arguments", calls[i].arguments);
			function->set("name", calls[i].name);
			Poco::JSON::Object::Ptr call = newObject();
			call->set("id", calls[i].id);
			call->set("function", function);
			call->set("type", "function");
			call->set("index", static_cast<int>(i));
			toolCalls->add(call);
		}
		raw->set("tool_calls", toolCalls);
		raw->set("function_call", Poco::Dynamic::Var());
	}
	return message("assistant", text, raw);
}


ChatMessage toolMessage(const ToolCallRecord& call, const ToolOutcome& outcome)
{
	Poco::JSON::Object::Ptr raw = newObject();
	raw->set("role", "tool");
	raw->set("tool_call_id", call.id);
	raw->set("name", call.name);
	raw->set("content", outcome.text);
	raw->set("is_error", outcome.isError);
	return message("tool", outcome.text, raw);
}


Poco::JSON::Object::Ptr parseArguments(const std::string& arguments, std::string& error)
{
	std::string text = Poco::trim(arguments);
	if (text.empty()) return newObject();
	try
	{
		Poco::JSON::Parser parser;
		Poco::Dynamic::Var parsed = parser.parse(text);
		if (parsed.type() == typeid(Poco::JSON::Object::Ptr)) return parsed.extract<Poco::JSON::Object::Ptr>();
		error = "the arguments are not a JSON object";
	}
	catch (Poco::Exception& exc)
	{
		error = "the arguments are not JSON (" + exc.message() + ")";
	}
	return nullptr;
}


std::size_t codePoints(const std::string& text)
{
	return static_cast<std::size_t>(std::count_if(text.begin(), text.end(), [](char c) { return (static_cast<unsigned char>(c) & 0xC0) != 0x80; }));
}


} // namespace


ToolLoop::ToolLoop(const ToolLoopSettings& settings): _settings(settings)
{
}


ToolLoopResult ToolLoop::run(BlockingBackend& backend, ChatRequest& request, ToolBox* tools, ToolLoopListener& listener, CancellationToken& cancellation)
{
	ToolLoopResult result;
	const std::size_t first = request.messages.size();
	if (!request.extra) request.extra = new Poco::JSON::Object;
	if (tools && !tools->tools().empty())
	{
		request.extra->set("tools", toolsJson(tools->tools()));
		if (_settings.oneToolPerAnswer) request.extra->set("parallel_tool_calls", false);
	}

	while (true)
	{
		if (_settings.shortenOldResults) shortenOldResults(request.messages, _settings.keptResultCharacters);
		++result.rounds;
		if (Metrics* metrics = Metrics::instance()) metrics->toolLoopRound(_settings.dialect);
		RoundSink round(listener, result.rounds);
		{
			MeteredSink metered(round, _settings.meter);
			RequestMeter::Wait wait(_settings.meter);
			backend.streamChat(request, metered, cancellation);
		}
		if (cancellation.isCancelled()) return result;

		std::vector<ToolCallRecord>& calls = round.calls();
		calls.erase(std::remove_if(calls.begin(), calls.end(), [](const ToolCallRecord& call) { return call.name.empty(); }), calls.end());
		if (calls.empty())
		{
			result.finishReason = round.finishReason().empty() ? std::string("stop") : round.finishReason();
			request.messages.push_back(assistantMessage(round.text(), calls));
			listener.roundFinished(result.finishReason);
			break;
		}
		if (round.finishReason() == "length")
		{
			// The calls' arguments were cut off: running them would act on
			// half an instruction, and a tool_use without its result would
			// spoil the history.
			listener.roundFinished("length");
			result.finishReason = "length";
			result.errorClass = "OutputLimitExceeded";
			result.errorMessage = "the model reached its output limit in the middle of a tool call";
			return result;
		}

		request.messages.push_back(assistantMessage(round.text(), calls));
		listener.roundFinished("tool_calls");
		if (result.rounds >= _settings.maxRounds)
		{
			result.finishReason = "tool_calls";
			result.errorClass = "ToolLoopLimitExceeded";
			result.errorMessage = "the model still called tools after " + std::to_string(result.rounds) + " rounds, the most one request may take";
			return result;
		}

		double wait = std::min(round.wait(), _settings.maxWaitSeconds);
		auto resume = std::chrono::steady_clock::now() + std::chrono::milliseconds(static_cast<long long>(wait * 1000));
		if (wait > 0) listener.waiting(wait);
		for (const auto& call: calls)
		{
			std::string error;
			Poco::JSON::Object::Ptr arguments = parseArguments(call.arguments, error);
			ToolOutcome outcome;
			if (!arguments)
			{
				outcome.text = "Error executing tool: " + error;
				outcome.isError = true;
			}
			else if (!tools)
			{
				outcome.text = "Error executing tool: tool '" + call.name + "' is not allowed";
				outcome.isError = true;
			}
			else
			{
				RequestMeter::Wait wait(_settings.meter);
				outcome = tools->call(call.name, arguments, cancellation);
			}
			if (cancellation.isCancelled()) return result;
			request.messages.push_back(toolMessage(call, outcome));
			listener.toolResult(call, outcome);
		}
		if (wait > 0)
		{
			auto left = std::chrono::duration_cast<std::chrono::milliseconds>(resume - std::chrono::steady_clock::now());
			RequestMeter::Wait rateLimit(_settings.meter);
			if (left.count() > 0 && cancellation.waitFor(left)) return result;
		}
	}

	if (_settings.shortenOldResults) shortenOldResults(request.messages, _settings.keptResultCharacters);
	result.newMessages = new Poco::JSON::Array;
	for (std::size_t i = first; i < request.messages.size(); ++i) result.newMessages->add(request.messages[i].raw);
	return result;
}


std::string ToolLoop::shortened(const std::string& text, std::size_t keptCharacters)
{
	if (codePoints(text) <= keptCharacters) return text;
	std::size_t end = 0;
	for (std::size_t kept = 0; end < text.size(); ++end)
	{
		if ((static_cast<unsigned char>(text[end]) & 0xC0) != 0x80)
		{
			if (kept == keptCharacters) break;
			++kept;
		}
	}
	return text.substr(0, end) + "... (Truncated. Rerun tool to operate on full results again.)";
}


void ToolLoop::shortenOldResults(std::vector<ChatMessage>& messages, std::size_t keptCharacters)
{
	for (std::size_t i = 0; i + 1 < messages.size(); ++i)
	{
		ChatMessage& message = messages[i];
		if (message.role != "tool") continue;
		if (message.raw && !message.raw->get("content").isString()) continue;
		std::string text = shortened(message.content, keptCharacters);
		if (text == message.content) continue;
		message.content = text;
		if (message.raw) message.raw->set("content", text);
	}
}


Poco::JSON::Array::Ptr ToolLoop::toolsJson(const std::vector<ToolDefinition>& tools)
{
	Poco::JSON::Array::Ptr list = new Poco::JSON::Array;
	for (const auto& tool: tools)
	{
		Poco::JSON::Object::Ptr function = newObject();
		function->set("name", tool.name);
		function->set("description", tool.description);
		function->set("parameters", tool.inputSchema);
		Poco::JSON::Object::Ptr entry = newObject();
		entry->set("type", "function");
		entry->set("function", function);
		list->add(entry);
	}
	return list;
}


} // namespace Nash
