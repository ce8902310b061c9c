//
// main.cpp
//


#include "core/app/LlmServerApplication.h"
#include <iostream>


POCO_SERVER_MAIN(Nash::LlmServerApplication)
