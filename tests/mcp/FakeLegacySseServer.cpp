//
// FakeLegacySseServer.cpp
//


#include "FakeLegacySseServer.h"
#include "Poco/JSON/Object.h"
#include "Poco/JSON/Parser.h"
#include "Poco/Net/HTMLForm.h"
#include "Poco/Net/HTTPRequestHandler.h"
#include "Poco/Net/HTTPRequestHandlerFactory.h"
#include "Poco/Net/HTTPServerParams.h"
#include "Poco/Net/HTTPServerRequest.h"
#include "Poco/Net/HTTPServerResponse.h"
#include "Poco/Net/ServerSocket.h"
#include "Poco/StreamCopier.h"
#include "Poco/URI.h"
#include <condition_variable>
#include <deque>
#include <map>
#include <mutex>
#include <sstream>


namespace NashTest {


struct FakeLegacySseServer::State
{
	std::mutex mutex;
	std::condition_variable condition;
	bool stopping = false;
	int nextSession = 0;
	int opened = 0;
	int generation = 0;
		// endStreams() bumps it; streams of an older generation end.
	std::map<std::string, std::deque<std::string>> queues;
};


namespace {


std::string answerTo(const Poco::JSON::Object::Ptr& message)
{
	std::string method = message->optValue<std::string>("method", "");
	Poco::JSON::Parser parser;
	Poco::JSON::Object::Ptr result;
	if (method == "initialize")
		result = parser.parse(R"({"protocolVersion":"2024-11-05","capabilities":{"tools":{}},"serverInfo":{"name":"fake-legacy","version":"1"}})").extract<Poco::JSON::Object::Ptr>();
	else if (method == "tools/list")
		result = parser.parse(R"({"tools":[{"name":"echo","inputSchema":{"type":"object"}}]})").extract<Poco::JSON::Object::Ptr>();
	else if (method == "tools/call")
	{
		result = parser.parse(R"({"content":[{"type":"text","text":""}]})").extract<Poco::JSON::Object::Ptr>();
		Poco::JSON::Object::Ptr args = message->getObject("params")->getObject("arguments");
		result->getArray("content")->getObject(0)->set("text", args ? args->optValue<std::string>("message", "") : std::string());
	}
	else
		result = new Poco::JSON::Object;
	Poco::JSON::Object::Ptr reply = new Poco::JSON::Object;
	reply->set("jsonrpc", "2.0");
	reply->set("id", message->get("id"));
	reply->set("result", result);
	std::ostringstream out;
	reply->stringify(out);
	return out.str();
}


class Handler: public Poco::Net::HTTPRequestHandler
{
public:
	explicit Handler(std::shared_ptr<FakeLegacySseServer::State> state):
		_state(std::move(state))
	{
	}

	void handleRequest(Poco::Net::HTTPServerRequest& request, Poco::Net::HTTPServerResponse& response) override
	{
		Poco::URI uri(request.getURI());
		if (request.getMethod() == "GET" && uri.getPath() == "/sse")
		{
			stream(response);
			return;
		}
		if (request.getMethod() == "POST" && uri.getPath() == "/message")
		{
			Poco::Net::HTMLForm form(request);
			std::string session = form.get("sessionId", "");
			std::string body;
			Poco::StreamCopier::copyToString(request.stream(), body);
			Poco::JSON::Parser parser;
			Poco::JSON::Object::Ptr message = parser.parse(body).extract<Poco::JSON::Object::Ptr>();
			{
				std::lock_guard<std::mutex> lock(_state->mutex);
				auto it = _state->queues.find(session);
				if (it == _state->queues.end())
				{
					response.setStatusAndReason(Poco::Net::HTTPResponse::HTTP_NOT_FOUND);
					response.send();
					return;
				}
				if (message->has("id") && message->has("method")) it->second.push_back(answerTo(message));
			}
			_state->condition.notify_all();
			response.setStatusAndReason(Poco::Net::HTTPResponse::HTTP_ACCEPTED);
			response.setContentLength(0);
			response.send();
			return;
		}
		response.setStatusAndReason(Poco::Net::HTTPResponse::HTTP_METHOD_NOT_ALLOWED);
		response.setContentLength(0);
		response.send();
	}

private:
	void stream(Poco::Net::HTTPServerResponse& response)
	{
		std::string session;
		int generation;
		{
			std::lock_guard<std::mutex> lock(_state->mutex);
			session = std::to_string(++_state->nextSession);
			_state->queues[session];
			++_state->opened;
			generation = _state->generation;
		}
		response.setContentType("text/event-stream");
		response.setChunkedTransferEncoding(true);
		std::ostream& out = response.send();
		out << "event: endpoint\ndata: /message?sessionId=" << session << "\n\n" << std::flush;
		std::unique_lock<std::mutex> lock(_state->mutex);
		for (;;)
		{
			_state->condition.wait(lock, [&]
			{
				return _state->stopping || _state->generation != generation || !_state->queues[session].empty();
			});
			if (_state->stopping || _state->generation != generation) break;
			std::deque<std::string> pending;
			pending.swap(_state->queues[session]);
			lock.unlock();
			for (const auto& message: pending) out << "event: message\ndata: " << message << "\n\n";
			out.flush();
			lock.lock();
			if (!out.good()) break;
		}
		_state->queues.erase(session);
	}

	std::shared_ptr<FakeLegacySseServer::State> _state;
};


class Factory: public Poco::Net::HTTPRequestHandlerFactory
{
public:
	explicit Factory(std::shared_ptr<FakeLegacySseServer::State> state):
		_state(std::move(state))
	{
	}

	Poco::Net::HTTPRequestHandler* createRequestHandler(const Poco::Net::HTTPServerRequest&) override
	{
		return new Handler(_state);
	}

private:
	std::shared_ptr<FakeLegacySseServer::State> _state;
};


} // namespace


FakeLegacySseServer::FakeLegacySseServer():
	_state(std::make_shared<State>())
{
	Poco::Net::ServerSocket socket(Poco::Net::SocketAddress("127.0.0.1", 0));
	Poco::Net::HTTPServerParams::Ptr params(new Poco::Net::HTTPServerParams);
	params->setMaxThreads(8);
	params->setKeepAlive(false);
	_server.reset(new Poco::Net::HTTPServer(new Factory(_state), socket, params));
	_server->start();
}


FakeLegacySseServer::~FakeLegacySseServer()
{
	{
		std::lock_guard<std::mutex> lock(_state->mutex);
		_state->stopping = true;
	}
	_state->condition.notify_all();
	_server->stopAll(true);
}


std::string FakeLegacySseServer::url() const
{
	return "http://127.0.0.1:" + std::to_string(_server->port()) + "/sse";
}


void FakeLegacySseServer::endStreams()
{
	{
		std::lock_guard<std::mutex> lock(_state->mutex);
		++_state->generation;
	}
	_state->condition.notify_all();
}


int FakeLegacySseServer::streamsOpened() const
{
	std::lock_guard<std::mutex> lock(_state->mutex);
	return _state->opened;
}


} // namespace NashTest
