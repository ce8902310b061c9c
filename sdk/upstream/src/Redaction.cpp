//
// Redaction.cpp
//


#include "NashUpstream/Redaction.h"
#include <algorithm>
#include <cctype>


namespace NashUpstream {


namespace {


// Internal: this library is linked into the server and into each plugin, and
// a global of the same name in both would be one definition twice.
const char* const mask = "***";
const char* const secretMask = "[redacted]";
const std::size_t secretMaskLength = 10;


} // namespace


namespace {


bool endsUrl(char c)
	/// Where a URL inside a message ends. Not at ')' or ',': a password may
	/// hold them, and hiding one character of punctuation too many is the
	/// better mistake.
{
	unsigned char u = static_cast<unsigned char>(c);
	return u <= 0x20 || u == 0x7F || c == '"' || c == '\'' || c == '<' || c == '>' || c == '`';
}


bool endsWith(const std::string& text, const std::string& suffix)
{
	return text.size() >= suffix.size() && text.compare(text.size() - suffix.size(), suffix.size(), suffix) == 0;
}


int hexValue(char c)
{
	if (c >= '0' && c <= '9') return c - '0';
	if (c >= 'a' && c <= 'f') return c - 'a' + 10;
	if (c >= 'A' && c <= 'F') return c - 'A' + 10;
	return -1;
}


std::string percentDecoded(const std::string& name)
	/// A parameter's name as the server reads it: "api%5Fkey" is api_key.
{
	std::string result;
	result.reserve(name.size());
	for (std::size_t i = 0; i < name.size(); ++i)
	{
		if (name[i] == '%' && i + 2 < name.size() && hexValue(name[i + 1]) >= 0 && hexValue(name[i + 2]) >= 0)
		{
			result += static_cast<char>(hexValue(name[i + 1]) * 16 + hexValue(name[i + 2]));
			i += 2;
		}
		else
		{
			result += name[i];
		}
	}
	return result;
}


} // namespace


bool Redaction::isCredentialName(const std::string& name)
{
	std::string normal;
	normal.reserve(name.size());
	for (char c: name) normal += c == '-' ? '_' : static_cast<char>(std::tolower(static_cast<unsigned char>(c)));

	static const char* const whole[] = {
		"sig", "pass", "pwd", "auth", "authorization", "code", "session", "sid"};
	for (const char* word: whole)
	{
		if (normal == word) return true;
	}
	// The names APIs give credentials end in these: api_key, apikey,
	// access_token, client_secret, x_amz_signature, jsessionid ...
	static const char* const endings[] = {
		"key", "token", "secret", "password", "passwd", "signature", "_sig", "credential", "credentials",
		"sessionid", "session_id"};
	for (const char* ending: endings)
	{
		if (endsWith(normal, ending)) return true;
	}
	return false;
}


std::string Redaction::parameters(const std::string& list)
{
	std::string result;
	std::size_t begin = 0;
	for (;;)
	{
		std::size_t end = list.find_first_of("&;", begin);
		std::string parameter = list.substr(begin, end == std::string::npos ? std::string::npos : end - begin);
		std::size_t equals = parameter.find('=');
		// Another URL may ride in a value (redirect_uri=http://user:pw@...).
		if (equals != std::string::npos && equals > 0 && equals + 1 < parameter.size() && isCredentialName(percentDecoded(parameter.substr(0, equals))))
			result += parameter.substr(0, equals + 1) + std::string(mask);
		else
			result += text(parameter);
		if (end == std::string::npos) break;
		result += list[end];
		begin = end + 1;
	}
	return result;
}


std::string Redaction::afterScheme(const std::string& rest)
	/// rest is what follows "://": authority, path, query and fragment.
{
	std::size_t authorityEnd = rest.find_first_of("/?#");
	std::string authority = rest.substr(0, authorityEnd);
	// The last '@': an unencoded '@' in a password is not valid, but where
	// one is, everything before the host is hidden all the same.
	std::size_t at = authority.rfind('@');
	std::string result = at == std::string::npos ? authority : std::string(mask) + authority.substr(at);
	if (authorityEnd == std::string::npos) return result;

	std::string tail = rest.substr(authorityEnd);
	std::size_t fragment = tail.find('#');
	std::size_t query = tail.find('?');
	if (query != std::string::npos && fragment != std::string::npos && query > fragment) query = std::string::npos;
	std::size_t pathEnd = std::min(query, fragment);
	// A path may hold another URL (proxies, archives: /get/http://user:pw@host/).
	result += text(tail.substr(0, pathEnd));
	if (query != std::string::npos)
	{
		std::size_t queryEnd = fragment == std::string::npos ? tail.size() : fragment;
		result += '?' + parameters(tail.substr(query + 1, queryEnd - query - 1));
	}
	// A fragment may carry credentials too (OAuth's implicit grant puts
	// access_token there).
	if (fragment != std::string::npos) result += '#' + parameters(tail.substr(fragment + 1));
	return result;
}


std::string Redaction::url(const std::string& url)
{
	std::size_t separator = url.find("://");
	if (separator == std::string::npos) return afterScheme(url);
	return url.substr(0, separator + 3) + afterScheme(url.substr(separator + 3));
}


std::string Redaction::text(const std::string& text)
{
	std::string result;
	std::size_t copied = 0;
	std::size_t separator = 0;
	while ((separator = text.find("://", copied)) != std::string::npos)
	{
		std::size_t begin = separator + 3;
		std::size_t end = begin;
		while (end < text.size() && !endsUrl(text[end])) ++end;
		result.append(text, copied, begin - copied);
		result += afterScheme(text.substr(begin, end - begin));
		copied = end;
	}
	result.append(text, copied, std::string::npos);
	return result;
}


std::string Redaction::text(const std::string& text, const std::vector<std::string>& secrets)
{
	std::string result = text;
	for (const auto& secret: secrets)
	{
		if (secret.size() < 4) continue;
		std::size_t at = 0;
		while ((at = result.find(secret, at)) != std::string::npos)
		{
			result.replace(at, secret.size(), secretMask);
			at += secretMaskLength;
		}
	}
	return Redaction::text(result);
}


} // namespace NashUpstream
