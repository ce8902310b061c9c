//
// RequestTarget.cpp
//


#include "core/http/RequestTarget.h"
#include "core/http/HostName.h"
#include "Poco/String.h"
#include <cctype>
#include <cstring>


namespace Nash {


namespace {


bool isPathOrQueryChar(char c)
	/// pchar, '/' and '?' (RFC 3986), '%' checked separately.
{
	unsigned char u = static_cast<unsigned char>(c);
	if (std::isalnum(u)) return true;
	return c != 0 && std::strchr("-._~!$&'()*+,;=:@/?", c) != nullptr;
}


bool isPathAndQuery(const std::string& text, std::string::size_type from)
{
	for (std::string::size_type i = from; i < text.size(); ++i)
	{
		char c = text[i];
		if (c == '%')
		{
			if (i + 2 >= text.size() || !std::isxdigit(static_cast<unsigned char>(text[i + 1])) ||
			    !std::isxdigit(static_cast<unsigned char>(text[i + 2])))
				return false;
			i += 2;
		}
		else if (!isPathOrQueryChar(c)) return false;
	}
	return true;
}


std::string::size_type schemeLength(const std::string& target)
{
	for (const char* scheme: {"http://", "https://"})
	{
		std::size_t n = std::strlen(scheme);
		if (target.size() >= n && Poco::icompare(target.substr(0, n), scheme) == 0) return n;
	}
	return 0;
}


} // namespace


bool RequestTarget::isAbsolute(const std::string& target)
{
	return schemeLength(target) > 0;
}


std::string RequestTarget::authority(const std::string& target)
{
	std::string::size_type start = schemeLength(target);
	if (start == 0) return std::string();
	std::string::size_type end = target.find_first_of("/?", start);
	return target.substr(start, end == std::string::npos ? std::string::npos : end - start);
}


std::string RequestTarget::problem(const std::string& method, const std::string& target)
{
	if (target == "*")
		return method == "OPTIONS" ? std::string() : "The request-target '*' is only allowed with OPTIONS";
	if (target.find('#') != std::string::npos)
		return "The request-target must not contain a fragment ('#')";
	if (!target.empty() && target[0] == '/')
		return isPathAndQuery(target, 0) ? std::string() : "The request-target has characters that must be percent-encoded, or a malformed '%' escape";
	if (isAbsolute(target))
	{
		std::string host = authority(target);
		if (host.find('@') != std::string::npos) return "The request-target must not carry user information";
		if (host.empty() || !HostName::isValidField(host)) return "The request-target's host is not valid";
		std::string::size_type rest = schemeLength(target) + host.size();
		if (rest < target.size() && target[rest] != '/' && target[rest] != '?') return "The request-target is not a valid absolute URI";
		return isPathAndQuery(target, rest) ? std::string() : "The request-target has characters that must be percent-encoded, or a malformed '%' escape";
	}
	return "The request-target must be a path beginning with '/'";
}


} // namespace Nash
