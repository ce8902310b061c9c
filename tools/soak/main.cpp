//
// main.cpp
//
// soak_client: see SoakApplication.h and run.sh.
//


#include "SoakApplication.h"


POCO_APP_MAIN(NashSoak::SoakApplication)
