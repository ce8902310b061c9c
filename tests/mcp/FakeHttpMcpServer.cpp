//
// FakeHttpMcpServer.cpp
//


#include "FakeHttpMcpServer.h"
#include "Poco/JSON/Array.h"
#include "Poco/JSON/Object.h"
#include "Poco/JSON/Parser.h"
#include "Poco/Net/HTTPRequestHandler.h"
#include "Poco/Net/HTTPRequestHandlerFactory.h"
#include "Poco/Net/HTTPServerParams.h"
#include "Poco/Net/HTTPServerRequest.h"
#include "Poco/Net/HTTPServerResponse.h"
#include "Poco/Net/ServerSocket.h"
#include "Poco/StreamCopier.h"
#ifdef NASH_MCP_HTTP_TLS
#include "Poco/Net/Context.h"
#include "Poco/Net/SecureServerSocket.h"
#endif
#include <condition_variable>
#include <sstream>


namespace NashTest {


struct FakeHttpMcpServer::State
{
	mutable std::mutex mutex;
	bool eventStreams = false;
	std::set<std::string> sessions;
	int nextSession = 0;
	int nextEvent = 0;
	int initializes = 0;
	int deletes = 0;
	int resumes = 0;
	int expiredStatus = 404;
	int abandoned = 0;
	bool stopping = false;
	std::condition_variable condition;
	std::vector<Record> records;
	std::vector<std::string> pushed;
	std::map<std::string, std::string> resumable;
		// event id -> the answer a GET with that Last-Event-ID gets
};


namespace {


std::string toJson(const Poco::JSON::Object::Ptr& object)
{
	std::ostringstream out;
	object->stringify(out);
	return out.str();
}


Poco::JSON::Object::Ptr parse(const std::string& json)
{
	Poco::JSON::Parser parser;
	return parser.parse(json).extract<Poco::JSON::Object::Ptr>();
}


class Handler: public Poco::Net::HTTPRequestHandler
{
public:
	explicit Handler(std::shared_ptr<FakeHttpMcpServer::State> state):
		_state(std::move(state))
	{
	}

	void handleRequest(Poco::Net::HTTPServerRequest& request, Poco::Net::HTTPServerResponse& response) override
	{
		std::string session = request.get("Mcp-Session-Id", "");
		if (request.getMethod() == "DELETE")
		{
			std::lock_guard<std::mutex> lock(_state->mutex);
			++_state->deletes;
			_state->sessions.erase(session);
			respondEmpty(response, Poco::Net::HTTPResponse::HTTP_OK);
			return;
		}
		if (request.getMethod() == "GET")
		{
			std::string answer;
			{
				std::lock_guard<std::mutex> lock(_state->mutex);
				auto it = _state->resumable.find(request.get("Last-Event-ID", ""));
				if (it != _state->resumable.end())
				{
					answer = it->second;
					_state->resumable.erase(it);
					++_state->resumes;
				}
				else if (!request.has("Last-Event-ID") && !_state->pushed.empty())
				{
					// The standalone stream: what the test pushed, then the
					// stream ends with a long retry so the client waits.
					std::ostringstream events;
					events << "retry: 60000\n\n";
					for (const auto& message: _state->pushed) events << "event: message\ndata: " << message << "\n\n";
					_state->pushed.clear();
					response.setContentType("text/event-stream");
					response.setChunkedTransferEncoding(true);
					response.send() << events.str() << std::flush;
					return;
				}
			}
			if (answer.empty())
			{
				respondEmpty(response, Poco::Net::HTTPResponse::HTTP_METHOD_NOT_ALLOWED);
				return;
			}
			response.setContentType("text/event-stream");
			response.setChunkedTransferEncoding(true);
			response.send() << "id: resumed\nevent: message\ndata: " << answer << "\n\n" << std::flush;
			return;
		}

		std::string body;
		Poco::StreamCopier::copyToString(request.stream(), body);
		Poco::JSON::Object::Ptr message = parse(body);
		std::string method = message->optValue<std::string>("method", "");
		{
			std::lock_guard<std::mutex> lock(_state->mutex);
			_state->records.push_back({method, message->has("id") ? message->get("id").toString() : std::string(), session,
				request.get("MCP-Protocol-Version", ""), request.get("Authorization", "")});
		}
		if (method == "initialize")
		{
			std::string id;
			{
				std::lock_guard<std::mutex> lock(_state->mutex);
				id = "session-" + std::to_string(++_state->nextSession);
				_state->sessions.insert(id);
				++_state->initializes;
			}
			response.set("Mcp-Session-Id", id);
			Poco::JSON::Object::Ptr result = parse(R"({"capabilities":{"tools":{"listChanged":true}},"serverInfo":{"name":"fake-http","version":"1"}})");
			result->set("protocolVersion", message->getObject("params")->getValue<std::string>("protocolVersion"));
			answer(response, message, result);
			return;
		}
		{
			std::lock_guard<std::mutex> lock(_state->mutex);
			if (session.empty())
			{
				respondEmpty(response, Poco::Net::HTTPResponse::HTTP_BAD_REQUEST);
				return;
			}
			if (!_state->sessions.count(session))
			{
				if (_state->expiredStatus == 404)
				{
					respondEmpty(response, Poco::Net::HTTPResponse::HTTP_NOT_FOUND);
				}
				else
				{
					response.setStatusAndReason(static_cast<Poco::Net::HTTPResponse::HTTPStatus>(_state->expiredStatus));
					response.setContentType("application/json");
					response.send() << R"({"jsonrpc":"2.0","error":{"code":-32000,"message":"Bad Request: No valid session ID provided"},"id":null})";
				}
				return;
			}
		}
		if (!message->has("id"))
		{
			respondEmpty(response, Poco::Net::HTTPResponse::HTTP_ACCEPTED);
			return;
		}
		if (method == "ping")
		{
			answer(response, message, new Poco::JSON::Object);
		}
		else if (method == "tools/list")
		{
			answer(response, message, parse(R"({"tools":[{"name":"echo","inputSchema":{"type":"object"}},{"name":"fail","inputSchema":{"type":"object"}},{"name":"drop","inputSchema":{"type":"object"}},{"name":"hang","inputSchema":{"type":"object"}}]})"));
		}
		else if (method == "tools/call")
		{
			std::string name = message->getObject("params")->getValue<std::string>("name");
			Poco::JSON::Object::Ptr arguments = message->getObject("params")->getObject("arguments");
			if (name == "fail")
			{
				response.setStatusAndReason(Poco::Net::HTTPResponse::HTTP_INTERNAL_SERVER_ERROR);
				response.setContentType("text/plain");
				response.send() << "boom";
				return;
			}
			Poco::JSON::Object::Ptr result = parse(R"({"content":[{"type":"text","text":""}],"isError":false})");
			std::string text = arguments && arguments->has("message") ? arguments->getValue<std::string>("message") : name;
			result->getArray("content")->getObject(0)->set("text", text);
			if (name == "hang")
			{
				// Never answers; a comment every 50 ms notices when the client
				// closed the connection.
				response.setContentType("text/event-stream");
				response.setChunkedTransferEncoding(true);
				std::ostream& out = response.send();
				out << "id: hang\ndata:\n\n" << std::flush;
				std::unique_lock<std::mutex> lock(_state->mutex);
				while (!_state->stopping)
				{
					_state->condition.wait_for(lock, std::chrono::milliseconds(50));
					lock.unlock();
					out << ": still working\n\n" << std::flush;
					lock.lock();
					if (!out.good())
					{
						++_state->abandoned;
						break;
					}
				}
				return;
			}
			if (name == "drop")
			{
				// A priming event with an id, then the stream ends: the answer
				// waits for a GET with that Last-Event-ID.
				std::string eventId;
				{
					std::lock_guard<std::mutex> lock(_state->mutex);
					eventId = "drop-" + std::to_string(++_state->nextEvent);
					_state->resumable[eventId] = toJson(envelope(message, result));
				}
				response.setContentType("text/event-stream");
				response.setChunkedTransferEncoding(true);
				response.send() << "id: " << eventId << "\nretry: 50\ndata:\n\n" << std::flush;
				return;
			}
			answer(response, message, result);
		}
		else
		{
			Poco::JSON::Object::Ptr error = parse(R"({"code":-32601,"message":"Method not found"})");
			Poco::JSON::Object::Ptr reply = new Poco::JSON::Object;
			reply->set("jsonrpc", "2.0");
			reply->set("id", message->get("id"));
			reply->set("error", error);
			respondJson(response, toJson(reply));
		}
	}

private:
	static Poco::JSON::Object::Ptr envelope(const Poco::JSON::Object::Ptr& request, const Poco::JSON::Object::Ptr& result)
	{
		Poco::JSON::Object::Ptr reply = new Poco::JSON::Object;
		reply->set("jsonrpc", "2.0");
		reply->set("id", request->get("id"));
		reply->set("result", result);
		return reply;
	}

	void answer(Poco::Net::HTTPServerResponse& response, const Poco::JSON::Object::Ptr& request, const Poco::JSON::Object::Ptr& result)
	{
		std::string reply = toJson(envelope(request, result));
		bool events;
		{
			std::lock_guard<std::mutex> lock(_state->mutex);
			events = _state->eventStreams;
		}
		if (!events)
		{
			respondJson(response, reply);
			return;
		}
		response.setContentType("text/event-stream");
		response.setChunkedTransferEncoding(true);
		std::ostream& out = response.send();
		out << "id: prime\ndata:\n\n";
		out << ": a comment line\n\n";
		out << "event: message\ndata: {\"jsonrpc\":\"2.0\",\"method\":\"notifications/message\",\"params\":{\"level\":\"info\",\"data\":\"working\"}}\n\n";
		out << "event: message\nid: answer\ndata: " << reply << "\n\n" << std::flush;
	}

	static void respondJson(Poco::Net::HTTPServerResponse& response, const std::string& json)
	{
		response.setContentType("application/json");
		response.setContentLength(static_cast<std::streamsize>(json.size()));
		response.send() << json;
	}

	static void respondEmpty(Poco::Net::HTTPServerResponse& response, Poco::Net::HTTPResponse::HTTPStatus status)
	{
		response.setStatusAndReason(status);
		response.setContentLength(0);
		response.send();
	}

	std::shared_ptr<FakeHttpMcpServer::State> _state;
};


class Factory: public Poco::Net::HTTPRequestHandlerFactory
{
public:
	explicit Factory(std::shared_ptr<FakeHttpMcpServer::State> state):
		_state(std::move(state))
	{
	}

	Poco::Net::HTTPRequestHandler* createRequestHandler(const Poco::Net::HTTPServerRequest&) override
	{
		return new Handler(_state);
	}

private:
	std::shared_ptr<FakeHttpMcpServer::State> _state;
};


} // namespace


FakeHttpMcpServer::FakeHttpMcpServer(bool eventStreams, const std::string& certificateFile, const std::string& keyFile):
	_state(std::make_shared<State>())
{
	_state->eventStreams = eventStreams;
	Poco::Net::ServerSocket socket;
	if (!certificateFile.empty())
	{
#ifdef NASH_MCP_HTTP_TLS
		Poco::Net::Context::Ptr context(new Poco::Net::Context(Poco::Net::Context::TLS_SERVER_USE, keyFile, certificateFile, "", Poco::Net::Context::VERIFY_NONE));
		socket = Poco::Net::SecureServerSocket(Poco::Net::SocketAddress("127.0.0.1", 0), 64, context);
		_tls = true;
#else
		(void) keyFile;
		throw Poco::NotImplementedException("this build has no TLS");
#endif
	}
	else
	{
		socket = Poco::Net::ServerSocket(Poco::Net::SocketAddress("127.0.0.1", 0));
	}
	Poco::Net::HTTPServerParams::Ptr params(new Poco::Net::HTTPServerParams);
	params->setMaxThreads(8);
	params->setKeepAlive(false);
	_server.reset(new Poco::Net::HTTPServer(new Factory(_state), *_pool, socket, params));
	_server->start();
}


FakeHttpMcpServer::~FakeHttpMcpServer()
{
	{
		std::lock_guard<std::mutex> lock(_state->mutex);
		_state->stopping = true;
	}
	_state->condition.notify_all();
	_server->stopAll(true);
	// Its own pool, joined here: the connection threads end (and OpenSSL
	// frees their per-thread state) before the test goes on.
	_pool->joinAll();
	_server.reset();
}


std::string FakeHttpMcpServer::url() const
{
	return std::string(_tls ? "https" : "http") + "://127.0.0.1:" + std::to_string(_server->port()) + "/mcp";
}


void FakeHttpMcpServer::expireSessions(int status)
{
	std::lock_guard<std::mutex> lock(_state->mutex);
	_state->sessions.clear();
	_state->expiredStatus = status;
}


void FakeHttpMcpServer::pushOnStream(const std::string& message)
{
	std::lock_guard<std::mutex> lock(_state->mutex);
	_state->pushed.push_back(message);
}


std::vector<FakeHttpMcpServer::Record> FakeHttpMcpServer::records() const
{
	std::lock_guard<std::mutex> lock(_state->mutex);
	return _state->records;
}


int FakeHttpMcpServer::initializeCount() const
{
	std::lock_guard<std::mutex> lock(_state->mutex);
	return _state->initializes;
}


int FakeHttpMcpServer::deleteCount() const
{
	std::lock_guard<std::mutex> lock(_state->mutex);
	return _state->deletes;
}


int FakeHttpMcpServer::abandonedStreams() const
{
	std::lock_guard<std::mutex> lock(_state->mutex);
	return _state->abandoned;
}


int FakeHttpMcpServer::resumeCount() const
{
	std::lock_guard<std::mutex> lock(_state->mutex);
	return _state->resumes;
}


} // namespace NashTest
