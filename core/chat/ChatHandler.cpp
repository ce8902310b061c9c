//
// ChatHandler.cpp
//


#include "core/chat/ChatHandler.h"
#include "core/api/nash/StreamEvents.h"
#include "core/chat/MeteredSink.h"
#include "core/chat/StreamRelay.h"
#include "core/http/ServerRequest.h"
#include "core/http/ServerResponse.h"
#include "core/loop/EventLoop.h"
#include "NashUpstream/ProviderExchange.h"
#include "core/chat/ToolPolicy.h"
#include "Nash/BackendException.h"
#include "Poco/Logger.h"
#include "Poco/UUIDGenerator.h"
#ifdef NASH_WITH_MCP
#include "core/chat/McpToolBox.h"
#endif


namespace Nash {


ChatHandler::StreamSlot::StreamSlot(std::atomic<int>& count): _count(count)
{
}


ChatHandler::StreamSlot::~StreamSlot()
{
	--_count;
	if (_metrics) _metrics->streamClosed();
}


void ChatHandler::StreamSlot::admitted()
{
	_metrics = Metrics::instance();
	if (_metrics) _metrics->streamOpened();
}


ChatHandler::ChatHandler(ServerContext& context): JsonHandler(context)
{
}


std::string ChatHandler::newId(const std::string& prefix)
{
	std::string uuid = Poco::UUIDGenerator::defaultGenerator().createRandom().toString();
	std::string id = prefix;
	for (char c: uuid)
	{
		if (c != '-') id += c;
	}
	return id;
}


std::unique_ptr<ToolBox> ChatHandler::allowedTools(ServerContext& context, const std::vector<std::string>& servers, const CancellationToken& cancellation)
{
#ifdef NASH_WITH_MCP
	ToolPolicy policy = ToolPolicy::parse(context.settings.toolPatterns);
	if (!context.mcp || policy.allowsNothing()) return nullptr;
	McpToolBox::Limits limits;
	limits.callTimeout = std::chrono::seconds(context.settings.toolCallTimeoutSeconds);
	limits.maxResultBytes = context.settings.toolResultMaxBytes;
	return std::unique_ptr<ToolBox>(new McpToolBox(*context.mcp, policy, servers, limits, cancellation));
#else
	(void) context;
	(void) servers;
	(void) cancellation;
	return nullptr;
#endif
}


ToolLoopSettings ChatHandler::toolLoopSettings(AccessLog::Entry& entry)
{
	ToolLoopSettings loop;
	loop.meter = &entry.meter;
	loop.dialect = entry.dialect;
	loop.maxRounds = context().settings.toolLoopMaxRounds;
	loop.maxWaitSeconds = context().settings.rateLimitMaxWaitSeconds;
	return loop;
}


BackendRoute ChatHandler::route(ChatInput& input, AccessLog::Entry& entry, bool unknownModelIsNotFound)
{
	BackendRoute route;
	try
	{
		route = context().backends.resolve(input.modelSpec);
	}
	catch (HttpError& exc)
	{
		if (!unknownModelIsNotFound || exc.status() != 400) throw;
		throw HttpError(404, exc.message());
	}
	entry.backend = route.backendName;
	entry.model = route.model;
	entry.modelLabel = route.modelLabel;
	input.request.model = route.model;
	return route;
}


std::unique_ptr<ChatHandler::StreamSlot> ChatHandler::holdStreamSlot(Poco::Net::HTTPServerResponse& response)
{
	const int limit = context().settings.maxStreams;
	std::unique_ptr<StreamSlot> slot(new StreamSlot(context().openStreams));
	if (++context().openStreams > limit)
	{
		if (Metrics* metrics = Metrics::instance()) metrics->refused(Metrics::Refusal::StreamLimit);
		response.set("Retry-After", "1");
		throw HttpError(503, "Too many open streams (" + std::to_string(limit) + "); try again shortly", "error");
	}
	slot->admitted();
	return slot;
}


std::ostream& ChatHandler::beginEventStream(Poco::Net::HTTPServerRequest& request, Poco::Net::HTTPServerResponse& response, AccessLog::Entry& entry,
	const std::string& contentType)
{
	setNoDelay(request);
	response.setStatusAndReason(Poco::Net::HTTPResponse::HTTP_OK);
	response.setContentType(contentType);
	response.set("Cache-Control", "no-cache");
	response.set("X-Accel-Buffering", "no");
	response.setChunkedTransferEncoding(true);
	entry.status = 200;
	entry.streamed = true;
	return response.send();
}


bool ChatHandler::answerAtOnce(const ChatRequest& request, bool stream)
{
	if (stream || !request.extra) return false;
	for (const char* name: {"tools", "functions"})
	{
		if (request.extra->has(name) && !request.extra->get(name).isEmpty()) return false;
	}
	return true;
}


ChatOutcome ChatHandler::run(const BackendRoute& route, const ChatRequest& request, ChatEventSink& sink, const std::shared_ptr<CancellationToken>& cancellation,
	const ClientDisconnectWatcher::Registration& watch, AccessLog::Entry& entry, bool whole)
{
	return run(route.backendName, request.sessionId, [&] {
		MeteredSink metered(sink, &entry.meter);
		RequestMeter::Wait wait(&entry.meter);
		if (whole)
		{
			ChatResult result = route.backend->complete(request, *cancellation);
			wait.end();
			if (!cancellation->isCancelled())
			{
				metered.content(result.content);
				metered.usage(result.usage);
				metered.finish(result.finishReason);
			}
		}
		else
		{
			route.backend->streamChat(request, metered, *cancellation);
		}
	}, cancellation, watch, entry);
}


ChatOutcome ChatHandler::run(const std::string& backendName, const std::string& sessionId, const std::function<void()>& work,
	const std::shared_ptr<CancellationToken>& cancellation, const ClientDisconnectWatcher::Registration& watch, AccessLog::Entry& entry)
{
	ChatOutcome outcome;
	try
	{
		work();
	}
	catch (BackendException& exc)
	{
		outcome.error = ErrorResponder::fromException(exc);
		outcome.error.message = StreamEvents::messageOf(exc);
		outcome.complete = false;
		outcome.upstreamStatus = exc.code() >= 100 && exc.code() <= 599 ? exc.code() : 0;
	}
	catch (Poco::Exception& exc)
	{
		outcome.error = ErrorResponder::fromException(exc);
		outcome.error.message = StreamEvents::messageOf(exc);
		outcome.complete = false;
	}
	catch (std::exception& exc)
	{
		outcome.error = ErrorResponder::fromException(exc);
		outcome.error.message = StreamEvents::messageOf(exc);
		outcome.complete = false;
	}

	return conclude(context(), backendName, sessionId, outcome, *cancellation, watch, entry);
}


ChatOutcome ChatHandler::conclude(ServerContext& context, const std::string& backendName, const std::string& sessionId, ChatOutcome outcome,
	const CancellationToken& cancellation, const ClientDisconnectWatcher::Registration& watch, AccessLog::Entry& entry)
{
	const ServerSettings& settings = context.settings;
	// Why the answer is incomplete, when it is: what cancelled the backend
	// matters more than how the backend reported being cancelled.
	std::string session = sessionId.empty() ? std::string() : " in session " + sessionId;
	auto cutShort = [&](ErrorKind kind, int status, const std::string& message, const char* logOutcome) {
		outcome.complete = false;
		outcome.error.kind = kind;
		outcome.error.status = status;
		outcome.error.field = "error";
		outcome.error.message = message;
		entry.outcome = logOutcome;
	};
	if (cancellation.isCancelled() && context.stopping)
	{
		cutShort(ErrorKind::Overloaded, 503, "The server is shutting down; the answer was cut short", "shutdown");
	}
	else if (watch.timedOut())
	{
		Poco::Logger::get("nash.chat").warning("Backend '%s' ran past the time limit of %d s%s; cut short", backendName, settings.backendTimeLimitSeconds, session);
		cutShort(ErrorKind::TimedOut, 504, timeLimitMessage(settings.backendTimeLimitSeconds), "time-limit");
	}
	else if (cancellation.isCancelled())
	{
		// The client closed its side (or all of the connection): if it
		// still reads, it must not take the cut answer for a whole one.
		cutShort(ErrorKind::ClientGone, 400, "The client closed its side of the connection; the answer was cut short", "client-gone");
	}
	else if (!outcome.complete)
	{
		Poco::Logger::get("nash.chat").warning("Backend '%s' failed%s: %s", backendName, session, outcome.error.message);
		entry.outcome = "error";
	}
	else
	{
		entry.outcome = "done";
	}
	return outcome;
}


namespace {


NashUpstream::ProviderExchange* relayable(ServerContext& context, Poco::Net::HTTPServerRequest& request, const BackendRoute& route)
{
	if (!context.loop || !ServerRequest::of(request)) return nullptr;
	auto* exchange = dynamic_cast<NashUpstream::ProviderExchange*>(route.backend);
	if (!exchange || !exchange->settings() || !LoopExchange::supports(*exchange->settings())) return nullptr;
	return exchange;
}


ChatOutcome outcomeOf(const LoopExchange::Outcome& result)
{
	ChatOutcome outcome;
	if (result.result != LoopExchange::Result::Failed) return outcome;
	// As the blocking exchange would have thrown it, so that both paths
	// answer a failure alike.
	BackendException exc(result.message, result.status);
	outcome.error = ErrorResponder::fromException(exc);
	outcome.error.message = StreamEvents::messageOf(exc);
	outcome.complete = false;
	outcome.upstreamStatus = result.status >= 100 && result.status <= 599 ? result.status : 0;
	return outcome;
}


} // namespace


void ChatHandler::streamAnswer(Poco::Net::HTTPServerRequest& request, Poco::Net::HTTPServerResponse& response, AccessLog::Entry& entry,
	const BackendRoute& route, const ChatRequest& chatRequest, std::unique_ptr<StreamSlot> slot,
	const std::shared_ptr<CancellationToken>& cancellation, ClientDisconnectWatcher::Registration watch, StreamParts parts)
{
	NashUpstream::ProviderExchange* exchange = relayable(context(), request, route);
	Poco::Net::SocketAddress address;
	if (exchange)
	{
		try
		{
			address = LoopExchange::resolve(*exchange->settings());
		}
		catch (Poco::Exception&)
		{
			// The blocking exchange reports it as it always has.
			exchange = nullptr;
		}
	}
	if (!exchange)
	{
		std::ostream& out = beginEventStream(request, response, entry, parts.contentType);
		ChatEventSink& sink = parts.open(out, entry);
		ChatOutcome outcome = run(route, chatRequest, sink, cancellation, watch, entry);
		parts.close(outcome, entry);
		return;
	}

	setNoDelay(request);
	response.setStatusAndReason(Poco::Net::HTTPResponse::HTTP_OK);
	response.setContentType(parts.contentType);
	response.set("Cache-Control", "no-cache");
	response.set("X-Accel-Buffering", "no");
	entry.status = 200;
	entry.streamed = true;

	ServerContext& context = this->context();
	StreamRelay::Parts relayParts;
	relayParts.entry = sharedEntry();
	relayParts.cancellation = cancellation;
	// The relay sees its client close on the loop; the watcher keeps the
	// time limit and the shutdown's count. (The socket's watch ends with
	// this function, before the relay starts.)
	auto deadline = ClientDisconnectWatcher::Clock::time_point::max();
	if (context.settings.backendTimeLimitSeconds > 0)
		deadline = ClientDisconnectWatcher::Clock::now() + std::chrono::seconds(context.settings.backendTimeLimitSeconds);
	relayParts.watch.reset(new ClientDisconnectWatcher::Registration(context.watcher.watch(cancellation, deadline)));
	relayParts.slot = std::shared_ptr<StreamSlot>(std::move(slot));
	relayParts.provider = &exchange->provider();
	relayParts.upstream = exchange->settings();
	relayParts.observer = exchange->observer();
	relayParts.address = address;
	relayParts.request = chatRequest;
	relayParts.writeTimeoutSeconds = context.settings.readTimeoutSeconds;
	std::string backendName = route.backendName;
	std::string sessionId = chatRequest.sessionId;
	relayParts.judge = [&context, backendName, sessionId](const LoopExchange::Outcome& result, const ClientDisconnectWatcher::Registration& watch,
		const CancellationToken& cancellation, AccessLog::Entry& entry) {
		return conclude(context, backendName, sessionId, outcomeOf(result), cancellation, watch, entry);
	};
	relayParts.closing = std::move(parts.close);
	auto relay = StreamRelay::create(context.loop->assign(), std::move(relayParts));
	std::string head = ServerRequest::of(request)->detach([relay](const std::shared_ptr<HttpConnection>& connection) { relay->start(connection); });
	auto* serverResponse = dynamic_cast<ServerResponse*>(&response);
	relay->setHead(head, !serverResponse->delimitedByClose());
	relay->setSink(parts.open(relay->out(), relay->entry()));
}


} // namespace Nash
