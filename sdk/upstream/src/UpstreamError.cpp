//
// UpstreamError.cpp
//


#include "NashUpstream/UpstreamError.h"
#include "NashUpstream/Redaction.h"
#include "Poco/JSON/Object.h"
#include "Poco/JSON/Parser.h"
#include "Poco/String.h"


namespace NashUpstream {


std::string UpstreamError::messageOfBody(const std::string& body)
{
	try
	{
		Poco::JSON::Parser parser;
		Poco::Dynamic::Var parsed = parser.parse(body);
		Poco::JSON::Object::Ptr object = parsed.extract<Poco::JSON::Object::Ptr>();
		if (object->isObject("error"))
		{
			Poco::JSON::Object::Ptr error = object->getObject("error");
			if (error->has("message") && error->get("message").isString()) return error->getValue<std::string>("message");
		}
		for (const char* key: {"error", "message", "detail"})
		{
			if (object->has(key) && object->get(key).isString()) return object->getValue<std::string>(key);
		}
	}
	catch (...)
	{
		// Not JSON, or not the usual shape: the text itself is the best we have.
	}
	return snippet(Poco::trim(body));
}


std::string UpstreamError::describeStatus(const std::string& provider, int status, const std::string& reason, const std::string& body)
{
	std::string text = provider + " answered " + std::to_string(status);
	if (!reason.empty()) text += " " + reason;
	std::string message = messageOfBody(body);
	if (!message.empty()) text += ": " + message;
	return text;
}


std::string UpstreamError::redact(const std::string& text, const std::vector<std::string>& secrets)
{
	return Redaction::text(text, secrets);
}


std::string UpstreamError::snippet(const std::string& text, std::size_t maximum)
{
	if (text.size() <= maximum) return text;
	std::size_t cut = maximum;
	// Do not cut a UTF-8 sequence in two.
	while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) --cut;
	return text.substr(0, cut) + "...";
}


} // namespace NashUpstream
