//
// HttpAnswer.cpp
//


#include "HttpAnswer.h"
#include "Poco/Net/HTTPResponse.h"
#include "Poco/String.h"


namespace Nash {


bool HttpAnswer::succeeded() const
{
	return status >= 200 && status < 300;
}


bool HttpAnswer::asksAuthorization() const
{
	return status == Poco::Net::HTTPResponse::HTTP_UNAUTHORIZED || status == Poco::Net::HTTPResponse::HTTP_FORBIDDEN;
}


bool HttpAnswer::sessionExpired(const std::string& sessionId) const
{
	if (sessionId.empty()) return false;
	if (status == Poco::Net::HTTPResponse::HTTP_NOT_FOUND) return true;
	return status == Poco::Net::HTTPResponse::HTTP_BAD_REQUEST && Poco::toLower(body).find("session") != std::string::npos;
}


bool HttpAnswer::refusesStreamableHttp() const
{
	return status == Poco::Net::HTTPResponse::HTTP_BAD_REQUEST || status == Poco::Net::HTTPResponse::HTTP_NOT_FOUND ||
		status == Poco::Net::HTTPResponse::HTTP_METHOD_NOT_ALLOWED;
}


std::string HttpAnswer::incompleteText() const
{
	std::string what = unreadable.empty() ? "ended without a response to the request" : unreadable;
	return "The MCP server's answer (HTTP " + std::to_string(status) + ") " + what;
}


std::string HttpAnswer::errorText(const std::string& authorizationFailure) const
{
	std::string text = "HTTP " + std::to_string(status) + " " + reason;
	if (!body.empty()) text += ": " + body;
	if (!authorizationFailure.empty()) text += " (authorization: " + authorizationFailure + ")";
	return text;
}


} // namespace Nash
