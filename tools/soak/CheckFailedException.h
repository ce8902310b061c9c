//
// CheckFailedException.h
//
// An answer of the server that does not match the wire contract.
//


#ifndef NashSoak_CheckFailedException_INCLUDED
#define NashSoak_CheckFailedException_INCLUDED


#include "Poco/Exception.h"


namespace NashSoak {


POCO_DECLARE_EXCEPTION(, CheckFailedException, Poco::RuntimeException)


} // namespace NashSoak


#endif // NashSoak_CheckFailedException_INCLUDED
