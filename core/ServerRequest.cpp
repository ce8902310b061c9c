//
// ServerRequest.cpp
//


#include "core/ServerRequest.h"


namespace Nash {


ServerRequest::ServerRequest(Poco::Net::HTTPServerResponseImpl& response, Poco::Net::HTTPServerSession& session,
	Poco::Net::HTTPServerParams* params, RequestDeadlineWatchdog::Registration& deadline):
	Poco::Net::HTTPServerRequestImpl(response, session, params),
	_deadline(deadline)
{
}


bool ServerRequest::hasBody() const
{
	if (getChunkedTransferEncoding()) return true;
	return hasContentLength() && getContentLength64() > 0;
}


void ServerRequest::bodyReceived()
{
	_deadline.disarm();
}


bool ServerRequest::deadlinePassed() const
{
	return _deadline.expired();
}


std::string ServerRequest::deadlineMessage() const
{
	return _deadline.message();
}


ServerRequest* ServerRequest::of(Poco::Net::HTTPServerRequest& request)
{
	return dynamic_cast<ServerRequest*>(&request);
}


} // namespace Nash
