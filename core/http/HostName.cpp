//
// HostName.cpp
//


#include "core/http/HostName.h"
#include "Poco/Net/IPAddress.h"
#include "Poco/String.h"
#include <cctype>
#include <cstring>


namespace Nash {


namespace {


bool isHex(char c)
{
	return std::isxdigit(static_cast<unsigned char>(c)) != 0;
}


bool isRegNameChar(char c)
{
	unsigned char u = static_cast<unsigned char>(c);
	if (std::isalnum(u)) return true;
	return c != 0 && std::strchr("-._~!$&'()*+,;=", c) != nullptr;
}


bool isRegName(const std::string& text)
{
	for (std::size_t i = 0; i < text.size(); ++i)
	{
		if (text[i] == '%')
		{
			if (i + 2 >= text.size() || !isHex(text[i + 1]) || !isHex(text[i + 2])) return false;
			i += 2;
		}
		else if (!isRegNameChar(text[i])) return false;
	}
	return true;
}


bool isPort(const std::string& text)
{
	// Empty is allowed (RFC 3986: port = *DIGIT); a number past 65535 names
	// no port.
	if (text.size() > 5) return false;
	long value = 0;
	for (char c: text)
	{
		if (!std::isdigit(static_cast<unsigned char>(c))) return false;
		value = value * 10 + (c - '0');
	}
	return value <= 65535;
}


bool splitHostPort(const std::string& value, std::string& host, std::string& port)
	/// False when value cannot be split (an unclosed bracket).
{
	if (!value.empty() && value[0] == '[')
	{
		auto close = value.find(']');
		if (close == std::string::npos) return false;
		host = value.substr(0, close + 1);
		std::string rest = value.substr(close + 1);
		if (rest.empty()) port.clear();
		else if (rest[0] == ':') port = rest.substr(1);
		else return false;
		return true;
	}
	auto colon = value.find(':');
	if (colon == std::string::npos)
	{
		host = value;
		port.clear();
	}
	else
	{
		host = value.substr(0, colon);
		port = value.substr(colon + 1);
	}
	return true;
}


} // namespace


bool HostName::isValidField(const std::string& value)
{
	if (value.empty()) return true;
	std::string host;
	std::string port;
	if (!splitHostPort(value, host, port) || !isPort(port)) return false;
	if (host.empty()) return false;
	if (host[0] == '[')
	{
		Poco::Net::IPAddress address;
		return Poco::Net::IPAddress::tryParse(host.substr(1, host.size() - 2), address) &&
			address.family() == Poco::Net::IPAddress::IPv6;
	}
	return isRegName(host);
}


std::string HostName::name(const std::string& value)
{
	std::string host;
	std::string port;
	if (!splitHostPort(Poco::trim(value), host, port)) return Poco::toLower(value);
	if (host.size() >= 2 && host[0] == '[') host = host.substr(1, host.size() - 2);
	return Poco::toLower(host);
}


bool HostName::isIpv4(const std::string& name)
{
	int octets = 0;
	std::size_t i = 0;
	while (i < name.size())
	{
		std::size_t start = i;
		int value = 0;
		while (i < name.size() && std::isdigit(static_cast<unsigned char>(name[i])))
		{
			value = value * 10 + (name[i] - '0');
			if (value > 255) return false;
			++i;
		}
		std::size_t digits = i - start;
		if (digits == 0 || (digits > 1 && name[start] == '0')) return false;
		++octets;
		if (i == name.size()) break;
		if (name[i] != '.' || octets == 4) return false;
		++i;
		if (i == name.size()) return false;
	}
	return octets == 4;
}


bool HostName::isLoopback(const std::string& name)
{
	std::string host = Poco::toLower(name);
	if (host == "localhost") return true;
	const std::string suffix = ".localhost";
	if (host.size() > suffix.size() && host.compare(host.size() - suffix.size(), suffix.size(), suffix) == 0 &&
	    isRegName(host))
		return true;
	if (isIpv4(host)) return host.compare(0, 4, "127.") == 0;
	Poco::Net::IPAddress address;
	if (host.find(':') != std::string::npos && Poco::Net::IPAddress::tryParse(host, address))
		return address.family() == Poco::Net::IPAddress::IPv6 && address.isLoopback();
	return false;
}


} // namespace Nash
