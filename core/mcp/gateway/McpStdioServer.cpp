//
// McpStdioServer.cpp
//


#include "core/mcp/gateway/McpStdioServer.h"
#include "core/json/JsonText.h"
#include "Poco/JSON/Parser.h"
#include <atomic>
#include <thread>
#include <typeinfo>
#include <vector>


namespace Nash {


const std::string McpStdioServer::CALLER_KEY = "stdio";


McpStdioServer::McpStdioServer(McpGateway& gateway, std::istream& in, std::ostream& out, std::size_t maxLineBytes):
	_gateway(gateway),
	_in(in),
	_out(out),
	_maxLineBytes(maxLineBytes),
	_logger(Poco::Logger::get("Nash.McpGateway"))
{
	_caller.key = CALLER_KEY;
	_caller.identity = "the stdio client";
}


McpStdioServer::~McpStdioServer()
{
	_gateway.detach(CALLER_KEY, this);
}


void McpStdioServer::send(const Poco::JSON::Object::Ptr& message)
{
	write(JsonText::write(message));
}


void McpStdioServer::write(const std::string& json)
{
	// JsonText escapes control characters: a message is one line.
	std::lock_guard<std::mutex> lock(_writeMutex);
	_out << json << '\n';
	_out.flush();
}


bool McpStdioServer::readLine(std::string& line, bool& tooLong)
{
	line.clear();
	tooLong = false;
	std::streambuf* buffer = _in.rdbuf();
	for (;;)
	{
		int c = buffer->sbumpc();
		if (c == std::char_traits<char>::eof()) return !line.empty() || tooLong;
		if (c == '\n') return true;
		if (line.size() < _maxLineBytes) line.push_back(static_cast<char>(c));
		else tooLong = true;
	}
}


void McpStdioServer::run()
{
	_gateway.attach(CALLER_KEY, this);
	std::string line;
	bool tooLong = false;
	while (readLine(line, tooLong))
	{
		if (tooLong)
		{
			write(JsonText::write(McpGateway::errorResponse(Poco::Dynamic::Var(), McpGateway::INVALID_REQUEST,
				"The message is longer than " + std::to_string(_maxLineBytes) + " bytes")));
			continue;
		}
		if (!line.empty() && line.back() == '\r') line.pop_back();
		if (line.find_first_not_of(" \t") == std::string::npos) continue;
		Poco::Dynamic::Var parsed;
		try
		{
			parsed = Poco::JSON::Parser().parse(line);
		}
		catch (Poco::Exception& exc)
		{
			write(JsonText::write(McpGateway::errorResponse(Poco::Dynamic::Var(), McpGateway::PARSE_ERROR, "Parse error: " + exc.message())));
			continue;
		}
		if (parsed.type() == typeid(Poco::JSON::Array::Ptr))
		{
			Poco::JSON::Array::Ptr batch = parsed.extract<Poco::JSON::Array::Ptr>();
			for (std::size_t i = 0; i < batch->size(); ++i) handle(batch->getObject(static_cast<unsigned>(i)));
		}
		else if (parsed.type() == typeid(Poco::JSON::Object::Ptr))
		{
			handle(parsed.extract<Poco::JSON::Object::Ptr>());
		}
		else
		{
			write(JsonText::write(McpGateway::errorResponse(Poco::Dynamic::Var(), McpGateway::INVALID_REQUEST, "A JSON-RPC message must be a JSON object")));
		}
	}

	// The client is gone: nobody reads the answers of what still runs.
	{
		std::lock_guard<std::mutex> lock(_mutex);
		for (auto& request: _inFlight) request.second->cancel();
	}
	for (auto& worker: _workers) worker.thread.join();
	_workers.clear();
}


void McpStdioServer::reapWorkers()
{
	for (auto it = _workers.begin(); it != _workers.end();)
	{
		if (it->done->load())
		{
			it->thread.join();
			it = _workers.erase(it);
		}
		else
		{
			++it;
		}
	}
}


void McpStdioServer::handle(const Poco::JSON::Object::Ptr& message)
{
	if (!message)
	{
		write(JsonText::write(McpGateway::errorResponse(Poco::Dynamic::Var(), McpGateway::INVALID_REQUEST, "A JSON-RPC message must be a JSON object")));
		return;
	}
	std::string method = message->optValue<std::string>("method", "");
	if (method == "notifications/cancelled")
	{
		Poco::JSON::Object::Ptr params = message->getObject("params");
		if (!params || !params->has("requestId")) return;
		std::lock_guard<std::mutex> lock(_mutex);
		auto it = _inFlight.find(JsonText::write(params->get("requestId")));
		if (it != _inFlight.end()) it->second->cancel();
		return;
	}
	if (!McpGateway::isRequest(message))
	{
		// Notifications, and the client's answers to the servers' requests:
		// quick, and in order.
		McpGateway::Caller caller;
		{
			std::lock_guard<std::mutex> lock(_mutex);
			caller = _caller;
		}
		CancellationToken never;
		_gateway.answer(message, caller, never, this);
		return;
	}
	if (method == "initialize")
	{
		// Before anything else the client sends: on this thread, in order.
		McpGateway::Caller caller;
		{
			std::lock_guard<std::mutex> lock(_mutex);
			caller = _caller;
		}
		CancellationToken never;
		Poco::JSON::Object::Ptr answer = _gateway.answer(message, caller, never, this);
		{
			std::lock_guard<std::mutex> lock(_mutex);
			_caller = caller;
		}
		if (answer) send(answer);
		return;
	}

	reapWorkers();
	std::string key = JsonText::write(message->get("id"));
	auto token = std::make_shared<CancellationToken>();
	McpGateway::Caller caller;
	{
		std::lock_guard<std::mutex> lock(_mutex);
		caller = _caller;
		_inFlight[key] = token;
	}
	auto done = std::make_shared<std::atomic<bool>>(false);
	std::thread thread([this, message, key, token, caller, done]() mutable
	{
		Poco::JSON::Object::Ptr answer;
		try
		{
			answer = _gateway.answer(message, caller, *token, this);
		}
		catch (...)
		{
			answer = McpGateway::errorResponse(message->get("id"), McpGateway::INTERNAL_ERROR, "The call failed");
		}
		// A cancelled request gets no answer, as the specification has it.
		if (answer && !token->isCancelled()) send(answer);
		{
			std::lock_guard<std::mutex> lock(_mutex);
			_inFlight.erase(key);
		}
		done->store(true);
	});
	_workers.push_back(Worker{std::move(thread), done});
}


} // namespace Nash
