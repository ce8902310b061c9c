//
// JsonText.h
//


#ifndef Nash_JsonText_INCLUDED
#define Nash_JsonText_INCLUDED


#include "Poco/Dynamic/Var.h"
#include "Poco/JSON/Array.h"
#include "Poco/JSON/Object.h"
#include <string>


namespace Nash {


class JsonText
	/// Writes JSON the way the original server's clients saw it: one line,
	/// ", " between members and ": " after keys (Python's json.dumps
	/// layout), object members in insertion order, UTF-8 kept as it is.
	/// Invalid UTF-8 is replaced by U+FFFD, so the output is always valid JSON.
{
public:
	static std::string quote(const std::string& text);
		/// A JSON string literal for text, quotes included.

	static void appendQuoted(std::string& out, const std::string& text);
		/// Appends quote(text) to out without a temporary.

	static std::string write(const Poco::Dynamic::Var& value);
		/// value as JSON text. Objects and arrays may be Poco::JSON ones
		/// (Ptr or value) or Dynamic structs and vectors.

	static void append(std::string& out, const Poco::Dynamic::Var& value);

	static Poco::JSON::Object::Ptr object();
		/// A new object that keeps its members in insertion order.

	static Poco::JSON::Object::Ptr parseObject(const std::string& text);
		/// Parses text that must be one JSON object, keeping member order.
		/// Throws Poco::JSON::JSONException (or SyntaxException) when it is
		/// not valid JSON, Poco::InvalidArgumentException when it is valid
		/// JSON but not an object.
};


} // namespace Nash


#endif // Nash_JsonText_INCLUDED
