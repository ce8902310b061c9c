//
// JsonFields.cpp
//


#include "NashUpstream/JsonFields.h"
#include "Poco/JSON/Parser.h"


namespace NashUpstream {


std::string JsonFields::string(const Poco::JSON::Object::Ptr& object, const std::string& key)
{
	if (object.isNull() || !object->has(key)) return std::string();
	Poco::Dynamic::Var value = object->get(key);
	return value.isString() ? value.extract<std::string>() : std::string();
}


Poco::Nullable<long long> JsonFields::integer(const Poco::JSON::Object::Ptr& object, const std::string& key)
{
	Poco::Nullable<long long> result;
	if (object.isNull() || !object->has(key)) return result;
	Poco::Dynamic::Var value = object->get(key);
	// Poco counts a boolean as an integer; JSON does not.
	if (value.isInteger() && !value.isBoolean()) result = value.convert<long long>();
	return result;
}


Poco::JSON::Object::Ptr JsonFields::parseObject(const std::string& text)
{
	try
	{
		Poco::JSON::Parser parser;
		Poco::Dynamic::Var parsed = parser.parse(text);
		if (parsed.type() == typeid(Poco::JSON::Object::Ptr)) return parsed.extract<Poco::JSON::Object::Ptr>();
	}
	catch (Poco::Exception&)
	{
		// Not JSON at all: no object either.
	}
	return nullptr;
}


} // namespace NashUpstream
