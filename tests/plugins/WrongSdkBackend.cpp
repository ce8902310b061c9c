//
// WrongSdkBackend.cpp
//
// A plugin as the previous SDK version built it: the server must refuse it
// before it uses anything else in the library, with a message that asks for
// a rebuild. Compiled against this SDK's headers, it writes its entry points
// by hand instead of with NASH_MODEL_BACKEND_PLUGIN, to claim the version
// before this one.
//


#include "Nash/Plugin.h"


static_assert(NASH_SDK_VERSION > 1, "wrong_sdk claims the version before this one");


namespace NashTestPlugins {


class WrongSdkBackend: public Nash::BlockingBackend
{
public:
	void configure(const std::string&, const Poco::Util::AbstractConfiguration&) override
	{
	}

	std::vector<std::string> models() const override
	{
		return {"wrong"};
	}

	std::string defaultModel() const override
	{
		return "wrong";
	}

	void streamChat(const Nash::ChatRequest&, Nash::ChatEventSink& sink, const Nash::CancellationToken&) override
	{
		sink.content("a plugin of another SDK version must never answer");
	}

	Nash::ChatResult complete(const Nash::ChatRequest&, const Nash::CancellationToken&) override
	{
		return Nash::ChatResult();
	}
};


} // namespace NashTestPlugins


extern "C" POCO_LIBRARY_API int nashPluginSdkVersion() { return NASH_SDK_VERSION - 1; }
extern "C" POCO_LIBRARY_API const char* nashPluginKind() { return NASH_PLUGIN_KIND_MODEL_BACKEND; }
extern "C" POCO_LIBRARY_API const char* nashPluginClass() { return "NashTestPlugins::WrongSdkBackend"; }

POCO_BEGIN_MANIFEST(Nash::ModelBackend)
	POCO_EXPORT_CLASS(NashTestPlugins::WrongSdkBackend)
POCO_END_MANIFEST
