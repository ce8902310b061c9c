//
// JsonHandler.cpp
//


#include "core/JsonHandler.h"
#include "core/ErrorResponder.h"
#include "core/RequestGuard.h"
#include "Poco/Logger.h"
#include "Poco/Net/HTTPServerRequestImpl.h"
#include "Poco/URI.h"


namespace Nash {


JsonHandler::JsonHandler(ServerContext& context): _context(context)
{
}


void JsonHandler::handleRequest(Poco::Net::HTTPServerRequest& request, Poco::Net::HTTPServerResponse& response)
{
	AccessLog::Entry entry;
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
		if (!response.sent())
		{
			try
			{
				// Whatever of the body the client sent is not read: the
				// connection cannot carry another request.
				response.setKeepAlive(false);
				ErrorResponder::send(response, failure);
				entry.status = failure.status;
				entry.bytes = ErrorResponder::body(failure).size();
			}
			catch (Poco::Exception&)
			{
			}
		}
		else
		{
			Poco::Logger::get("nash.http").error("%s %s failed after the response began: %s", entry.method, entry.path, failure.message);
		}
		if (failure.status >= 500)
			Poco::Logger::get("nash.http").warning("%s %s answered %d: %s", entry.method, entry.path, failure.status, failure.message);
	}
	AccessLog::record(entry);
}


void JsonHandler::sendJson(Poco::Net::HTTPServerResponse& response, int status, const std::string& json, AccessLog::Entry& entry)
{
	response.setStatusAndReason(static_cast<Poco::Net::HTTPResponse::HTTPStatus>(status));
	response.setContentType("application/json");
	response.setContentLength(static_cast<std::streamsize>(json.size()));
	response.send() << json;
	entry.status = status;
	entry.bytes = json.size();
}


ClientDisconnectWatcher::Registration JsonHandler::watchClient(Poco::Net::HTTPServerRequest& request, const std::shared_ptr<CancellationToken>& token,
	int timeLimitSeconds)
{
	auto* impl = dynamic_cast<Poco::Net::HTTPServerRequestImpl*>(&request);
	if (!impl) return ClientDisconnectWatcher::Registration(nullptr, 0);
	auto deadline = ClientDisconnectWatcher::Clock::time_point::max();
	if (timeLimitSeconds > 0) deadline = ClientDisconnectWatcher::Clock::now() + std::chrono::seconds(timeLimitSeconds);
	return _context.watcher.watch(impl->socket(), token, deadline);
}


std::string JsonHandler::timeLimitMessage(int seconds)
{
	return "The model did not finish within the time limit of " + std::to_string(seconds) +
		" s (server.backend_time_limit_seconds); the request was cancelled";
}


void JsonHandler::setNoDelay(Poco::Net::HTTPServerRequest& request)
{
	if (auto* impl = dynamic_cast<Poco::Net::HTTPServerRequestImpl*>(&request))
	{
		try
		{
			impl->socket().setNoDelay(true);
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
