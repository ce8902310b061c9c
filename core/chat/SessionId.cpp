//
// SessionId.cpp
//


#include "core/chat/SessionId.h"
#include "core/http/HttpError.h"
#include "Poco/UUIDGenerator.h"


namespace Nash {


bool SessionId::isValid(const std::string& id)
{
	if (id.empty() || id.size() > 128) return false;
	for (char c: id)
	{
		bool allowed = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
			c == '.' || c == '_' || c == ':' || c == '-';
		if (!allowed) return false;
	}
	return true;
}


std::string SessionId::generate()
{
	return Poco::UUIDGenerator::defaultGenerator().createRandom().toString();
}


std::string SessionId::fromRequest(const Poco::Dynamic::Var& value)
{
	if (value.isEmpty()) return generate();
	if (!value.isString())
		throw HttpError::badRequest("Field 'session_id' must be a string or null");
	std::string id = value.extract<std::string>();
	if (id.empty()) return generate();
	if (!isValid(id))
		throw HttpError::badRequest("Field 'session_id' is not a valid session id: it must be 1 to 128 characters of A-Z, a-z, 0-9, '.', '_', ':' or '-'");
	return id;
}


} // namespace Nash
