//
// WrongSdkBackend.cpp
//
// A plugin as a newer SDK would build it: its version is not the server's,
// so the server must refuse it before using anything else in it.
//


#include "Nash/Plugin.h"


namespace NashTestPlugins {


class WrongSdkBackend: public Nash::ModelBackend
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


extern "C" POCO_LIBRARY_API int nashPluginSdkVersion() { return NASH_SDK_VERSION + 1000; }
extern "C" POCO_LIBRARY_API const char* nashPluginKind() { return NASH_PLUGIN_KIND_MODEL_BACKEND; }
extern "C" POCO_LIBRARY_API const char* nashPluginClass() { return "NashTestPlugins::WrongSdkBackend"; }

POCO_BEGIN_MANIFEST(Nash::ModelBackend)
	POCO_EXPORT_CLASS(NashTestPlugins::WrongSdkBackend)
POCO_END_MANIFEST
