//
// ModelCatalog.h
//


#ifndef NashUpstream_ModelCatalog_INCLUDED
#define NashUpstream_ModelCatalog_INCLUDED


#include "Poco/Util/AbstractConfiguration.h"
#include <string>
#include <vector>


namespace NashUpstream {


struct ModelCatalog
	/// The models a provider backend offers by configuration: "models" (a
	/// comma-separated list) and "default_model" (default: the first listed,
	/// else fallbackDefault). The default model is always listed.
{
	std::vector<std::string> models;
	std::string defaultModel;

	static ModelCatalog read(const Poco::Util::AbstractConfiguration& section, const std::string& fallbackDefault);
};


} // namespace NashUpstream


#endif // NashUpstream_ModelCatalog_INCLUDED
