//
// HttpTransportSettings.h
//
// The keys of an MCP server's section that the http transport reads.
//


#ifndef Nash_HttpTransportSettings_INCLUDED
#define Nash_HttpTransportSettings_INCLUDED


#include "OAuthSettings.h"
#include "Poco/URI.h"
#include "Poco/Util/AbstractConfiguration.h"
#include <chrono>
#include <cstddef>
#include <map>
#include <string>


namespace Nash {


class HttpTransportSettings
	/// Read once by HttpTransport::configure(); the parts of the transport
	/// take these values and never the configuration. The keys are listed
	/// at HttpTransport.
{
public:
	static HttpTransportSettings read(const std::string& serverName, const Poco::Util::AbstractConfiguration& section);
		/// Throws Poco::InvalidArgumentException naming a key that is
		/// missing or unusable, Poco::NotImplementedException for https://
		/// in a build without TLS.

	std::string serverName;
	Poco::URI uri;
	std::map<std::string, std::string> headers;
	std::chrono::milliseconds connectTimeout{10000};
	std::chrono::milliseconds readTimeout{600000};
	bool tlsVerify = true;
	std::size_t maxMessageSize = 64 * 1024 * 1024;
	bool legacyOnly = false;
	OAuthSettings oauth;

	std::string path() const;
		/// The request target: the URL's path and query, "/" for none.

	std::string endpoint() const;
		/// The URL for messages: without user information or query, which
		/// may hold credentials (the health report shows these messages).
};


} // namespace Nash


#endif // Nash_HttpTransportSettings_INCLUDED
