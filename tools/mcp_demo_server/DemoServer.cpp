//
// DemoServer.cpp
//


#include "DemoServer.h"
#include "Poco/DateTime.h"
#include "Poco/DateTimeFormat.h"
#include "Poco/DateTimeFormatter.h"
#include "Poco/DirectoryIterator.h"
#include "Poco/File.h"
#include "Poco/JSON/Array.h"
#include "Poco/JSON/Parser.h"
#include "Poco/NumberFormatter.h"
#include "Poco/NumberParser.h"
#include "Poco/Process.h"
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdlib>
#include <iostream>
#include <sstream>
#include <thread>


namespace Nash {


namespace {


struct RpcError
	/// A JSON-RPC error answer.
{
	int code;
	std::string message;
};


Poco::JSON::Object::Ptr object()
{
	return new Poco::JSON::Object;
}


Poco::JSON::Object::Ptr textResult(const std::string& text, bool isError = false)
{
	Poco::JSON::Object::Ptr item = object();
	item->set("type", "text");
	item->set("text", text);
	Poco::JSON::Array::Ptr content = new Poco::JSON::Array;
	content->add(item);
	Poco::JSON::Object::Ptr result = object();
	result->set("content", content);
	result->set("isError", isError);
	return result;
}


Poco::JSON::Object::Ptr property(const std::string& type, const std::string& description)
{
	Poco::JSON::Object::Ptr result = object();
	result->set("type", type);
	result->set("description", description);
	return result;
}


Poco::JSON::Object::Ptr tool(const std::string& name, const std::string& title, const std::string& description,
	const std::vector<std::pair<std::string, Poco::JSON::Object::Ptr>>& properties)
{
	Poco::JSON::Object::Ptr schema = object();
	schema->set("type", "object");
	Poco::JSON::Object::Ptr props = object();
	Poco::JSON::Array::Ptr required = new Poco::JSON::Array;
	for (const auto& entry: properties)
	{
		props->set(entry.first, entry.second);
		required->add(entry.first);
	}
	schema->set("properties", props);
	schema->set("required", required);
	Poco::JSON::Object::Ptr annotations = object();
	annotations->set("readOnlyHint", true);
	Poco::JSON::Object::Ptr result = object();
	result->set("name", name);
	result->set("title", title);
	result->set("description", description);
	result->set("inputSchema", schema);
	result->set("annotations", annotations);
	return result;
}


std::string formatNumber(double value)
{
	if (std::floor(value) == value && std::fabs(value) < 9e15) return std::to_string(static_cast<long long>(value));
	return Poco::NumberFormatter::format(value);
}


bool numberArgument(const Poco::JSON::Object::Ptr& args, const std::string& name, double& value)
{
	if (!args->has(name)) return false;
	Poco::Dynamic::Var v = args->get(name);
	if (!v.isNumeric() || v.isString()) return false;
	value = v.convert<double>();
	return std::isfinite(value);
}


bool stringArgument(const Poco::JSON::Object::Ptr& args, const std::string& name, std::string& value)
{
	if (!args->has(name) || !args->get(name).isString()) return false;
	value = args->get(name).extract<std::string>();
	return true;
}


} // namespace


DemoServer::DemoServer(const Options& options, std::istream& in, std::ostream& out, std::ostream& log):
	_options(options),
	_in(in),
	_out(out),
	_log(log)
{
}


const std::vector<std::string>& DemoServer::supportedVersions()
{
	static const std::vector<std::string> versions = {"2025-11-25", "2025-06-18", "2025-03-26", "2024-11-05"};
	return versions;
}


int DemoServer::run()
{
	if (_options.banner) _out << "mcp_demo_server: this line is not JSON" << std::endl;
	std::string line;
	while (std::getline(_in, line))
	{
		if (!line.empty() && line.back() == '\r') line.pop_back();
		if (line.empty()) continue;
		handle(line);
	}
	return 0;
}


void DemoServer::write(const Poco::JSON::Object::Ptr& message)
{
	std::ostringstream text;
	message->stringify(text);
	_out << text.str() << '\n' << std::flush;
}


void DemoServer::handle(const std::string& line)
{
	Poco::JSON::Object::Ptr message;
	try
	{
		Poco::JSON::Parser parser;
		Poco::Dynamic::Var parsed = parser.parse(line);
		if (parsed.type() == typeid(Poco::JSON::Object::Ptr)) message = parsed.extract<Poco::JSON::Object::Ptr>();
	}
	catch (Poco::Exception& exc)
	{
		_log << "mcp_demo_server: not JSON: " << exc.displayText() << std::endl;
	}
	if (!message)
	{
		Poco::JSON::Object::Ptr error = object();
		error->set("code", -32700);
		error->set("message", "Parse error");
		Poco::JSON::Object::Ptr reply = object();
		reply->set("jsonrpc", "2.0");
		reply->set("id", Poco::Dynamic::Var());
		reply->set("error", error);
		write(reply);
		return;
	}
	if (_options.silent) return;
	if (!message->has("method")) return; // an answer to a request we never make
	std::string method = message->get("method").convert<std::string>();
	Poco::JSON::Object::Ptr params = message->getObject("params");
	if (!params) params = object();
	bool isRequest = message->has("id") && !message->get("id").isEmpty();
	if (!isRequest)
	{
		if (method == "notifications/cancelled")
			_log << "mcp_demo_server: request " << params->get("requestId").convert<std::string>() << " cancelled" << std::endl;
		return;
	}

	Poco::JSON::Object::Ptr reply = object();
	reply->set("jsonrpc", "2.0");
	reply->set("id", message->get("id"));
	bool answer = true;
	try
	{
		reply->set("result", dispatch(method, params, answer));
	}
	catch (RpcError& error)
	{
		Poco::JSON::Object::Ptr body = object();
		body->set("code", error.code);
		body->set("message", error.message);
		reply->set("error", body);
	}
	if (answer) write(reply);
}


Poco::JSON::Object::Ptr DemoServer::dispatch(const std::string& method, const Poco::JSON::Object::Ptr& params, bool& answer)
{
	if (method == "initialize") return initialize(params);
	if (method == "ping") return object();
	if (method == "tools/list") return listTools(params);
	if (method == "tools/call") return callTool(params, answer);
	throw RpcError{-32601, "Method not found: " + method};
}


Poco::JSON::Object::Ptr DemoServer::initialize(const Poco::JSON::Object::Ptr& params)
{
	std::string asked = params->optValue<std::string>("protocolVersion", "");
	const auto& versions = supportedVersions();
	// The spec: answer the client's version when we support it, else our
	// newest, and let the client decide.
	std::string version = std::find(versions.begin(), versions.end(), asked) != versions.end() ? asked : versions.front();
	if (!_options.forcedVersion.empty()) version = _options.forcedVersion;

	Poco::JSON::Object::Ptr tools = object();
	tools->set("listChanged", false);
	Poco::JSON::Object::Ptr capabilities = object();
	capabilities->set("tools", tools);
	Poco::JSON::Object::Ptr info = object();
	info->set("name", "nash-mcp-demo");
	info->set("title", "nash-llm-server demo tools");
	info->set("version", "0.1.0");
	Poco::JSON::Object::Ptr result = object();
	result->set("protocolVersion", version);
	result->set("capabilities", capabilities);
	result->set("serverInfo", info);
	result->set("instructions", "Demo tools: echo, add, current_time and a read-only list_directory.");
	return result;
}


Poco::JSON::Array::Ptr DemoServer::tools() const
{
	Poco::JSON::Array::Ptr list = new Poco::JSON::Array;
	list->add(tool("echo", "Echo", "Returns the message it is given.",
		{{"message", property("string", "The text to return")}}));
	Poco::JSON::Object::Ptr add = tool("add", "Add", "Adds two numbers.",
		{{"a", property("number", "The first addend")}, {"b", property("number", "The second addend")}});
	Poco::JSON::Object::Ptr output = object();
	output->set("type", "object");
	Poco::JSON::Object::Ptr outputProps = object();
	outputProps->set("sum", property("number", "a + b"));
	output->set("properties", outputProps);
	Poco::JSON::Array::Ptr outputRequired = new Poco::JSON::Array;
	outputRequired->add("sum");
	output->set("required", outputRequired);
	add->set("outputSchema", output);
	list->add(add);
	list->add(tool("current_time", "Current time", "The current date and time in UTC, ISO 8601.", {}));
	list->add(tool("list_directory", "List directory",
		"Lists the entries of a folder (read-only); folders end with '/'.",
		{{"path", property("string", "The folder to list")}}));
	if (_options.testTools)
	{
		list->add(tool("crash", "Crash", "Test only: exits at once without answering.", {}));
		list->add(tool("hang", "Hang", "Test only: never answers.", {}));
		list->add(tool("pid", "Process id", "Test only: the server's process id.", {}));
		list->add(tool("big", "Big", "Test only: a text of 'repeat' times a UTF-8 pattern.",
			{{"repeat", property("number", "How many times")}}));
		list->add(tool("stderr_burst", "Stderr burst", "Test only: writes 'bytes' bytes to stderr, then answers.",
			{{"bytes", property("number", "How many bytes")}}));
		list->add(tool("sleep", "Sleep", "Test only: answers after 'ms' milliseconds (and answers nothing else meanwhile).",
			{{"ms", property("number", "How long")}}));
	}
	return list;
}


Poco::JSON::Object::Ptr DemoServer::listTools(const Poco::JSON::Object::Ptr& params)
{
	Poco::JSON::Array::Ptr all = tools();
	std::size_t start = 0;
	if (params->has("cursor"))
	{
		unsigned value = 0;
		if (!params->get("cursor").isString() || !Poco::NumberParser::tryParseUnsigned(params->get("cursor").extract<std::string>(), value) || value > all->size())
			throw RpcError{-32602, "Invalid cursor"};
		start = value;
	}
	std::size_t end = all->size();
	if (_options.pageSize > 0) end = std::min(end, start + static_cast<std::size_t>(_options.pageSize));
	Poco::JSON::Array::Ptr page = new Poco::JSON::Array;
	for (std::size_t i = start; i < end; ++i) page->add(all->get(static_cast<unsigned>(i)));
	Poco::JSON::Object::Ptr result = object();
	result->set("tools", page);
	if (end < all->size()) result->set("nextCursor", std::to_string(end));
	return result;
}


Poco::JSON::Object::Ptr DemoServer::callTool(const Poco::JSON::Object::Ptr& params, bool& answer)
{
	std::string name = params->optValue<std::string>("name", "");
	Poco::JSON::Object::Ptr args = params->getObject("arguments");
	if (!args) args = object();

	if (name == "echo")
	{
		std::string message;
		if (!stringArgument(args, "message", message)) return textResult("echo needs 'message', a string", true);
		return textResult(message);
	}
	if (name == "add")
	{
		double a = 0, b = 0;
		if (!numberArgument(args, "a", a) || !numberArgument(args, "b", b)) return textResult("add needs 'a' and 'b', two numbers", true);
		double sum = a + b;
		// JSON has no infinity: a sum past the largest double is a tool
		// error, not a number no client could parse.
		if (!std::isfinite(sum)) return textResult("the sum of 'a' and 'b' is too large for a JSON number", true);
		Poco::JSON::Object::Ptr result = textResult(formatNumber(sum));
		Poco::JSON::Object::Ptr structured = object();
		structured->set("sum", sum);
		result->set("structuredContent", structured);
		return result;
	}
	if (name == "current_time")
	{
		return textResult(Poco::DateTimeFormatter::format(Poco::DateTime(), "%Y-%m-%dT%H:%M:%SZ"));
	}
	if (name == "list_directory")
	{
		std::string path;
		if (!stringArgument(args, "path", path) || path.empty()) return textResult("list_directory needs 'path', a string", true);
		try
		{
			Poco::File folder(path);
			if (!folder.exists()) return textResult("No such folder: " + path, true);
			if (!folder.isDirectory()) return textResult("Not a folder: " + path, true);
			std::vector<std::string> entries;
			for (Poco::DirectoryIterator it(path), end; it != end; ++it)
			{
				bool isDir = false;
				try
				{
					isDir = it->isDirectory();
				}
				catch (Poco::Exception&)
				{
				}
				entries.push_back(it.name() + (isDir ? "/" : ""));
			}
			std::sort(entries.begin(), entries.end());
			std::string text;
			for (const auto& entry: entries) text += entry + "\n";
			Poco::JSON::Object::Ptr result = textResult(text);
			Poco::JSON::Array::Ptr structuredEntries = new Poco::JSON::Array;
			for (const auto& entry: entries) structuredEntries->add(entry);
			Poco::JSON::Object::Ptr structured = object();
			structured->set("entries", structuredEntries);
			result->set("structuredContent", structured);
			return result;
		}
		catch (Poco::Exception& exc)
		{
			return textResult("Cannot list " + path + ": " + exc.displayText(), true);
		}
	}
	if (_options.testTools)
	{
		if (name == "crash")
		{
			_out.flush();
			std::_Exit(3);
		}
		if (name == "hang")
		{
			answer = false;
			return object();
		}
		if (name == "pid") return textResult(std::to_string(Poco::Process::id()));
		if (name == "big")
		{
			double repeat = 0;
			if (!numberArgument(args, "repeat", repeat) || repeat < 0) return textResult("big needs 'repeat', a number", true);
			std::string text;
			const std::string pattern = "\xC3\xA4\xE2\x82\xAC\xF0\x9D\x84\x9E-"; // ä € 𝄞 -
			text.reserve(pattern.size() * static_cast<std::size_t>(repeat));
			for (long long i = 0; i < static_cast<long long>(repeat); ++i) text += pattern;
			return textResult(text);
		}
		if (name == "sleep")
		{
			double ms = 0;
			if (!numberArgument(args, "ms", ms) || ms < 0 || ms > 600000) return textResult("sleep needs 'ms', a number up to 600000", true);
			std::this_thread::sleep_for(std::chrono::milliseconds(static_cast<long long>(ms)));
			return textResult("slept " + std::to_string(static_cast<long long>(ms)) + " ms");
		}
		if (name == "stderr_burst")
		{
			double bytes = 0;
			if (!numberArgument(args, "bytes", bytes) || bytes < 0) return textResult("stderr_burst needs 'bytes', a number", true);
			std::string line(99, 'e');
			for (long long written = 0; written < static_cast<long long>(bytes); written += 100) _log << line << '\n';
			_log.flush();
			return textResult("done");
		}
	}
	throw RpcError{-32602, "Unknown tool: " + name};
}


} // namespace Nash
