//
// HeadlessAuthorizationAgent.cpp
//


#include "HeadlessAuthorizationAgent.h"
#include "Poco/Exception.h"
#include "Poco/Net/HTTPRequest.h"
#include "Poco/Net/HTTPResponse.h"


namespace Nash {


std::string HeadlessAuthorizationAgent::authorize(const Request& request)
{
	auto session = request.sessions(request.authorizationUrl, std::chrono::milliseconds(30000));
	Poco::Net::HTTPRequest get(Poco::Net::HTTPRequest::HTTP_GET, request.authorizationUrl.getPathEtc(), Poco::Net::HTTPMessage::HTTP_1_1);
	session->sendRequest(get);
	Poco::Net::HTTPResponse response;
	session->receiveResponse(response).ignore(1 << 20);
	int status = response.getStatus();
	if (status < 300 || status >= 400 || !response.has("Location"))
		throw Poco::IOException("the authorization endpoint answered HTTP " + std::to_string(status) + " without a redirect");
	return Poco::URI(request.authorizationUrl, response.get("Location")).toString();
}


} // namespace Nash
