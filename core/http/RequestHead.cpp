//
// RequestHead.cpp
//


#include "core/http/RequestHead.h"
#include "Poco/String.h"


namespace Nash {


bool RequestHead::hasBody() const
{
	return chunked || (hasContentLength && contentLength > 0);
}


std::size_t RequestHead::count(const std::string& name) const
{
	std::size_t n = 0;
	for (const auto& field: fields)
	{
		if (Poco::icompare(field.first, name) == 0) ++n;
	}
	return n;
}


const std::string* RequestHead::find(const std::string& name) const
{
	for (const auto& field: fields)
	{
		if (Poco::icompare(field.first, name) == 0) return &field.second;
	}
	return nullptr;
}


std::string RequestHead::version() const
{
	return versionMinor == 0 ? "HTTP/1.0" : "HTTP/1.1";
}


} // namespace Nash
