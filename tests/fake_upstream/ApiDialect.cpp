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


void ApiDialect::addAnswerHeaders(const Poco::Net::HTTPRequest&, const Poco::Timestamp&, Poco::Net::NameValueCollection&) const
{
}


bool ApiDialect::runsScripts() const
{
	return false;
}


std::string ApiDialect::scriptProblem(const Poco::JSON::Object&) const
{
	return std::string();
}


ToolHistory ApiDialect::toolHistory(const Poco::JSON::Object&) const
{
	return ToolHistory();
}


std::string ApiDialect::toolIdPrefix() const
{
	return std::string();
}


void ApiDialect::appendScriptedAnswer(std::string&, const Exchange&, const ScriptedTurn&) const
{
}


void ApiDialect::appendScriptedEvents(std::vector<std::string>&, const Exchange&, const ScriptedTurn&) const
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
		if (message && message->optValue<std::string>("role", "") == "user") return contentText(message->get("content"));
	}
	return std::string();
}


std::string ApiDialect::firstUserText(const Poco::JSON::Object& body)
{
	Poco::JSON::Array::Ptr messages = body.getArray("messages");
	if (!messages) return std::string();
	for (std::size_t i = 0; i < messages->size(); ++i)
	{
		Poco::JSON::Object::Ptr message = messages->getObject(static_cast<unsigned>(i));
		if (message && message->optValue<std::string>("role", "") == "user") return contentText(message->get("content"));
	}
	return std::string();
}


std::string ApiDialect::contentText(const Poco::Dynamic::Var& content)
{
	if (content.isString()) return content.extract<std::string>();
	if (content.type() != typeid(Poco::JSON::Array::Ptr)) return std::string();
	Poco::JSON::Array::Ptr parts = content.extract<Poco::JSON::Array::Ptr>();
	std::string text;
	for (std::size_t j = 0; parts && j < parts->size(); ++j)
	{
		Poco::JSON::Object::Ptr part = parts->getObject(static_cast<unsigned>(j));
		if (part && part->optValue<std::string>("type", "") == "text") text += part->optValue<std::string>("text", "");
	}
	return text;
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
