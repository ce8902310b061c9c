//
// OpenAiPlugin.cpp
//
// The plugin's exports: the SDK version, its kind and the class.
//


#include "OpenAiBackend.h"
#include "Nash/Plugin.h"


NASH_MODEL_BACKEND_PLUGIN(Nash::OpenAiBackend)
