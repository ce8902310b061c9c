//
// ClientAssertion.cpp
//


#include "ClientAssertion.h"
#include "Pkce.h"
#include "Poco/Crypto/ECKey.h"
#include "Poco/Crypto/EVPPKey.h"
#include "Poco/Crypto/RSAKey.h"
#include "Poco/JWT/Signer.h"
#include "Poco/JWT/Token.h"
#include "Poco/Timestamp.h"
#include <sstream>


namespace Nash {


const std::string ClientAssertion::TYPE = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";


std::string ClientAssertion::create(const std::string& clientId, const std::string& audience,
	const std::string& privateKeyPem, const std::string& algorithm)
{
	std::istringstream keyStream(privateKeyPem);
	Poco::Crypto::EVPPKey key(nullptr, &keyStream);

	Poco::JWT::Token token;
	token.setType("JWT");
	token.setIssuer(clientId);
	token.setSubject(clientId);
	token.setAudience(audience);
	Poco::Timestamp now;
	token.setIssuedAt(now);
	token.setExpiration(now + Poco::Timespan(300, 0));
	token.setId(Pkce::randomToken(16));

	if (algorithm.compare(0, 2, "ES") == 0)
	{
		Poco::JWT::Signer signer(Poco::SharedPtr<Poco::Crypto::ECKey>(new Poco::Crypto::ECKey(key)));
		return signer.sign(token, algorithm);
	}
	Poco::JWT::Signer signer(Poco::SharedPtr<Poco::Crypto::RSAKey>(new Poco::Crypto::RSAKey(key)));
	return signer.sign(token, algorithm);
}


} // namespace Nash
