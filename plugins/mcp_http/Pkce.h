//
// Pkce.h
//
// Proof Key for Code Exchange (RFC 7636) and the random strings OAuth needs.
//


#ifndef Nash_Pkce_INCLUDED
#define Nash_Pkce_INCLUDED


#include <string>


namespace Nash {


class Pkce
	/// Only S256: MCP requires it whenever the client can compute it.
{
public:
	static std::string newVerifier();
		/// 32 random bytes, base64url: 43 characters of the unreserved set.

	static std::string challenge(const std::string& verifier);
		/// BASE64URL(SHA256(verifier)) without padding.

	static std::string randomToken(std::size_t bytes);
		/// Base64url of bytes from the system's cryptographic source, for
		/// state values and JWT ids.

	static std::string base64Url(const std::string& data);
		/// Without padding.
};


} // namespace Nash


#endif // Nash_Pkce_INCLUDED
