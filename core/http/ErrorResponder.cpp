//
// ErrorResponder.cpp
//


#include "core/http/ErrorResponder.h"
#include "core/http/HttpError.h"
#include "core/http/ServerResponse.h"
#include "core/json/JsonText.h"
#include "Nash/BackendException.h"
#include "Poco/JSON/JSONException.h"
#include "Poco/Net/NetException.h"
#ifdef NASH_WITH_MCP
#include "core/mcp/McpError.h"
#endif


namespace Nash {


ErrorReply ErrorResponder::fromException(const Poco::Exception& exc)
{
	ErrorReply reply;
	if (auto* http = dynamic_cast<const HttpError*>(&exc))
	{
		reply.status = http->status();
		reply.field = http->bodyField();
		reply.message = http->message();
	}
#ifdef NASH_WITH_MCP
	else if (auto* mcp = dynamic_cast<const McpError*>(&exc))
	{
		reply.status = mcp->httpStatus();
		reply.field = mcp->bodyField();
		reply.message = mcp->message();
		if (reply.status == 499)
		{
			// Cancelled, and not because the client left (handlers say that
			// themselves): the server is stopping. 499 is no standard status.
			reply.status = 503;
			reply.field = "error";
		}
	}
#endif
	else if (dynamic_cast<const Poco::JSON::JSONException*>(&exc) || dynamic_cast<const Poco::SyntaxException*>(&exc))
	{
		reply.status = 400;
		reply.field = "detail";
		reply.message = "Request body is not valid JSON: " + exc.message();
	}
	else if (dynamic_cast<const BackendException*>(&exc))
	{
		reply.status = 502;
		reply.message = exc.message();
		reply.kind = exc.code() >= 400 && exc.code() <= 599 ? ErrorKinds::ofUpstreamStatus(exc.code()) : ErrorKind::UpstreamFailed;
		return reply;
	}
	else if (dynamic_cast<const Poco::TimeoutException*>(&exc))
	{
		reply.status = 504;
		reply.message = exc.displayText();
	}
	else if (dynamic_cast<const Poco::Net::NetException*>(&exc) || dynamic_cast<const Poco::IOException*>(&exc))
	{
		reply.status = 503;
		reply.message = exc.displayText();
	}
	else
	{
		reply.status = 500;
		reply.message = "Internal server error: " + exc.displayText();
	}
	reply.kind = ErrorKinds::ofStatus(reply.status);
	return reply;
}


ErrorReply ErrorResponder::fromException(const std::exception& exc)
{
	ErrorReply reply;
	reply.status = 500;
	reply.message = std::string("Internal server error: ") + exc.what();
	return reply;
}


std::string ErrorResponder::body(const ErrorReply& reply)
{
	std::string text = "{";
	JsonText::appendQuoted(text, reply.field);
	text += ": ";
	JsonText::appendQuoted(text, reply.message);
	text += "}";
	return text;
}


void ErrorResponder::send(Poco::Net::HTTPServerResponse& response, const ErrorReply& reply)
{
	send(response, reply.status, body(reply));
}


void ErrorResponder::setStatus(Poco::Net::HTTPResponse& response, int status)
{
	// Poco names every status up to 511, the largest it defines; beyond,
	// the number is not a value its enumeration can hold.
	if (status >= 100 && status <= 511)
	{
		response.setStatusAndReason(static_cast<Poco::Net::HTTPResponse::HTTPStatus>(status));
		return;
	}
	std::string reason = status == 529 ? "Overloaded" : "Error";
	if (auto* own = dynamic_cast<ServerResponse*>(&response))
	{
		own->setStatusBeyondPoco(status, reason);
		return;
	}
	// Any other response (Poco's own, in tests) gets the nearest it can hold.
	response.setStatusAndReason(Poco::Net::HTTPResponse::HTTP_SERVICE_UNAVAILABLE, reason);
}


void ErrorResponder::send(Poco::Net::HTTPServerResponse& response, int status, const std::string& text)
{
	setStatus(response, status);
	response.setContentType("application/json");
	response.setChunkedTransferEncoding(false);
	response.setContentLength(static_cast<std::streamsize>(text.size()));
	response.send() << text;
}


} // namespace Nash
