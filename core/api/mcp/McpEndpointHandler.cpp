//
// McpEndpointHandler.cpp
//


#include "core/api/mcp/McpEndpointHandler.h"
#include "core/http/RequestBody.h"
#include "core/json/JsonText.h"
#include "core/mcp/gateway/McpGateway.h"
#include "core/mcp/gateway/McpEventStream.h"
#include "core/mcp/gateway/McpGatewaySessions.h"
#include "Poco/JSON/Parser.h"
#include "Poco/String.h"
#include <atomic>
#include <cstdint>
#include <thread>
#include <typeinfo>


namespace Nash {


namespace {


const int RETRY_MILLISECONDS = 1000;
const int KEEPALIVE_SECONDS = 15;
const int RESUME_GRACE_SECONDS = 30;
const std::size_t CALL_EVENTS_KEPT = 10000;
const std::size_t CALL_STREAMS_KEPT = 32;
const std::size_t SESSION_EVENTS_KEPT = 1000;
std::atomic<std::uint64_t> streamCount{0};


Poco::JSON::Object::Ptr asObject(const Poco::Dynamic::Var& value)
{
	if (value.type() == typeid(Poco::JSON::Object::Ptr)) return value.extract<Poco::JSON::Object::Ptr>();
	return nullptr;
}


std::string methodOf(const Poco::JSON::Object::Ptr& message)
	/// Empty when there is none, or it is no string.
{
	if (!message || !message->has("method") || !message->get("method").isString()) return std::string();
	return message->get("method").extract<std::string>();
}


bool isInitialize(const Poco::JSON::Object::Ptr& message)
{
	return McpGateway::isRequest(message) && methodOf(message) == "initialize";
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


void openEventStream(Poco::Net::HTTPServerResponse& response, const std::string& sessionId, AccessLog::Entry& entry)
{
	response.setStatus(Poco::Net::HTTPResponse::HTTP_OK);
	response.setContentType("text/event-stream");
	response.set("Cache-Control", "no-cache, no-transform");
	response.set("X-Accel-Buffering", "no");
	response.set("Mcp-Session-Id", sessionId);
	response.setChunkedTransferEncoding(true);
	entry.status = 200;
	entry.streamed = true;
}


bool writeEvent(std::ostream& out, const std::string& id, const std::string& data, AccessLog::Entry& entry)
{
	out << "id: " << id << "\nevent: message\ndata: " << data << "\n\n";
	out.flush();
	entry.bytes += data.size();
	entry.markFirstByte();
	return out.good();
}


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
	std::string method = methodOf(message);
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
	int code = reply.status == 400 ? McpGateway::INVALID_REQUEST : reply.status == 404 ? McpGateway::TIMED_OUT_OR_NO_SESSION : McpGateway::SERVER_ERROR;
	answer.body = JsonText::write(McpGateway::errorResponse(Poco::Dynamic::Var(), code, reply.message));
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
		sendRpc(response, 400, McpGateway::errorResponse(Poco::Dynamic::Var(), McpGateway::PARSE_ERROR, "Parse error: " + exc.message()), entry);
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
		sendRpc(response, 400, McpGateway::errorResponse(Poco::Dynamic::Var(), McpGateway::INVALID_REQUEST, "A JSON-RPC message or a non-empty batch of them is expected"), entry);
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
		{
			std::lock_guard<std::mutex> lock(session->mutex);
			session->caller.key = session->id;
			session->caller.token = tokenOf(request);
			// What the servers send for this client between calls waits
			// here for its GET stream.
			session->own = std::make_shared<McpEventStream>("s", SESSION_EVENTS_KEPT);
			context().mcpGateway->attach(session->id, session->own.get());
		}
	}
	else
	{
		std::string id = request.get("Mcp-Session-Id", "");
		if (id.empty()) throw HttpError(400, "Bad Request: the Mcp-Session-Id header is required (send initialize first)", "error");
		session = context().mcpSessions->find(id, owner);
		if (!session) throw HttpError(404, "Session not found: " + id + " (it ended; initialize a new one)", "error");
	}
	entry.sessionId = session->id;

	if (!batch && mayTalkBack(messages.front()) && acceptsEventStream(request))
	{
		stream(request, response, messages.front(), *session, entry);
		return;
	}
	// A caller that leaves a JSON answer abandons what it asked
	// (notifications/cancelled to the servers), as does the client's own
	// notifications/cancelled.
	auto cancellation = std::make_shared<CancellationToken>();
	auto watch = watchClient(request, cancellation);
	Poco::JSON::Array::Ptr answers = new Poco::JSON::Array;
	for (const auto& message: messages)
	{
		if (methodOf(message) == "notifications/cancelled")
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

	// Without Last-Event-ID: the session's own stream, from now on. With
	// one: the stream it names (the session's, or a call's whose
	// connection broke), after that event.
	std::shared_ptr<McpEventStream> own;
	{
		std::lock_guard<std::mutex> lock(session->mutex);
		own = session->own;
	}
	std::shared_ptr<McpEventStream> events = own;
	std::uint64_t after = events->newest();
	std::string last = Poco::trim(request.get("Last-Event-ID", ""));
	if (!last.empty())
	{
		std::string name;
		if (!McpEventStream::parseId(last, name, after)) throw HttpError(400, "Last-Event-ID '" + last + "' is not one of this server's event ids", "error");
		if (name != events->name())
		{
			std::lock_guard<std::mutex> lock(session->mutex);
			auto it = session->calls.find(name);
			if (it == session->calls.end()) throw HttpError(410, "The stream of event '" + last + "' is no longer kept", "error");
			events = it->second;
		}
	}
	McpGateway::Caller caller;
	{
		std::lock_guard<std::mutex> lock(session->mutex);
		caller = session->caller;
	}

	auto connection = std::make_shared<CancellationToken>();
	auto watch = watchClient(request, connection);
	setNoDelay(request);
	openEventStream(response, session->id, entry);
	std::uint64_t ticket = events->attachReader();
	try
	{
		std::ostream& out = response.send();
		if (last.empty() && events == own && caller.protocolVersion >= "2025-11-25")
			out << "id: " << events->idOf(after) << "\nretry: " << RETRY_MILLISECONDS << "\ndata: \n\n";
		out.flush();
		std::string data;
		auto idleSince = std::chrono::steady_clock::now();
		for (;;)
		{
			McpEventStream::Next next = events->next(ticket, after, data, std::chrono::seconds(1));
			if (next == McpEventStream::Next::Finished || next == McpEventStream::Next::Superseded) break;
			if (connection->isCancelled() || context().stopping) break;
			if (next == McpEventStream::Next::Event)
			{
				if (!writeEvent(out, events->idOf(after), data, entry)) break;
				idleSince = std::chrono::steady_clock::now();
			}
			else if (std::chrono::steady_clock::now() - idleSince >= std::chrono::seconds(KEEPALIVE_SECONDS))
			{
				// A comment now and then: proxies keep the stream, and a
				// client that left is noticed.
				out << ": keep-alive\n\n";
				out.flush();
				if (!out.good()) break;
				idleSince = std::chrono::steady_clock::now();
			}
		}
	}
	catch (Poco::Exception&)
	{
		// The client left; it may come back with Last-Event-ID.
	}
	events->detachReader(ticket);
	entry.outcome = watch.clientGone() ? "client-gone" : "done";
}


void McpEndpointHandler::stream(Poco::Net::HTTPServerRequest& request, Poco::Net::HTTPServerResponse& response, const Poco::JSON::Object::Ptr& message,
	McpGatewaySessions::Session& session, AccessLog::Entry& entry)
{
	McpGateway::Caller caller;
	auto events = std::make_shared<McpEventStream>("c" + std::to_string(++streamCount), CALL_EVENTS_KEPT);
	{
		std::lock_guard<std::mutex> lock(session.mutex);
		caller = session.caller;
		// Kept for resumption until newer calls push them out.
		session.calls[events->name()] = events;
		while (session.calls.size() > CALL_STREAMS_KEPT)
		{
			auto oldest = session.calls.end();
			for (auto it = session.calls.begin(); it != session.calls.end(); ++it)
			{
				if (it->second->finished() && (oldest == session.calls.end() || it->first < oldest->first)) oldest = it;
			}
			if (oldest == session.calls.end()) break;
			session.calls.erase(oldest);
		}
	}
	// The call's own cancellation: its client's notifications/cancelled,
	// the end of the session, or a broken connection nobody resumed.
	auto call = std::make_shared<CancellationToken>();
	auto connection = std::make_shared<CancellationToken>();
	auto watch = watchClient(request, connection);
	InFlight registered(session, idKeyOf(message->get("id")), call);
	RequestMeter::Wait wait(&entry.meter);
	// The call waits for its server on a thread of its own, so that this
	// one can write what the server says meanwhile.
	std::thread running([&]
	{
		Poco::JSON::Object::Ptr answer;
		try
		{
			answer = context().mcpGateway->answer(message, caller, *call, events.get());
		}
		catch (...)
		{
			answer = McpGateway::errorResponse(message->get("id"), McpGateway::INTERNAL_ERROR, "The call failed");
		}
		if (answer) events->send(answer);
		events->finish();
	});

	setNoDelay(request);
	openEventStream(response, session.id, entry);
	std::uint64_t ticket = events->attachReader();
	std::uint64_t after = 0;
	bool delivered = false;
	try
	{
		std::ostream& out = response.send();
		if (caller.protocolVersion >= "2025-11-25")
		{
			// The priming event of 2025-11-25: an id and no data, so that a
			// client knows the stream is open, and how soon to come back.
			out << "id: " << events->idOf(0) << "\nretry: " << RETRY_MILLISECONDS << "\ndata: \n\n";
			out.flush();
		}
		std::string data;
		for (;;)
		{
			McpEventStream::Next next = events->next(ticket, after, data, std::chrono::seconds(1));
			if (next == McpEventStream::Next::Finished)
			{
				delivered = true;
				break;
			}
			if (next == McpEventStream::Next::Superseded || connection->isCancelled()) break;
			if (next == McpEventStream::Next::Event && !writeEvent(out, events->idOf(after), data, entry)) break;
		}
	}
	catch (Poco::Exception&)
	{
	}
	events->detachReader(ticket);
	if (!delivered)
	{
		// The connection broke: the client may resume the stream (GET with
		// Last-Event-ID). The call goes on while someone reads it or
		// might still; then it is cancelled at its server.
		while (!events->waitFinished(std::chrono::seconds(1)))
		{
			if (events->unreadFor(std::chrono::seconds(RESUME_GRACE_SECONDS)) || context().stopping) call->cancel();
		}
	}
	running.join();
	entry.outcome = delivered ? "done" : "client-gone";
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
