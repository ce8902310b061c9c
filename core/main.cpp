//
// main.cpp
//


#include "core/LlmServerApplication.h"
#include <iostream>


POCO_SERVER_MAIN(Nash::LlmServerApplication)
