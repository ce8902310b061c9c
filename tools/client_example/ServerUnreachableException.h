//
// ServerUnreachableException.h
//
// Thrown by ChatClient when no connection to the LLM server can be made.
//


#ifndef NashClient_ServerUnreachableException_INCLUDED
#define NashClient_ServerUnreachableException_INCLUDED


#include "Poco/Net/NetException.h"


namespace NashClient {


POCO_DECLARE_EXCEPTION(, ServerUnreachableException, Poco::Net::NetException)
	/// The server could not be reached: connection refused, host not found,
	/// connect timeout or the connection failing before the request was sent.
	/// The message is the server's base URL; the cause is nested.


} // namespace NashClient


#endif // NashClient_ServerUnreachableException_INCLUDED
