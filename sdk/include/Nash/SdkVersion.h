//
// SdkVersion.h
//
// The version of the plugin SDK. A plugin records the version it was built
// against (see Plugin.h); the server refuses a plugin whose version differs
// from its own, before it touches anything else in the library.
//
// Version 2 split backends in two: a ProviderBackend translates and the
// server does its I/O; a BlockingBackend computes on a worker thread.
//
// Any change to a header of this SDK changes the ABI: bump NASH_SDK_VERSION
// and record the new headers' digest in sdk/abi-versions.txt (a test fails
// until both are done).
//


#ifndef Nash_SdkVersion_INCLUDED
#define Nash_SdkVersion_INCLUDED


#define NASH_SDK_VERSION 2


#endif // Nash_SdkVersion_INCLUDED
