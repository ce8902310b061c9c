//
// HttpTransportSettings.cpp
//


#include "HttpTransportSettings.h"
#include "Poco/Exception.h"
#include "Poco/NumberParser.h"
#include "Poco/String.h"
#include <cmath>


namespace Nash {


namespace {


std::chrono::milliseconds secondsKey(const Poco::Util::AbstractConfiguration& section, const std::string& serverName,
	const std::string& key, std::chrono::milliseconds defaultValue)
{
	if (!section.has(key)) return defaultValue;
	double seconds = 0;
	try
	{
		seconds = section.getDouble(key);
	}
	catch (Poco::Exception&)
	{
	}
	if (!(seconds > 0) || seconds > 86400)
		throw Poco::InvalidArgumentException("MCP server '" + serverName + "': key '" + key + "' must be a positive number of seconds");
	return std::chrono::milliseconds(static_cast<long long>(std::llround(seconds * 1000)));
}


bool boolKey(const Poco::Util::AbstractConfiguration& section, const std::string& serverName, const std::string& key, bool defaultValue)
{
	try
	{
		return section.getBool(key, defaultValue);
	}
	catch (Poco::Exception&)
	{
		throw Poco::InvalidArgumentException("MCP server '" + serverName + "': key '" + key + "' must be true or false");
	}
}


} // namespace


HttpTransportSettings HttpTransportSettings::read(const std::string& serverName, const Poco::Util::AbstractConfiguration& section)
{
	HttpTransportSettings settings;
	settings.serverName = serverName;
	settings.legacyOnly = boolKey(section, serverName, "legacy_sse", false);
	std::string url = Poco::trim(section.getRawString("url", ""));
	if (url.empty()) throw Poco::InvalidArgumentException("MCP server '" + serverName + "': key 'url' is required for the http transport");
	try
	{
		settings.uri = Poco::URI(url);
	}
	catch (Poco::Exception&)
	{
		// Not Poco's reason: it quotes the part it could not parse, which
		// may be the password.
		throw Poco::InvalidArgumentException("MCP server '" + serverName + "': key 'url' is not a URL");
	}
	std::string scheme = Poco::toLower(settings.uri.getScheme());
	if (scheme != "http" && scheme != "https")
		throw Poco::InvalidArgumentException("MCP server '" + serverName + "': key 'url' must be http:// or https://");
#ifndef NASH_MCP_HTTP_TLS
	if (scheme == "https")
		throw Poco::NotImplementedException("MCP server '" + serverName + "': key 'url' is https://, but this build has no TLS (Poco NetSSL)");
#endif
	if (settings.uri.getHost().empty()) throw Poco::InvalidArgumentException("MCP server '" + serverName + "': key 'url' names no host");

	Poco::Util::AbstractConfiguration::Keys names;
	section.keys("headers", names);
	for (const auto& name: names) settings.headers[name] = section.getRawString("headers." + name);
	settings.connectTimeout = secondsKey(section, serverName, "connect_timeout", settings.connectTimeout);
	settings.readTimeout = secondsKey(section, serverName, "read_timeout", settings.readTimeout);
	settings.tlsVerify = boolKey(section, serverName, "tls_verify", true);
	if (section.has("max_message_size"))
	{
		Poco::UInt64 size = 0;
		if (!Poco::NumberParser::tryParseUnsigned64(Poco::trim(section.getRawString("max_message_size")), size) || size < 1024)
			throw Poco::InvalidArgumentException("MCP server '" + serverName + "': key 'max_message_size' must be a number of bytes of at least 1024");
		settings.maxMessageSize = static_cast<std::size_t>(size);
	}
	settings.oauth = OAuthSettings::read(serverName, section);
	return settings;
}


std::string HttpTransportSettings::path() const
{
	return uri.getPathEtc().empty() ? "/" : uri.getPathEtc();
}


std::string HttpTransportSettings::endpoint() const
{
	return uri.getScheme() + "://" + uri.getHost() + ":" + std::to_string(uri.getPort()) + uri.getPath();
}


} // namespace Nash
