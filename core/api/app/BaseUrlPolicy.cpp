//
// BaseUrlPolicy.cpp
//


#include "core/api/app/BaseUrlPolicy.h"
#include "Poco/Exception.h"
#include "Poco/String.h"


namespace Nash {


BaseUrlPolicy::BaseUrlPolicy(const std::vector<std::string>& allowed)
{
	for (const auto& given: allowed)
	{
		std::string text = Poco::trim(given);
		if (text.empty()) continue;
		Entry entry;
		if (!parse(text, entry)) throw Poco::InvalidArgumentException("'" + text + "' in [app] allowed_base_urls is not an http(s) URL without query");
		_allowed.push_back(entry);
		_allowedText.push_back(text);
	}
}


bool BaseUrlPolicy::allows(const std::string& url) const
{
	Entry candidate;
	if (!parse(Poco::trim(url), candidate)) return false;
	for (const auto& entry: _allowed)
	{
		if (entry.scheme != candidate.scheme || entry.host != candidate.host || entry.port != candidate.port) continue;
		if (entry.path.empty() || candidate.path == entry.path) return true;
		if (candidate.path.compare(0, entry.path.size() + 1, entry.path + "/") == 0) return true;
	}
	return false;
}


const std::vector<std::string>& BaseUrlPolicy::allowed() const
{
	return _allowedText;
}


bool BaseUrlPolicy::parse(const std::string& text, Entry& entry)
{
	try
	{
		Poco::URI uri(text);
		entry.scheme = Poco::toLower(uri.getScheme());
		if (entry.scheme != "http" && entry.scheme != "https") return false;
		if (uri.getHost().empty() || !uri.getUserInfo().empty() || !uri.getRawQuery().empty() || !uri.getFragment().empty()) return false;
		if (text.find('#') != std::string::npos || text.find('?') != std::string::npos || text.find('@') != std::string::npos) return false;
		entry.host = Poco::toLower(uri.getHost());
		entry.port = uri.getPort();
		entry.path = uri.getPath();
		// "..", "." or "//" would let a listed prefix reach another path.
		if (entry.path.find("/.") != std::string::npos || entry.path.find("//") != std::string::npos || entry.path.find('\\') != std::string::npos) return false;
		while (!entry.path.empty() && entry.path.back() == '/') entry.path.pop_back();
		return true;
	}
	catch (Poco::Exception&)
	{
		return false;
	}
}


} // namespace Nash
