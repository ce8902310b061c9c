//
// UpstreamSettings.cpp
//


#include "NashUpstream/UpstreamSettings.h"
#include "NashUpstream/Redaction.h"
#include "Poco/Exception.h"
#include "Poco/NumberParser.h"
#include "Poco/String.h"


namespace NashUpstream {


namespace {


Poco::Timespan readMilliseconds(const Poco::Util::AbstractConfiguration& section, const std::string& key, const Poco::Timespan& defaultValue)
{
	long long ms = UpstreamSettings::readInteger(section, key, defaultValue.totalMilliseconds(), 1, 24LL * 3600 * 1000);
	return Poco::Timespan(ms * 1000);
}


} // namespace


long long UpstreamSettings::readInteger(const Poco::Util::AbstractConfiguration& section, const std::string& key,
	long long defaultValue, long long minimum, long long maximum)
{
	if (!section.hasProperty(key)) return defaultValue;
	std::string text = Poco::trim(section.getString(key));
	Poco::Int64 value = 0;
	if (!Poco::NumberParser::tryParse64(text, value) || value < minimum || value > maximum)
		throw Poco::InvalidArgumentException("'" + key + "' must be a whole number from " + std::to_string(minimum) + " to " + std::to_string(maximum) + ", not '" + text + "'");
	return value;
}


UpstreamSettings UpstreamSettings::read(const Poco::Util::AbstractConfiguration& section, const std::string& defaultBaseUrl)
{
	UpstreamSettings s;
	std::string base = Poco::trim(section.getString("base_url", defaultBaseUrl));
	try
	{
		s.baseUri = Poco::URI(base);
	}
	catch (Poco::Exception&)
	{
		// Neither the text nor Poco's reason, which quotes the part it could
		// not parse: where a URL cannot be parsed, neither can its password
		// be told from its host.
		throw Poco::InvalidArgumentException("'base_url' is not a URL");
	}
	// These messages reach /health and the log: the URL less its credentials.
	std::string shown = Redaction::url(base);
	if (s.baseUri.getScheme() != "http" && s.baseUri.getScheme() != "https")
		throw Poco::InvalidArgumentException("'base_url' must start with http:// or https://, not '" + shown + "'");
	if (s.baseUri.getHost().empty())
		throw Poco::InvalidArgumentException("'base_url' has no host: '" + shown + "'");
	s.connectTimeout = readMilliseconds(section, "connect_timeout_ms", s.connectTimeout);
	s.firstByteTimeout = readMilliseconds(section, "first_byte_timeout_ms", s.firstByteTimeout);
	s.idleTimeout = readMilliseconds(section, "idle_timeout_ms", s.idleTimeout);
	s.maxRetries = static_cast<int>(readInteger(section, "max_retries", s.maxRetries, 0, 20));
	s.retryBaseDelay = readMilliseconds(section, "retry_base_delay_ms", s.retryBaseDelay);
	s.maxRetryDelay = readMilliseconds(section, "max_retry_delay_ms", s.maxRetryDelay);
	s.maxLineBytes = static_cast<std::size_t>(readInteger(section, "max_line_bytes", static_cast<long long>(s.maxLineBytes), 1024, 1LL << 31));
	s.maxIdleConnections = static_cast<std::size_t>(readInteger(section, "max_idle_connections", static_cast<long long>(s.maxIdleConnections), 0, 100000));
	s.caFile = section.getString("ca_file", "");
	std::string verify = Poco::toLower(Poco::trim(section.getString("tls_verify", "true")));
	if (verify == "true" || verify == "yes" || verify == "on" || verify == "1") s.verifyTls = true;
	else if (verify == "false" || verify == "no" || verify == "off" || verify == "0") s.verifyTls = false;
	else throw Poco::InvalidArgumentException("'tls_verify' must be true or false, not '" + verify + "'");

	Poco::Util::AbstractConfiguration::Keys names;
	section.keys("header", names);
	for (const auto& name: names) s.headers.emplace_back(name, section.getString("header." + name));
	return s;
}


} // namespace NashUpstream
