//
// ServerRequest.h
//


#ifndef Nash_ServerRequest_INCLUDED
#define Nash_ServerRequest_INCLUDED


#include "core/RequestDeadlineWatchdog.h"
#include "Poco/Net/HTTPServerRequestImpl.h"
#include "Poco/Net/HTTPServerResponseImpl.h"
#include "Poco/Net/HTTPServerSession.h"
#include <string>


namespace Nash {


class ServerRequest: public Poco::Net::HTTPServerRequestImpl
	/// A request as Poco parses it (the head is read in the constructor),
	/// bound to the deadline by which its client must have sent all of it.
	/// Whoever reads the body ends the deadline when done (RequestBody).
{
public:
	ServerRequest(Poco::Net::HTTPServerResponseImpl& response, Poco::Net::HTTPServerSession& session,
		Poco::Net::HTTPServerParams* params, RequestDeadlineWatchdog::Registration& deadline);

	bool hasBody() const;
		/// Content-Length above 0 or chunked.

	void bodyReceived();
		/// The whole request is in: the deadline no longer applies.

	bool deadlinePassed() const;

	std::string deadlineMessage() const;
		/// What the client is told when deadlinePassed().

	static ServerRequest* of(Poco::Net::HTTPServerRequest& request);
		/// request as a ServerRequest, or null (a request from elsewhere,
		/// such as a test's).

private:
	RequestDeadlineWatchdog::Registration& _deadline;
};


} // namespace Nash


#endif // Nash_ServerRequest_INCLUDED
