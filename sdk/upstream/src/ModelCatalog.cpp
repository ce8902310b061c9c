//
// ModelCatalog.cpp
//


#include "NashUpstream/ModelCatalog.h"
#include "Poco/String.h"
#include "Poco/StringTokenizer.h"
#include <algorithm>


namespace NashUpstream {


ModelCatalog ModelCatalog::read(const Poco::Util::AbstractConfiguration& section, const std::string& fallbackDefault)
{
	ModelCatalog catalog;
	Poco::StringTokenizer names(section.getString("models", ""), ",", Poco::StringTokenizer::TOK_TRIM | Poco::StringTokenizer::TOK_IGNORE_EMPTY);
	catalog.models.assign(names.begin(), names.end());
	catalog.defaultModel = Poco::trim(section.getString("default_model", ""));
	if (catalog.defaultModel.empty()) catalog.defaultModel = catalog.models.empty() ? fallbackDefault : catalog.models.front();
	if (std::find(catalog.models.begin(), catalog.models.end(), catalog.defaultModel) == catalog.models.end())
		catalog.models.insert(catalog.models.begin(), catalog.defaultModel);
	return catalog;
}


} // namespace NashUpstream
