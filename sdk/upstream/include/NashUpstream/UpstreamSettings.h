//
// UpstreamSettings.h
//


#ifndef NashUpstream_UpstreamSettings_INCLUDED
#define NashUpstream_UpstreamSettings_INCLUDED


#include "Poco/Timespan.h"
#include "Poco/URI.h"
#include "Poco/Util/AbstractConfiguration.h"
#include <cstddef>
#include <string>
#include <utility>
#include <vector>


namespace NashUpstream {


using HeaderList = std::vector<std::pair<std::string, std::string>>;


struct UpstreamSettings
	/// How a backend reaches its upstream HTTP API. Read from the backend's
	/// configuration section with read(); each key documented there.
{
	Poco::URI baseUri;
	HeaderList headers;
		/// Sent with every request (authentication included).
	Poco::Timespan connectTimeout = Poco::Timespan(10, 0);
	Poco::Timespan firstByteTimeout = Poco::Timespan(120, 0);
	Poco::Timespan idleTimeout = Poco::Timespan(120, 0);
	int maxRetries = 2;
	Poco::Timespan retryBaseDelay = Poco::Timespan(0, 500000);
	Poco::Timespan maxRetryDelay = Poco::Timespan(30, 0);
	bool verifyTls = true;
	std::string caFile;
	std::size_t maxLineBytes = 16 * 1024 * 1024;
	std::size_t maxIdleConnections = 32;

	static UpstreamSettings read(const Poco::Util::AbstractConfiguration& section, const std::string& defaultBaseUrl);
		/// Reads base_url (default defaultBaseUrl), connect_timeout_ms,
		/// first_byte_timeout_ms, idle_timeout_ms, max_retries,
		/// retry_base_delay_ms, max_retry_delay_ms, tls_verify, ca_file,
		/// max_line_bytes, max_idle_connections and header.<Name> = value
		/// (extra headers). Throws Poco::InvalidArgumentException naming the
		/// key when a value is malformed.

	static long long readInteger(const Poco::Util::AbstractConfiguration& section, const std::string& key,
		long long defaultValue, long long minimum, long long maximum);
		/// A whole number from minimum to maximum, or defaultValue when key is
		/// absent; for a backend's own numeric keys, which are checked the
		/// same way. Throws Poco::InvalidArgumentException naming the key.
};


} // namespace NashUpstream


#endif // NashUpstream_UpstreamSettings_INCLUDED
