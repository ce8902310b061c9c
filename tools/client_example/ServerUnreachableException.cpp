//
// ServerUnreachableException.cpp
//


#include "ServerUnreachableException.h"
#include <typeinfo>


namespace NashClient {


POCO_IMPLEMENT_EXCEPTION(ServerUnreachableException, Poco::Net::NetException, "Could not connect to the LLM server")


} // namespace NashClient
