//
// HttpConnection.cpp
//


#include "core/HttpConnection.h"
#include "core/ErrorResponder.h"
#include "core/HttpConnectionFactory.h"
#include "core/HttpError.h"
#include "core/ServerRequest.h"
#include "Poco/Logger.h"
#include "Poco/Net/HTTPRequestHandler.h"
#include "Poco/Net/HTTPServerResponseImpl.h"
#include "Poco/Net/NetException.h"
#include "Poco/Timestamp.h"
#include <memory>


namespace Nash {


HttpConnection::HttpConnection(const Poco::Net::StreamSocket& socket, HttpConnectionFactory& factory):
	Poco::Net::TCPServerConnection(socket),
	_factory(factory)
{
}


void HttpConnection::run()
{
	struct Membership
	{
		HttpConnectionFactory& factory;
		HttpConnection* connection;
		~Membership() { factory.closed(connection); }
	} membership{_factory, this};
	_factory.opened(this, socket());

	Poco::Net::HTTPServerParams::Ptr params = _factory.params();
	const std::string software = params->getSoftwareVersion();
	Poco::Net::HTTPServerSession session(socket(), params);
	// hasMoreRequests() waits for the first byte of each request (the read
	// timeout, then the keep-alive timeout), so the deadline starts when the
	// client starts sending.
	while (!_factory.stopped() && session.hasMoreRequests())
	{
		RequestDeadlineWatchdog::Registration deadline = _factory.watchdog().arm(socket(), _factory.requestTimeoutSeconds());
		Poco::Net::HTTPServerResponseImpl response(session);
		try
		{
			ServerRequest request(response, session, params, deadline);
			response.setDate(Poco::Timestamp());
			response.setVersion(request.getVersion());
			response.setKeepAlive(params->getKeepAlive() && request.getKeepAlive() && session.canKeepAlive());
			if (!software.empty()) response.set("Server", software);
			_factory.headLimits().check(request);
			if (!request.hasBody()) deadline.disarm();

			std::unique_ptr<Poco::Net::HTTPRequestHandler> handler(_factory.router().createRequestHandler(request));
			if (request.getExpectContinue() && response.getStatus() == Poco::Net::HTTPResponse::HTTP_OK) response.sendContinue();
			handler->handleRequest(request, response);
			session.setKeepAlive(params->getKeepAlive() && response.getKeepAlive() && session.canKeepAlive());
		}
		catch (Poco::Net::NoMessageException&)
		{
			// The client closed (or its deadline passed) before a request
			// began: nobody to answer.
			break;
		}
		catch (Poco::Net::MessageException& exc)
		{
			if (deadline.expired())
			{
				refuse(session, 408, deadline.message());
			}
			else
			{
				int status = RequestHeadLimits::parseErrorStatus(exc);
				refuse(session, status, RequestHeadLimits::parseErrorMessage(status));
			}
			break;
		}
		catch (HttpError& exc)
		{
			refuse(session, exc.status(), exc.message());
			break;
		}
		catch (Poco::Exception& exc)
		{
			// Handlers answer their own failures: this is the connection
			// itself failing (the client went away, a timeout).
			if (deadline.expired() && !response.sent()) refuse(session, 408, deadline.message());
			Poco::Logger::get("nash.http").debug("Connection ended: %s", exc.displayText());
			break;
		}
	}
}


void HttpConnection::refuse(Poco::Net::HTTPServerSession& session, int status, const std::string& message)
{
	try
	{
		Poco::Logger::get("nash.http").information("Refused a request from %s: %d %s", socket().peerAddress().toString(), status, message);
		Poco::Net::HTTPServerResponseImpl response(session);
		response.setVersion(Poco::Net::HTTPMessage::HTTP_1_1);
		response.setKeepAlive(false);
		ErrorReply reply;
		reply.status = status;
		reply.field = "detail";
		reply.message = message;
		ErrorResponder::send(response, reply);
	}
	catch (Poco::Exception&)
	{
		// The client is gone: nothing to tell it.
	}
	session.setKeepAlive(false);
}


} // namespace Nash
