//
// CheckFailedException.cpp
//


#include "CheckFailedException.h"
#include <typeinfo>


namespace NashSoak {


POCO_IMPLEMENT_EXCEPTION(CheckFailedException, Poco::RuntimeException, "Check failed")


} // namespace NashSoak
