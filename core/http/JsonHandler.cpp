//
// JsonHandler.cpp
//


#include "core/http/JsonHandler.h"
#include "core/http/ErrorResponder.h"
#include "core/http/RequestGuard.h"
#include "core/metrics/Metrics.h"
#include "Poco/Logger.h"
#include "core/http/LogText.h"
#include "core/http/ServerRequest.h"
#include "core/http/ServerResponse.h"
#include "Poco/Format.h"
#include "Poco/URI.h"


namespace Nash {


JsonHandler::JsonHandler(ServerContext& context): _context(context)
{
}


void JsonHandler::handleRequest(Poco::Net::HTTPServerRequest& request, Poco::Net::HTTPServerResponse& response)
{
	_entry = std::make_shared<AccessLog::Entry>();
	AccessLog::Entry& entry = *_entry;
	entry.route = _route;
	entry.dialect = _dialect;
	entry.method = request.getMethod();
	try
	{
		entry.path = Poco::URI(request.getURI()).getPath();
	}
	catch (Poco::Exception&)
	{
		entry.path = request.getURI();
	}

	ErrorReply failure;
	bool failed = false;
	try
	{
		begin(request);
		RequestGuard::admit(request, response, _context.settings, entry.path);
		handle(request, response, entry);
	}
	catch (Poco::Exception& exc)
	{
		failure = ErrorResponder::fromException(exc);
		failed = true;
	}
	catch (std::exception& exc)
	{
		failure = ErrorResponder::fromException(exc);
		failed = true;
	}

	if (failed)
	{
		// The guard and the stream slots count their own refusals; the
		// limits a handler applies (body, conversation, read time) count here.
		Metrics* metrics = Metrics::instance();
		if (metrics && (failure.status == 413 || failure.status == 414 || failure.status == 431))
			metrics->refused(Metrics::Refusal::RequestLimit);
		else if (metrics && failure.status == 408)
			metrics->refused(Metrics::Refusal::Timeout);
		if (!response.sent())
		{
			try
			{
				sendError(response, failure, entry);
			}
			catch (Poco::Exception&)
			{
			}
		}
		else
		{
			Poco::Logger::get("nash.http").error("%s %s failed after the response began: %s", LogText::escape(entry.method), LogText::escape(entry.path),
				LogText::escape(failure.message));
			entry.reason = failure.message;
		}
		if (failure.status >= 500)
			Poco::Logger::get("nash.http").warning("%s %s answered %d: %s", LogText::escape(entry.method), LogText::escape(entry.path), failure.status,
				LogText::escape(failure.message));
	}
	// A detached answer is still under way: its relay records the entry.
	auto* detachable = dynamic_cast<ServerResponse*>(&response);
	if (detachable && detachable->detached()) return;
	AccessLog::record(entry);
}


std::shared_ptr<AccessLog::Entry> JsonHandler::sharedEntry() const
{
	return _entry;
}


void JsonHandler::setRoute(const std::string& route, const std::string& dialect)
{
	_route = route;
	_dialect = dialect;
}


void JsonHandler::begin(const Poco::Net::HTTPServerRequest&)
{
}


ErrorAnswer JsonHandler::errorAnswer(const ErrorReply& reply) const
{
	return {reply.status, ErrorResponder::body(reply)};
}


void JsonHandler::sendError(Poco::Net::HTTPServerResponse& response, const ErrorReply& reply, AccessLog::Entry& entry)
{
	response.setKeepAlive(false);
	ErrorAnswer answer = errorAnswer(reply);
	setServerTiming(response, entry);
	ErrorResponder::send(response, answer.status, answer.body);
	entry.status = answer.status;
	entry.reason = reply.message;
	entry.bytes = answer.body.size();
}


void JsonHandler::sendJson(Poco::Net::HTTPServerResponse& response, int status, const std::string& json, AccessLog::Entry& entry)
{
	ErrorResponder::setStatus(response, status);
	setServerTiming(response, entry);
	response.setContentType("application/json");
	response.setContentLength(static_cast<std::streamsize>(json.size()));
	response.send() << json;
	entry.status = status;
	entry.bytes = json.size();
}


void JsonHandler::setServerTiming(Poco::Net::HTTPServerResponse& response, const AccessLog::Entry& entry)
{
	const Poco::Timestamp::TimeDiff total = entry.started.elapsed();
	std::string timing;
	if (entry.meter.waited()) timing = Poco::format("upstream;dur=%.3f, ", entry.meter.waitMicros() / 1000.0);
	timing += Poco::format("overhead;dur=%.3f", entry.meter.overheadMicros(total) / 1000.0);
	response.set("Server-Timing", timing);
}


ClientDisconnectWatcher::Registration JsonHandler::watchClient(Poco::Net::HTTPServerRequest& request, const std::shared_ptr<CancellationToken>& token,
	int timeLimitSeconds)
{
	auto* serverRequest = ServerRequest::of(request);
	if (!serverRequest) return ClientDisconnectWatcher::Registration(nullptr, 0);
	auto deadline = ClientDisconnectWatcher::Clock::time_point::max();
	if (timeLimitSeconds > 0) deadline = ClientDisconnectWatcher::Clock::now() + std::chrono::seconds(timeLimitSeconds);
	return _context.watcher.watch(serverRequest->socket(), token, deadline);
}


HttpError JsonHandler::clientGoneError()
{
	return HttpError(400, "The client closed its side of the connection before the answer was ready; the request was cancelled");
}


std::string JsonHandler::timeLimitMessage(int seconds)
{
	return "The model did not finish within the time limit of " + std::to_string(seconds) +
		" s (server.backend_time_limit_seconds); the request was cancelled";
}


void JsonHandler::setNoDelay(Poco::Net::HTTPServerRequest& request)
{
	if (auto* serverRequest = ServerRequest::of(request))
	{
		try
		{
			serverRequest->socket().setNoDelay(true);
		}
		catch (Poco::Exception&)
		{
		}
	}
}


ServerContext& JsonHandler::context()
{
	return _context;
}


} // namespace Nash
