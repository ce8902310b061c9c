//
// ApiDialect.cpp
//


#include "ApiDialect.h"
#include "Poco/JSON/Array.h"


namespace FakeUpstream {


const std::string ApiDialect::toolName("get_weather");
const std::string ApiDialect::toolArgumentsStart("{\"city\":");
const std::string ApiDialect::toolArgumentsEnd(" \"Paris\"}");


namespace {


bool isSpace(char c)
{
	return c == ' ' || c == '\n' || c == '\t' || c == '\r';
}


} // namespace


ApiDialect::~ApiDialect()
{
}


bool ApiDialect::streamRequested(const Poco::JSON::Object& body) const
{
	return body.optValue<bool>("stream", false);
}


std::string ApiDialect::lastUserText(const Poco::JSON::Object& body)
{
	Poco::JSON::Array::Ptr messages = body.getArray("messages");
	if (!messages) return std::string();
	for (std::size_t i = messages->size(); i-- > 0;)
	{
		Poco::JSON::Object::Ptr message = messages->getObject(static_cast<unsigned>(i));
		if (!message || message->optValue<std::string>("role", "") != "user") continue;
		Poco::Dynamic::Var content = message->get("content");
		if (content.isString()) return content.extract<std::string>();
		Poco::JSON::Array::Ptr parts = message->getArray("content");
		if (!parts) return std::string();
		std::string text;
		for (std::size_t j = 0; j < parts->size(); ++j)
		{
			Poco::JSON::Object::Ptr part = parts->getObject(static_cast<unsigned>(j));
			if (part && part->optValue<std::string>("type", "") == "text") text += part->optValue<std::string>("text", "");
		}
		return text;
	}
	return std::string();
}


std::vector<std::string> ApiDialect::splitWords(const std::string& text)
{
	std::vector<std::string> pieces;
	std::string::size_type pos = 0;
	while (pos < text.size())
	{
		std::string::size_type end = pos;
		while (end < text.size() && isSpace(text[end])) ++end;
		while (end < text.size() && !isSpace(text[end])) ++end;
		pieces.push_back(text.substr(pos, end - pos));
		pos = end;
	}
	return pieces;
}


int ApiDialect::countWords(const std::string& text)
{
	int count = 0;
	bool inWord = false;
	for (char c: text)
	{
		if (isSpace(c)) inWord = false;
		else if (!inWord)
		{
			inWord = true;
			++count;
		}
	}
	return count;
}


} // namespace FakeUpstream
