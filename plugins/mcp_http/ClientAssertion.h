//
// ClientAssertion.h
//
// private_key_jwt client authentication (RFC 7523 section 2.2).
//


#ifndef Nash_ClientAssertion_INCLUDED
#define Nash_ClientAssertion_INCLUDED


#include <string>


namespace Nash {


class ClientAssertion
{
public:
	static const std::string TYPE;
		/// urn:ietf:params:oauth:client-assertion-type:jwt-bearer

	static std::string create(const std::string& clientId, const std::string& audience,
		const std::string& privateKeyPem, const std::string& algorithm);
		/// A JWT signed with the PEM key (PKCS#8, or the traditional RSA/EC
		/// forms): iss and sub the client_id, aud the authorization server's
		/// issuer, a random jti, valid for 5 minutes. Throws a Poco exception
		/// when the key does not fit the algorithm.
};


} // namespace Nash


#endif // Nash_ClientAssertion_INCLUDED
