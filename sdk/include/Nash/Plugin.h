//
// Plugin.h
//
// What a plugin library exports. A plugin source file ends with exactly one of
//
//     NASH_MODEL_BACKEND_PLUGIN(MyBackend)   (a ProviderBackend or a BlockingBackend)
//     NASH_MCP_TRANSPORT_PLUGIN(MyTransport)
//
// which emits the Poco ClassLoader manifest for the class, and two plain C
// functions the server reads before it trusts the library: the SDK version the
// plugin was built against and the kind of plugin it is.
//


#ifndef Nash_Plugin_INCLUDED
#define Nash_Plugin_INCLUDED


#include "Nash/McpTransport.h"
#include "Nash/BlockingBackend.h"
#include "Nash/ModelBackend.h"
#include "Nash/ProviderBackend.h"
#include "Nash/SdkVersion.h"
#include "Poco/ClassLibrary.h"


#define NASH_PLUGIN_KIND_MODEL_BACKEND "model-backend"
#define NASH_PLUGIN_KIND_MCP_TRANSPORT "mcp-transport"

#define NASH_PLUGIN_VERSION_SYMBOL "nashPluginSdkVersion"
#define NASH_PLUGIN_KIND_SYMBOL "nashPluginKind"
#define NASH_PLUGIN_CLASS_SYMBOL "nashPluginClass"


#define NASH_DECLARE_PLUGIN_IDENTITY(kind, cls) \
	extern "C" POCO_LIBRARY_API int nashPluginSdkVersion() { return NASH_SDK_VERSION; } \
	extern "C" POCO_LIBRARY_API const char* nashPluginKind() { return kind; } \
	extern "C" POCO_LIBRARY_API const char* nashPluginClass() { return #cls; }


#define NASH_MODEL_BACKEND_PLUGIN(cls) \
	NASH_DECLARE_PLUGIN_IDENTITY(NASH_PLUGIN_KIND_MODEL_BACKEND, cls) \
	POCO_BEGIN_MANIFEST(Nash::ModelBackend) \
		POCO_EXPORT_CLASS(cls) \
	POCO_END_MANIFEST


#define NASH_MCP_TRANSPORT_PLUGIN(cls) \
	NASH_DECLARE_PLUGIN_IDENTITY(NASH_PLUGIN_KIND_MCP_TRANSPORT, cls) \
	POCO_BEGIN_MANIFEST(Nash::McpTransport) \
		POCO_EXPORT_CLASS(cls) \
	POCO_END_MANIFEST


#endif // Nash_Plugin_INCLUDED
