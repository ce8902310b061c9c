//
// LoadWorker.cpp
//


#include "LoadWorker.h"
#include "CheckFailedException.h"
#include "EventStreamCheck.h"
#include "Poco/JSON/Parser.h"
#include "Poco/JSON/Stringifier.h"
#include "Poco/Net/HTTPRequest.h"
#include "Poco/Net/HTTPResponse.h"
#include "Poco/Net/NetException.h"
#include "Poco/StreamCopier.h"
#include "Poco/Timespan.h"
#include <array>
#include <chrono>
#include <sstream>


namespace NashSoak {


namespace {


const std::string STREAM_PATH = "/v1/chat/completions/stream";
const std::string SUMMARIZE_PATH = "/v1/chat/summarize";
const std::string MCP_PATH = "/v1/mcp/";

struct Share
{
	RequestKind kind;
	int weight;
};

// Mostly what a chat client does (streams, then summaries, then tools), with
// a few percent of streams left in the middle and of bad requests. The
// weights add up to 100, so they read as percentages.
const std::array<Share, REQUEST_KIND_COUNT> MIX = {{
	{RequestKind::STREAM, 36},
	{RequestKind::STREAM_SLOW, 8},
	{RequestKind::STREAM_CANCEL, 4},
	{RequestKind::SUMMARIZE, 14},
	{RequestKind::MCP_LIST_TOOLS, 7},
	{RequestKind::MCP_ECHO, 9},
	{RequestKind::MCP_ADD, 9},
	{RequestKind::HEALTH, 5},
	{RequestKind::BAD_JSON, 4},
	{RequestKind::NOT_FOUND, 4}}};

// Plain words, and words that test the JSON and SSE framing on the way
// back: quotes, backslashes, a line break and a tab inside a piece (an event
// must stay one line), and 2-, 3- and 4-byte UTF-8.
const std::array<const char*, 24> WORDS = {{
	"alpha", "bravo", "charlie", "delta", "echo", "foxtrot", "golf", "hotel",
	"soak", "stream", "summary", "tool", "42", "3.14", "-7", "x",
	"caf\xc3\xa9", "na\xc3\xafve", "\xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e", "\xf0\x9f\x99\x82",
	"\"quoted\"", "back\\slash", "two\nlines", "tab\there"}};

const std::array<const char*, 3> BAD_BODIES = {{
	"{\"messages\": [", "not json at all", "{\"messages\": [{\"role\": \"user\", \"content\": \"x\"}]"}};


std::string excerpt(const std::string& text)
{
	return text.size() <= 160 ? text : text.substr(0, 160) + "...";
}


std::string toJson(const Poco::Dynamic::Var& value)
{
	std::ostringstream out;
	Poco::JSON::Stringifier::condense(value, out);
	return out.str();
}


Poco::JSON::Object::Ptr message(const std::string& role, const std::string& content)
{
	Poco::JSON::Object::Ptr m = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
	m->set("role", role);
	m->set("content", content);
	return m;
}


long long tokenEstimate(const Poco::JSON::Array::Ptr& messages, std::size_t from)
	/// The contract's estimate: per message, its characters / 4 rounded down.
{
	long long total = 0;
	for (std::size_t i = from; i < messages->size(); ++i)
	{
		std::string content = messages->getObject(static_cast<unsigned>(i))->getValue<std::string>("content");
		long long characters = 0;
		for (unsigned char c: content)
		{
			if ((c & 0xC0) != 0x80) ++characters;
		}
		total += characters / 4;
	}
	return total;
}


void expect(bool condition, const std::string& what)
{
	if (!condition) throw CheckFailedException(what);
}


std::string stringAt(const Poco::JSON::Object::Ptr& object, const std::string& key)
{
	expect(object && object->has(key) && object->get(key).isString(), "\"" + key + "\" is not a string");
	return object->getValue<std::string>(key);
}


long long integerAt(const Poco::JSON::Object::Ptr& object, const std::string& key)
{
	expect(object && object->has(key) && object->get(key).isInteger(), "\"" + key + "\" is not an integer");
	return object->get(key).convert<long long>();
}


} // namespace


LoadWorker::LoadWorker(const SoakSettings& settings, RunState& state, unsigned index):
	_settings(settings),
	_state(state),
	_index(index),
	_random(settings.seed * 7919u + index)
{
}


const WorkerStats& LoadWorker::stats() const
{
	return _stats;
}


void LoadWorker::run()
{
	using Clock = std::chrono::steady_clock;
	while (!_state.stop.load())
	{
		RequestKind kind = pickKind();
		bool measured = _state.measuring.load();
		// A few percent of requests close their connection, so that
		// connections come and go as they do with real clients.
		_closeAfter = chance(0.03);
		++_sequence;
		bool ok = false;
		auto start = Clock::now();
		try
		{
			perform(kind);
			ok = true;
		}
		catch (CheckFailedException& exc)
		{
			_state.errors.add(kindName(kind), exc.message());
		}
		catch (Poco::TimeoutException& exc)
		{
			_state.errors.add(kindName(kind), "timeout: " + exc.displayText());
		}
		catch (Poco::Net::ConnectionRefusedException& exc)
		{
			_state.errors.add(kindName(kind), "connect failed: " + exc.displayText());
		}
		catch (Poco::Exception& exc)
		{
			_state.errors.add(kindName(kind), exc.displayText());
		}
		catch (std::exception& exc)
		{
			_state.errors.add(kindName(kind), exc.what());
		}
		auto latency = std::chrono::duration_cast<std::chrono::microseconds>(Clock::now() - start);
		if (!ok) dropSession();
		if (measured)
		{
			_stats.record(kind, ok, latency);
			++_state.measuredRequests;
		}
		else
		{
			++_state.warmupRequests;
			if (!ok) ++_state.warmupErrors;
		}
	}
	dropSession();
}


RequestKind LoadWorker::pickKind()
{
	int roll = uniform(0, 99);
	for (const auto& share: MIX)
	{
		if (roll < share.weight) return share.kind;
		roll -= share.weight;
	}
	return RequestKind::STREAM;
}


void LoadWorker::perform(RequestKind kind)
{
	switch (kind)
	{
	case RequestKind::STREAM: stream(_settings.model, 1, 24, false); break;
	case RequestKind::STREAM_SLOW: stream(_settings.slowModel, 4, 16, false); break;
	case RequestKind::STREAM_CANCEL: stream(_settings.slowModel, 20, 40, true); break;
	case RequestKind::SUMMARIZE: summarize(); break;
	case RequestKind::MCP_LIST_TOOLS: mcpListTools(); break;
	case RequestKind::MCP_ECHO: mcpEcho(); break;
	case RequestKind::MCP_ADD: mcpAdd(); break;
	case RequestKind::HEALTH: health(); break;
	case RequestKind::BAD_JSON: badJson(); break;
	case RequestKind::NOT_FOUND: notFound(); break;
	}
}


void LoadWorker::stream(const std::string& model, int minWords, int maxWords, bool leave)
{
	std::string text = words(minWords, maxWords);
	std::string sessionId = sessionIdToSend();

	Poco::JSON::Array::Ptr messages = chance(0.3) ? history(uniform(1, 2), chance(0.5)) : Poco::JSON::Array::Ptr(new Poco::JSON::Array);
	messages->add(message("user", text));
	Poco::JSON::Object body(Poco::JSON_PRESERVE_KEY_ORDER);
	body.set("model", model);
	body.set("messages", messages);
	if (!sessionId.empty()) body.set("session_id", sessionId);
	else if (chance(0.2)) body.set("session_id", Poco::Dynamic::Var());
	std::string json = toJson(body);

	Poco::Net::HTTPRequest request(Poco::Net::HTTPRequest::HTTP_POST, STREAM_PATH, Poco::Net::HTTPMessage::HTTP_1_1);
	request.setKeepAlive(!_closeAfter);
	request.setContentType("application/json");
	request.setContentLength(static_cast<std::streamsize>(json.size()));
	request.set("Accept", "text/event-stream");
	session().sendRequest(request) << json;
	Poco::Net::HTTPResponse response;
	std::istream& in = session().receiveResponse(response);
	// A failing socket must surface as its own exception (a timeout, a
	// reset), not as a stream that merely ended early.
	in.exceptions(std::ios::badbit);
	if (response.getStatus() != Poco::Net::HTTPResponse::HTTP_OK)
	{
		std::string answer;
		Poco::StreamCopier::copyToString(in, answer);
		throw CheckFailedException("status " + std::to_string(response.getStatus()) + ": " + excerpt(answer));
	}
	expect(response.getContentType().compare(0, 17, "text/event-stream") == 0, "Content-Type " + response.getContentType());
	expect(response.get("Cache-Control", "") == "no-cache", "Cache-Control '" + response.get("Cache-Control", "") + "'");
	expect(response.getChunkedTransferEncoding(), "the stream is not chunked");

	EventStreamCheck::Expectation expectation;
	expectation.sessionId = sessionId;
	expectation.content = _settings.echoPrefix + text;
	expectation.leaveAfterFirstContent = leave;
	EventStreamCheck::read(in, expectation);
	if (leave || _closeAfter || !response.getKeepAlive()) dropSession();
}


void LoadWorker::summarize()
{
	bool withSystem = chance(0.5);
	Poco::JSON::Array::Ptr messages = history(uniform(1, 4), withSystem);
	if (chance(0.5)) messages->add(message("user", words(1, 12)));
	std::string sessionId = sessionIdToSend();
	Poco::JSON::Object body(Poco::JSON_PRESERVE_KEY_ORDER);
	body.set("messages", messages);
	if (!sessionId.empty()) body.set("session_id", sessionId);
	if (chance(0.5)) body.set("model", _settings.model);

	Poco::JSON::Object::Ptr answer = jsonAnswer(exchange("POST", SUMMARIZE_PATH, toJson(body)), 200);

	std::size_t first = withSystem ? 1 : 0;
	std::string transcript = "Please summarize this conversation:\n\n";
	for (std::size_t i = first; i < messages->size(); ++i)
	{
		Poco::JSON::Object::Ptr m = messages->getObject(static_cast<unsigned>(i));
		if (i > first) transcript += '\n';
		transcript += m->getValue<std::string>("role") + ": " + m->getValue<std::string>("content");
	}
	std::string expectedSummary = _settings.echoPrefix + transcript;

	expect(answer->has("success") && answer->get("success").isBoolean() && answer->getValue<bool>("success"), "\"success\" is not true");
	std::string summary = stringAt(answer, "summary");
	expect(summary == expectedSummary, "summary '" + excerpt(summary) + "', expected '" + excerpt(expectedSummary) + "'");

	Poco::JSON::Array::Ptr kept = answer->getArray("messages");
	expect(kept && kept->size() == first + 1, "\"messages\" should hold " + std::to_string(first + 1) + " messages");
	for (std::size_t i = 0; i < kept->size(); ++i)
		expect(kept->getObject(static_cast<unsigned>(i)) != nullptr, "\"messages\" holds a non-object");
	if (withSystem)
	{
		Poco::JSON::Object::Ptr system = kept->getObject(0);
		expect(stringAt(system, "role") == "system"
			&& stringAt(system, "content") == messages->getObject(0)->getValue<std::string>("content"), "the system message was not kept as it was");
	}
	Poco::JSON::Object::Ptr last = kept->getObject(static_cast<unsigned>(first));
	expect(stringAt(last, "role") == "assistant" && stringAt(last, "content") == "Previous conversation summary:\n" + summary,
		"the summary message is not {\"role\": \"assistant\", \"content\": \"Previous conversation summary:\\n<summary>\"}");

	Poco::JSON::Object::Ptr reduction = answer->getObject("token_reduction");
	expect(reduction != nullptr, "no \"token_reduction\" object");
	long long before = integerAt(reduction, "before");
	long long after = integerAt(reduction, "after");
	expect(before == tokenEstimate(messages, first), "token_reduction.before " + std::to_string(before) + ", expected " + std::to_string(tokenEstimate(messages, first)));
	expect(after == tokenEstimate(kept, 0), "token_reduction.after " + std::to_string(after) + ", expected " + std::to_string(tokenEstimate(kept, 0)));

	std::string answeredId = stringAt(answer, "session_id");
	expect(sessionId.empty() ? EventStreamCheck::isUuidV4(answeredId) : answeredId == sessionId, "session_id '" + excerpt(answeredId) + "'");
}


void LoadWorker::mcpListTools()
{
	Poco::JSON::Object::Ptr arguments;
	if (chance(0.5))
	{
		arguments = new Poco::JSON::Object;
		if (chance(0.5)) arguments->set("server", _settings.mcpServer);
	}
	Poco::JSON::Object::Ptr result = mcpCall("list_tools", arguments);
	Poco::JSON::Array::Ptr tools = result->getArray("tools");
	expect(tools != nullptr, "result has no \"tools\" array");
	bool echo = false;
	bool add = false;
	for (std::size_t i = 0; i < tools->size(); ++i)
	{
		Poco::JSON::Object::Ptr tool = tools->getObject(static_cast<unsigned>(i));
		expect(tool != nullptr, "a tool that is not an object");
		std::string name = stringAt(tool, "name");
		expect(tool->has("inputSchema"), "tool '" + name + "' has no inputSchema");
		if (tool->optValue<std::string>("server", "") != _settings.mcpServer) continue;
		echo = echo || name == "echo";
		add = add || name == "add";
	}
	expect(echo && add, "the tools of server '" + _settings.mcpServer + "' lack echo or add");
}


void LoadWorker::mcpEcho()
{
	std::string text = words(1, 10);
	Poco::JSON::Object::Ptr args = new Poco::JSON::Object;
	args->set("message", text);
	Poco::JSON::Object::Ptr arguments = new Poco::JSON::Object;
	bool aliases = chance(0.5);
	arguments->set(aliases ? "name" : "tool_name", std::string("echo"));
	arguments->set(aliases ? "arguments" : "args", args);
	Poco::JSON::Object::Ptr result = mcpCall(chance(0.5) ? "call_tool" : "execute_tool", arguments);

	expect(!result->optValue<bool>("isError", false), "isError is true: " + excerpt(toJson(result)));
	Poco::JSON::Array::Ptr content = result->getArray("content");
	expect(content && content->size() == 1, "result.content is not one item");
	Poco::JSON::Object::Ptr item = content->getObject(0);
	expect(stringAt(item, "type") == "text", "result.content[0].type is not text");
	expect(stringAt(item, "text") == text, "echo returned '" + excerpt(stringAt(item, "text")) + "', sent '" + excerpt(text) + "'");
}


void LoadWorker::mcpAdd()
{
	int a = uniform(-100000, 100000);
	int b = uniform(-100000, 100000);
	Poco::JSON::Object::Ptr args = new Poco::JSON::Object;
	args->set("a", a);
	args->set("b", b);
	Poco::JSON::Object::Ptr arguments = new Poco::JSON::Object;
	arguments->set("tool_name", std::string("add"));
	arguments->set("args", args);
	if (chance(0.3)) arguments->set("server", _settings.mcpServer);
	Poco::JSON::Object::Ptr result = mcpCall("call_tool", arguments);

	long long sum = static_cast<long long>(a) + b;
	expect(!result->optValue<bool>("isError", false), "isError is true: " + excerpt(toJson(result)));
	Poco::JSON::Array::Ptr content = result->getArray("content");
	expect(content && content->size() == 1, "result.content is not one item");
	expect(stringAt(content->getObject(0), "text") == std::to_string(sum), "add(" + std::to_string(a) + ", " + std::to_string(b) + ") returned '" + excerpt(stringAt(content->getObject(0), "text")) + "'");
	Poco::JSON::Object::Ptr structured = result->getObject("structuredContent");
	expect(structured && structured->has("sum") && structured->get("sum").isNumeric()
		&& structured->get("sum").convert<double>() == static_cast<double>(sum), "structuredContent.sum is not " + std::to_string(sum));
}


void LoadWorker::health()
{
	Poco::JSON::Object::Ptr answer = jsonAnswer(exchange("GET", "/health", ""), 200);
	expect(stringAt(answer, "status") == "ok", "status is not ok");
}


void LoadWorker::badJson()
{
	static const std::array<const char*, 3> paths = {{"/v1/chat/completions/stream", "/v1/chat/summarize", "/v1/mcp/call_tool"}};
	std::string path = paths[static_cast<std::size_t>(uniform(0, 2))];
	std::string body = BAD_BODIES[static_cast<std::size_t>(uniform(0, 2))];
	Poco::JSON::Object::Ptr answer = jsonAnswer(exchange("POST", path, body), 400);
	expect(!stringAt(answer, "detail").empty(), "empty detail");
}


void LoadWorker::notFound()
{
	std::string path = "/v1/soak/unknown-" + std::to_string(_index) + "-" + std::to_string(_sequence);
	Poco::JSON::Object::Ptr answer = jsonAnswer(exchange(chance(0.5) ? "GET" : "POST", path, chance(0.5) ? "{}" : ""), 404);
	expect(!stringAt(answer, "detail").empty(), "empty detail");
}


LoadWorker::Answer LoadWorker::exchange(const std::string& method, const std::string& path, const std::string& body)
{
	Poco::Net::HTTPRequest request(method, path, Poco::Net::HTTPMessage::HTTP_1_1);
	request.setKeepAlive(!_closeAfter);
	if (!body.empty()) request.setContentType("application/json");
	if (method != "GET") request.setContentLength(static_cast<std::streamsize>(body.size()));
	session().sendRequest(request) << body;
	Poco::Net::HTTPResponse response;
	std::istream& in = session().receiveResponse(response);
	in.exceptions(std::ios::badbit);
	Answer answer;
	answer.status = response.getStatus();
	answer.contentType = response.getContentType();
	Poco::StreamCopier::copyToString(in, answer.body);
	if (_closeAfter || !response.getKeepAlive()) dropSession();
	return answer;
}


Poco::JSON::Object::Ptr LoadWorker::jsonAnswer(const Answer& answer, int expectedStatus) const
{
	if (answer.status != expectedStatus)
		throw CheckFailedException("status " + std::to_string(answer.status) + ", expected " + std::to_string(expectedStatus) + ": " + excerpt(answer.body));
	expect(answer.contentType.compare(0, 16, "application/json") == 0, "Content-Type '" + answer.contentType + "'");
	try
	{
		Poco::JSON::Parser parser;
		Poco::Dynamic::Var value = parser.parse(answer.body);
		if (value.type() == typeid(Poco::JSON::Object::Ptr)) return value.extract<Poco::JSON::Object::Ptr>();
	}
	catch (Poco::Exception& exc)
	{
		throw CheckFailedException("the answer is not JSON (" + exc.displayText() + "): " + excerpt(answer.body));
	}
	throw CheckFailedException("the answer is not a JSON object: " + excerpt(answer.body));
}


Poco::JSON::Object::Ptr LoadWorker::mcpCall(const std::string& method, const Poco::JSON::Object::Ptr& arguments)
{
	Poco::JSON::Object::Ptr answer = jsonAnswer(exchange("POST", MCP_PATH + method, arguments ? toJson(arguments) : std::string()), 200);
	Poco::JSON::Object::Ptr result = answer->getObject("result");
	expect(result != nullptr, method + ": no \"result\" object: " + excerpt(toJson(answer)));
	return result;
}


Poco::Net::HTTPClientSession& LoadWorker::session()
{
	if (!_session)
	{
		_session.reset(new Poco::Net::HTTPClientSession(_settings.host, static_cast<Poco::UInt16>(_settings.port)));
		_session->setKeepAlive(true);
		Poco::Timespan timeout(static_cast<Poco::Timespan::TimeDiff>(_settings.timeoutSeconds * Poco::Timespan::SECONDS));
		_session->setTimeout(timeout, timeout, timeout);
	}
	return *_session;
}


void LoadWorker::dropSession()
{
	if (!_session) return;
	try
	{
		// abort(), not close(): a stream left in the middle must look to the
		// server like a client that went away, at once.
		_session->abort();
	}
	catch (Poco::Exception&)
	{
	}
	_session.reset();
}


std::string LoadWorker::words(int minWords, int maxWords)
{
	int n = uniform(minWords, maxWords);
	std::string text;
	for (int i = 0; i < n; ++i)
	{
		if (i > 0) text += ' ';
		// Mostly plain words: the special ones are there to be seen, not to
		// make every message odd.
		std::size_t pick = chance(0.85) ? static_cast<std::size_t>(uniform(0, 15)) : static_cast<std::size_t>(uniform(16, static_cast<int>(WORDS.size()) - 1));
		text += WORDS[pick];
	}
	return text;
}


std::string LoadWorker::sessionIdToSend()
{
	if (chance(0.5)) return std::string();
	return "soak-" + std::to_string(_index) + "." + std::to_string(_sequence) + ":x_Y";
}


Poco::JSON::Array::Ptr LoadWorker::history(int turns, bool withSystem)
{
	Poco::JSON::Array::Ptr messages = new Poco::JSON::Array;
	if (withSystem) messages->add(message("system", "Be brief. " + words(1, 6)));
	for (int i = 0; i < turns; ++i)
	{
		messages->add(message("user", words(1, 12)));
		messages->add(message("assistant", words(1, 20)));
	}
	return messages;
}


int LoadWorker::uniform(int low, int high)
{
	return std::uniform_int_distribution<int>(low, high)(_random);
}


bool LoadWorker::chance(double probability)
{
	return std::uniform_real_distribution<double>(0.0, 1.0)(_random) < probability;
}


} // namespace NashSoak
