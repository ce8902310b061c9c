//
// McpEndpointHandler.cpp
//


#include "core/api/mcp/McpEndpointHandler.h"
#include "core/http/RequestBody.h"
#include "core/json/JsonText.h"
#include "core/mcp/gateway/McpGateway.h"
#include "core/mcp/gateway/McpGatewaySessions.h"
#include "Poco/JSON/Parser.h"
#include "Poco/String.h"
#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <thread>
#include <typeinfo>


namespace Nash {


namespace {


const int PARSE_ERROR = -32700;
const int INVALID_REQUEST = -32600;
const int SERVER_ERROR = -32000;
	// The MCP SDKs' code for what goes wrong at the HTTP level.
const int RETRY_MILLISECONDS = 1000;
const int KEEPALIVE_SECONDS = 15;
std::atomic<std::uint64_t> streamCount{0};


Poco::JSON::Object::Ptr asObject(const Poco::Dynamic::Var& value)
{
	if (value.type() == typeid(Poco::JSON::Object::Ptr)) return value.extract<Poco::JSON::Object::Ptr>();
	return nullptr;
}


bool isInitialize(const Poco::JSON::Object::Ptr& message)
{
	return McpGateway::isRequest(message) && message->get("method").isString() && message->get("method").extract<std::string>() == "initialize";
}


std::string idKeyOf(const Poco::Dynamic::Var& id)
{
	return JsonText::write(id);
}


class InFlight
	/// A request of the session, cancellable by notifications/cancelled
	/// while it runs.
{
public:
	InFlight(McpGatewaySessions::Session& session, std::string key, std::shared_ptr<CancellationToken> token):
		_session(session),
		_key(std::move(key))
	{
		std::lock_guard<std::mutex> lock(_session.mutex);
		_session.inFlight[_key] = std::move(token);
	}

	~InFlight()
	{
		std::lock_guard<std::mutex> lock(_session.mutex);
		_session.inFlight.erase(_key);
	}

private:
	McpGatewaySessions::Session& _session;
	std::string _key;
};


class EventQueue: public McpGateway::Sink
	/// The messages of one streamed call, from the transports' threads to
	/// the worker that writes them, and at last the call's answer.
{
public:
	void send(const Poco::JSON::Object::Ptr& message) override
	{
		std::lock_guard<std::mutex> lock(_mutex);
		if (_closed) return;
		_messages.push_back(JsonText::write(message));
		_condition.notify_one();
	}

	void finish(const Poco::JSON::Object::Ptr& answer)
		/// The last message (none when null): later ones are dropped.
	{
		std::lock_guard<std::mutex> lock(_mutex);
		if (answer && !_closed) _messages.push_back(JsonText::write(answer));
		_closed = true;
		_condition.notify_one();
	}

	enum class Next { Message, Idle, Closed };

	Next next(std::string& message, std::chrono::milliseconds idle = std::chrono::hours(24 * 365))
		/// Waits for the next message, at most idle.
	{
		std::unique_lock<std::mutex> lock(_mutex);
		if (!_condition.wait_for(lock, idle, [this] { return !_messages.empty() || _closed; })) return Next::Idle;
		if (_messages.empty()) return Next::Closed;
		message = std::move(_messages.front());
		_messages.pop_front();
		return Next::Message;
	}

private:
	std::mutex _mutex;
	std::condition_variable _condition;
	std::deque<std::string> _messages;
	bool _closed = false;
};


bool acceptsEventStream(const Poco::Net::HTTPServerRequest& request)
{
	return Poco::toLower(request.get("Accept", "")).find("text/event-stream") != std::string::npos;
}


bool mayTalkBack(const Poco::JSON::Object::Ptr& message)
	/// The requests during which a server may send progress, log messages
	/// or requests of its own: answered as an event stream when the client
	/// takes one.
{
	if (!McpGateway::isRequest(message)) return false;
	std::string method = message->optValue<std::string>("method", "");
	return method == "tools/call" || method == "prompts/get" || method == "resources/read";
}


} // namespace


McpEndpointHandler::McpEndpointHandler(ServerContext& context):
	JsonHandler(context)
{
}


ErrorAnswer McpEndpointHandler::errorAnswer(const ErrorReply& reply) const
{
	ErrorAnswer answer;
	answer.status = reply.status;
	answer.body = JsonText::write(McpGateway::errorResponse(Poco::Dynamic::Var(), reply.status == 400 ? INVALID_REQUEST : SERVER_ERROR, reply.message));
	return answer;
}


void McpEndpointHandler::handle(Poco::Net::HTTPServerRequest& request, Poco::Net::HTTPServerResponse& response, AccessLog::Entry& entry)
{
	if (!context().mcpGateway || !context().mcpSessions)
		throw HttpError(404, "The MCP gateway /mcp is off on this server ([mcp] gateway = false, or no MCP servers are configured)", "error");
	checkProtocolVersion(request);
	if (request.getMethod() == "DELETE") end(request, response, entry);
	else if (request.getMethod() == "GET" || request.getMethod() == "HEAD") listen(request, response, entry);
	else post(request, response, entry);
}


void McpEndpointHandler::checkProtocolVersion(const Poco::Net::HTTPServerRequest& request)
{
	// Every request after initialize names the version it speaks; one we
	// do not speak is refused rather than misread.
	if (!request.has("MCP-Protocol-Version")) return;
	std::string version = Poco::trim(request.get("MCP-Protocol-Version"));
	for (const auto& known: McpGateway::protocolVersions())
	{
		if (known == version) return;
	}
	throw HttpError(400, "Unsupported MCP-Protocol-Version '" + version + "'", "error");
}


std::string McpEndpointHandler::credentialOf(const Poco::Net::HTTPServerRequest& request)
{
	// The guard has accepted it already; a session is bound to it so that
	// another token's holder cannot use a session id it saw.
	if (request.has("Authorization")) return request.get("Authorization");
	return request.get("x-api-key", "");
}


std::string McpEndpointHandler::tokenOf(const Poco::Net::HTTPServerRequest& request)
{
	std::string authorization = Poco::trim(request.get("Authorization", ""));
	if (authorization.size() > 7 && Poco::icompare(authorization.substr(0, 7), "bearer ") == 0) return Poco::trim(authorization.substr(7));
	return Poco::trim(request.get("x-api-key", ""));
}


void McpEndpointHandler::end(Poco::Net::HTTPServerRequest& request, Poco::Net::HTTPServerResponse& response, AccessLog::Entry& entry)
{
	std::string id = request.get("Mcp-Session-Id", "");
	if (id.empty()) throw HttpError(400, "Bad Request: the Mcp-Session-Id header is required", "error");
	entry.sessionId = id;
	if (!context().mcpSessions->end(id, credentialOf(request))) throw HttpError(404, "Session not found: " + id, "error");
	sendRpc(response, 200, Poco::Dynamic::Var(), entry);
}


void McpEndpointHandler::post(Poco::Net::HTTPServerRequest& request, Poco::Net::HTTPServerResponse& response, AccessLog::Entry& entry)
{
	std::string body = RequestBody::read(request, context().settings.maxBodyBytes);
	RequestBody::checkTreeCost(body);
	Poco::Dynamic::Var parsed;
	try
	{
		parsed = Poco::JSON::Parser().parse(body);
	}
	catch (Poco::Exception& exc)
	{
		sendRpc(response, 400, McpGateway::errorResponse(Poco::Dynamic::Var(), PARSE_ERROR, "Parse error: " + exc.message()), entry);
		return;
	}

	std::vector<Poco::JSON::Object::Ptr> messages;
	bool batch = parsed.type() == typeid(Poco::JSON::Array::Ptr);
	if (batch)
	{
		Poco::JSON::Array::Ptr array = parsed.extract<Poco::JSON::Array::Ptr>();
		for (std::size_t i = 0; i < array->size(); ++i) messages.push_back(asObject(array->get(static_cast<unsigned>(i))));
	}
	else
	{
		messages.push_back(asObject(parsed));
	}
	if (messages.empty() || (messages.size() == 1 && !messages.front()))
	{
		sendRpc(response, 400, McpGateway::errorResponse(Poco::Dynamic::Var(), INVALID_REQUEST, "A JSON-RPC message or a non-empty batch of them is expected"), entry);
		return;
	}

	std::string owner = credentialOf(request);
	std::shared_ptr<McpGatewaySessions::Session> session;
	bool initializing = false;
	for (const auto& message: messages) initializing = initializing || isInitialize(message);
	if (initializing)
	{
		if (messages.size() > 1) throw HttpError(400, "initialize must be sent alone, not in a batch", "error");
		session = context().mcpSessions->create(owner);
		session->caller.key = session->id;
		session->caller.token = tokenOf(request);
	}
	else
	{
		std::string id = request.get("Mcp-Session-Id", "");
		if (id.empty()) throw HttpError(400, "Bad Request: the Mcp-Session-Id header is required (send initialize first)", "error");
		session = context().mcpSessions->find(id, owner);
		if (!session) throw HttpError(404, "Session not found: " + id + " (it ended; initialize a new one)", "error");
	}
	entry.sessionId = session->id;

	// A caller that leaves abandons what it asked (notifications/cancelled
	// to the servers), as does the client's own notifications/cancelled.
	auto cancellation = std::make_shared<CancellationToken>();
	auto watch = watchClient(request, cancellation);
	if (!batch && mayTalkBack(messages.front()) && acceptsEventStream(request))
	{
		stream(request, response, messages.front(), *session, cancellation, entry);
		if (watch.clientGone()) entry.outcome = "client-gone";
		return;
	}
	Poco::JSON::Array::Ptr answers = new Poco::JSON::Array;
	for (const auto& message: messages)
	{
		if (message && message->optValue<std::string>("method", "") == "notifications/cancelled")
		{
			Poco::JSON::Object::Ptr params = message->getObject("params");
			if (params && params->has("requestId"))
			{
				std::lock_guard<std::mutex> lock(session->mutex);
				auto it = session->inFlight.find(idKeyOf(params->get("requestId")));
				if (it != session->inFlight.end()) it->second->cancel();
			}
			continue;
		}
		McpGateway::Caller caller;
		{
			std::lock_guard<std::mutex> lock(session->mutex);
			caller = session->caller;
		}
		Poco::JSON::Object::Ptr answer;
		{
			std::unique_ptr<InFlight> registered;
			if (McpGateway::isRequest(message)) registered.reset(new InFlight(*session, idKeyOf(message->get("id")), cancellation));
			RequestMeter::Wait wait(&entry.meter);
			answer = context().mcpGateway->answer(message, caller, *cancellation);
		}
		if (isInitialize(message))
		{
			std::lock_guard<std::mutex> lock(session->mutex);
			session->caller = caller;
		}
		if (answer) answers->add(answer);
	}
	if (watch.clientGone()) throw clientGoneError();

	if (initializing) response.set("Mcp-Session-Id", session->id);
	if (answers->size() == 0) sendRpc(response, 202, Poco::Dynamic::Var(), entry);
	else if (batch) sendRpc(response, 200, answers, entry);
	else sendRpc(response, 200, answers->get(0), entry);
}


void McpEndpointHandler::listen(Poco::Net::HTTPServerRequest& request, Poco::Net::HTTPServerResponse& response, AccessLog::Entry& entry)
{
	if (!acceptsEventStream(request)) throw HttpError(406, "GET /mcp is an event stream: Accept must include text/event-stream", "error");
	std::string id = request.get("Mcp-Session-Id", "");
	if (id.empty()) throw HttpError(400, "Bad Request: the Mcp-Session-Id header is required (send initialize first)", "error");
	std::shared_ptr<McpGatewaySessions::Session> session = context().mcpSessions->find(id, credentialOf(request));
	if (!session) throw HttpError(404, "Session not found: " + id + " (it ended; initialize a new one)", "error");
	entry.sessionId = id;
	// The events of a call's stream are not kept: such a stream cannot be
	// resumed. Ours, the session's own, simply starts again.
	std::string last = request.get("Last-Event-ID", "");
	if (!last.empty() && last.compare(0, 2, "g-") != 0)
		throw HttpError(405, "A call's event stream cannot be resumed on this server; its call ended with it", "error");
	McpGateway::Caller caller;
	{
		std::lock_guard<std::mutex> lock(session->mutex);
		caller = session->caller;
	}

	auto cancellation = std::make_shared<CancellationToken>();
	EventQueue queue;
	if (!context().mcpGateway->attach(session->id, &queue))
		throw HttpError(409, "This session has its event stream open already", "error");
	// Ends with the client, the session (DELETE, idleness) or the server.
	auto watch = watchClient(request, cancellation);
	InFlight registered(*session, "GET", cancellation);
	auto wake = cancellation->onCancel([&queue] { queue.finish(nullptr); });

	setNoDelay(request);
	response.setStatus(Poco::Net::HTTPResponse::HTTP_OK);
	response.setContentType("text/event-stream");
	response.set("Cache-Control", "no-cache, no-transform");
	response.set("X-Accel-Buffering", "no");
	response.set("Mcp-Session-Id", session->id);
	response.setChunkedTransferEncoding(true);
	entry.status = 200;
	entry.streamed = true;
	try
	{
		std::ostream& out = response.send();
		std::string prefix = "g-" + std::to_string(++streamCount) + "-";
		int counter = 0;
		if (caller.protocolVersion >= "2025-11-25")
			out << "id: " << prefix << counter++ << "\nretry: " << RETRY_MILLISECONDS << "\ndata: \n\n";
		out.flush();
		std::string event;
		for (;;)
		{
			EventQueue::Next next = queue.next(event, std::chrono::seconds(KEEPALIVE_SECONDS));
			if (next == EventQueue::Next::Closed || context().stopping) break;
			// A comment now and then: proxies keep the stream, and a client
			// that left is noticed.
			if (next == EventQueue::Next::Idle) out << ": keep-alive\n\n";
			else out << "id: " << prefix << counter++ << "\nevent: message\ndata: " << event << "\n\n";
			out.flush();
			if (!out.good()) break;
			if (next == EventQueue::Next::Message)
			{
				entry.bytes += event.size();
				entry.markFirstByte();
			}
		}
	}
	catch (Poco::Exception&)
	{
		// The client left.
	}
	cancellation->removeCallback(wake);
	context().mcpGateway->detach(session->id, &queue);
	entry.outcome = watch.clientGone() ? "client-gone" : "done";
}


void McpEndpointHandler::stream(Poco::Net::HTTPServerRequest& request, Poco::Net::HTTPServerResponse& response, const Poco::JSON::Object::Ptr& message,
	McpGatewaySessions::Session& session, const std::shared_ptr<CancellationToken>& cancellation, AccessLog::Entry& entry)
{
	McpGateway::Caller caller;
	{
		std::lock_guard<std::mutex> lock(session.mutex);
		caller = session.caller;
	}
	EventQueue queue;
	InFlight registered(session, idKeyOf(message->get("id")), cancellation);
	RequestMeter::Wait wait(&entry.meter);
	// The call waits for its server on a thread of its own, so that this
	// one can write what the server says meanwhile.
	std::thread call([&]
	{
		Poco::JSON::Object::Ptr answer;
		try
		{
			answer = context().mcpGateway->answer(message, caller, *cancellation, &queue);
		}
		catch (...)
		{
			answer = McpGateway::errorResponse(message->get("id"), -32603, "The call failed");
		}
		queue.finish(answer);
	});

	setNoDelay(request);
	response.setStatus(Poco::Net::HTTPResponse::HTTP_OK);
	response.setContentType("text/event-stream");
	response.set("Cache-Control", "no-cache, no-transform");
	response.set("X-Accel-Buffering", "no");
	response.set("Mcp-Session-Id", session.id);
	response.setChunkedTransferEncoding(true);
	entry.status = 200;
	entry.streamed = true;
	bool writable = true;
	std::string event;
	try
	{
		std::ostream& out = response.send();
		// Event ids name the stream and the event within it.
		std::string prefix = std::to_string(++streamCount) + "-";
		int counter = 0;
		if (caller.protocolVersion >= "2025-11-25")
		{
			// The priming event of 2025-11-25: an id and no data, so that a
			// client knows the stream is open and how soon to try again.
			out << "id: " << prefix << counter++ << "\nretry: " << RETRY_MILLISECONDS << "\ndata: \n\n";
			out.flush();
		}
		while (queue.next(event) == EventQueue::Next::Message)
		{
			if (!writable) continue;
			std::string id = prefix + std::to_string(counter++);
			out << "id: " << id << "\nevent: message\ndata: " << event << "\n\n";
			out.flush();
			entry.bytes += event.size() + id.size() + 26;
			entry.markFirstByte();
			if (!out.good()) throw Poco::IOException("the client closed the stream");
		}
	}
	catch (Poco::Exception&)
	{
		// The client left: its call is abandoned (cancelled upstream).
		writable = false;
		cancellation->cancel();
		while (queue.next(event) == EventQueue::Next::Message)
		{
		}
	}
	call.join();
	entry.outcome = writable ? "done" : "client-gone";
}


void McpEndpointHandler::sendRpc(Poco::Net::HTTPServerResponse& response, int status, const Poco::Dynamic::Var& body, AccessLog::Entry& entry)
{
	if (body.isEmpty())
	{
		ErrorResponder::setStatus(response, status);
		response.setContentLength(0);
		response.send();
		entry.status = status;
		return;
	}
	std::string json = JsonText::write(body);
	std::size_t limit = context().settings.mcpMaxResponseBytes;
	if (json.size() > limit)
		throw HttpError(502, "The answer is " + std::to_string(json.size()) + " bytes, more than the limit of " + std::to_string(limit) + " (mcp.max_response_bytes)", "error");
	sendJson(response, status, json, entry);
}


} // namespace Nash
