//
// NotAPlugin.cpp
//
// A shared library that is no plugin: the server must refuse it by name.
//


extern "C" int notAPluginAnswer()
{
	return 42;
}
