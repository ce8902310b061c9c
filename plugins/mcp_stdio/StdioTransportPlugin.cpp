//
// StdioTransportPlugin.cpp
//
// The plugin's exports: the SDK version, its kind and the class.
//


#include "StdioTransport.h"
#include "Nash/Plugin.h"


NASH_MCP_TRANSPORT_PLUGIN(Nash::StdioTransport)
