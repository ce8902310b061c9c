//
// WwwAuthenticate.cpp
//


#include "WwwAuthenticate.h"
#include "Poco/String.h"
#include <cctype>


namespace Nash {


namespace {


bool isTokenChar(char c)
{
	return std::isalnum(static_cast<unsigned char>(c)) || std::string("!#$%&'*+-.^_`|~/=").find(c) != std::string::npos;
}


void skipSpace(const std::string& text, std::size_t& pos)
{
	while (pos < text.size() && (text[pos] == ' ' || text[pos] == '\t')) ++pos;
}


std::string readToken(const std::string& text, std::size_t& pos)
{
	std::size_t start = pos;
	while (pos < text.size() && isTokenChar(text[pos]) && text[pos] != '=') ++pos;
	return text.substr(start, pos - start);
}


std::string readValue(const std::string& text, std::size_t& pos)
{
	std::string value;
	if (pos < text.size() && text[pos] == '"')
	{
		++pos;
		while (pos < text.size() && text[pos] != '"')
		{
			if (text[pos] == '\\' && pos + 1 < text.size()) ++pos;
			value += text[pos++];
		}
		if (pos < text.size()) ++pos;
		return value;
	}
	// token68 values (and sloppy servers) may end in '='.
	while (pos < text.size() && text[pos] != ',' && text[pos] != ' ' && text[pos] != '\t') value += text[pos++];
	return value;
}


} // namespace


WwwAuthenticate::WwwAuthenticate()
{
}


WwwAuthenticate WwwAuthenticate::parse(const std::string& header)
	/// Grammar of RFC 9110 section 11.6.1: challenges separated by commas,
	/// each a scheme followed by comma-separated auth-params. A token that is
	/// not followed by '=' starts the next challenge.
{
	WwwAuthenticate result;
	std::string scheme;
	std::size_t pos = 0;
	while (pos < header.size())
	{
		skipSpace(header, pos);
		if (pos < header.size() && header[pos] == ',')
		{
			++pos;
			continue;
		}
		std::string token = readToken(header, pos);
		if (token.empty())
		{
			++pos; // a character no grammar allows here
			continue;
		}
		std::size_t afterToken = pos;
		skipSpace(header, pos);
		if (pos < header.size() && header[pos] == '=' && !scheme.empty())
		{
			++pos;
			skipSpace(header, pos);
			std::string value = readValue(header, pos);
			if (scheme == "bearer") result._params[Poco::toLower(token)] = value;
			continue;
		}
		pos = afterToken;
		scheme = Poco::toLower(token);
		if (scheme == "bearer") result._bearer = true;
		skipSpace(header, pos);
		// A token68 credential after the scheme (no '=' after a name).
		if (pos < header.size() && header[pos] != ',')
		{
			std::size_t probe = pos;
			std::string next = readToken(header, probe);
			skipSpace(header, probe);
			if (next.empty() || probe >= header.size() || header[probe] != '=') readValue(header, pos);
		}
	}
	return result;
}


bool WwwAuthenticate::isBearer() const
{
	return _bearer;
}


std::string WwwAuthenticate::param(const std::string& name) const
{
	auto it = _params.find(Poco::toLower(name));
	return it == _params.end() ? std::string() : it->second;
}


std::string WwwAuthenticate::error() const
{
	return param("error");
}


std::string WwwAuthenticate::scope() const
{
	return param("scope");
}


std::string WwwAuthenticate::resourceMetadata() const
{
	return param("resource_metadata");
}


bool WwwAuthenticate::insufficientScope() const
{
	return error() == "insufficient_scope";
}


} // namespace Nash
