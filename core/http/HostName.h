//
// HostName.h
//


#ifndef Nash_HostName_INCLUDED
#define Nash_HostName_INCLUDED


#include <string>


namespace Nash {


class HostName
	/// The host of a Host header field or of an absolute request-target:
	/// its syntax (RFC 9110 uri-host with an optional port) and whether it
	/// names this machine's loopback interface.
{
public:
	static bool isValidField(const std::string& value);
		/// A reg-name, an IPv4 address or a bracketed IPv6 address, then
		/// optionally ":" and a port number up to 65535. Empty is valid
		/// (RFC 9112 sends an empty Host for a target without authority),
		/// though not to this server (see RequestParser).

	static std::string name(const std::string& value);
		/// The host of value without its port, lower case, an IPv6 address
		/// without its brackets.

	static bool isLoopback(const std::string& name);
		/// True for exactly: "localhost", a name ending in ".localhost",
		/// an IPv4 address in 127.0.0.0/8 written as four decimal octets,
		/// and the IPv6 loopback address. A name that merely begins with
		/// "127." is no address (it could be 127.attacker.example).

	static bool isIpv4(const std::string& name);
		/// Four decimal octets without leading zeros.
};


} // namespace Nash


#endif // Nash_HostName_INCLUDED
