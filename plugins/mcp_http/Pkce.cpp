//
// Pkce.cpp
//


#include "Pkce.h"
#include "Poco/Base64Encoder.h"
#include "Poco/RandomStream.h"
#include "Poco/SHA2Engine.h"
#include <sstream>
#include <vector>


namespace Nash {


std::string Pkce::base64Url(const std::string& data)
{
	std::ostringstream out;
	Poco::Base64Encoder encoder(out, Poco::BASE64_URL_ENCODING | Poco::BASE64_NO_PADDING);
	encoder.rdbuf()->setLineLength(0);
	encoder.write(data.data(), static_cast<std::streamsize>(data.size()));
	encoder.close();
	return out.str();
}


std::string Pkce::randomToken(std::size_t bytes)
{
	// Poco::RandomInputStream reads the operating system's CSPRNG
	// (/dev/urandom, getrandom) where it has one.
	std::vector<char> buffer(bytes);
	Poco::RandomInputStream random;
	random.read(buffer.data(), static_cast<std::streamsize>(buffer.size()));
	return base64Url(std::string(buffer.data(), buffer.size()));
}


std::string Pkce::newVerifier()
{
	return randomToken(32);
}


std::string Pkce::challenge(const std::string& verifier)
{
	Poco::SHA2Engine engine(Poco::SHA2Engine::SHA_256);
	engine.update(verifier);
	const Poco::DigestEngine::Digest& digest = engine.digest();
	return base64Url(std::string(digest.begin(), digest.end()));
}


} // namespace Nash
