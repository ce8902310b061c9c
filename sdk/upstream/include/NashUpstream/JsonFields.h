//
// JsonFields.h
//


#ifndef NashUpstream_JsonFields_INCLUDED
#define NashUpstream_JsonFields_INCLUDED


#include "Poco/JSON/Object.h"
#include "Poco/Nullable.h"
#include <string>


namespace NashUpstream {


class JsonFields
	/// Typed reads of the fields of a provider's JSON. A provider may leave a
	/// field out, send null or send another type than documented; all of these
	/// read as absent, so that a translation never throws Poco's BadCastException
	/// at a client instead of a message.
{
public:
	static std::string string(const Poco::JSON::Object::Ptr& object, const std::string& key);
		/// The string value of key; empty when object is null or the value is
		/// not a string.

	static Poco::Nullable<long long> integer(const Poco::JSON::Object::Ptr& object, const std::string& key);
		/// The integer value of key; null when object is null or the value is
		/// not an integer.

	static Poco::JSON::Object::Ptr parseObject(const std::string& text);
		/// The JSON object text holds; null when text is not one. For JSON
		/// carried inside JSON, such as the arguments of an OpenAI tool call,
		/// which other providers want as an object.
};


} // namespace NashUpstream


#endif // NashUpstream_JsonFields_INCLUDED
