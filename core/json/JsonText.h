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
	/// layout), object members in insertion order, UTF-8 kept as it is
	/// (or, in the ASCII functions, escaped as Python's ensure_ascii does).
	/// The output is always valid JSON: invalid UTF-8 is replaced by U+FFFD,
	/// and a number that is not finite (NaN, an infinity), which JSON cannot
	/// hold, is written as null, as JavaScript's JSON.stringify writes it.
	/// (Python's json.dumps would write NaN or Infinity, which no strict
	/// parser reads; refusing the whole value would lose the rest of it.)
	///
	/// Nesting costs no stack: values nested any number of levels deep are
	/// written on threads with small stacks.
{
public:
	static std::string quote(const std::string& text);
		/// A JSON string literal for text, quotes included.

	static void appendQuoted(std::string& out, const std::string& text);
		/// Appends quote(text) to out without a temporary.

	static std::string write(const Poco::Dynamic::Var& value);
		/// value as JSON text. Objects and arrays may be Poco::JSON ones
		/// (Ptr or value) or Dynamic structs and vectors. NaN and the
		/// infinities are written as null.

	static void append(std::string& out, const Poco::Dynamic::Var& value);
		/// Appends write(value) to out.

	static std::string quoteAscii(const std::string& text);
		/// quote(text) with every character outside ASCII escaped, as
		/// Python's json.dumps writes it by default (ensure_ascii): \uXXXX
		/// with lowercase hex, a surrogate pair above U+FFFF (\ud83d\ude00),
		/// DEL as \u007f and each invalid UTF-8 byte as \ufffd.

	static void appendQuotedAscii(std::string& out, const std::string& text);
		/// Appends quoteAscii(text) to out without a temporary.

	static std::string writeAscii(const Poco::Dynamic::Var& value);
		/// write(value) with every non-ASCII character of its strings and
		/// keys escaped as quoteAscii() escapes it, so the text is plain
		/// ASCII. This is what the Nash desktop app's dialect needs
		/// (docs/app.md): its client decodes each network read on its
		/// own, and a UTF-8 character split between two reads would be lost.
		/// Numbers are written as write() writes them, which is Python's
		/// repr(float) for the doubles a protocol carries (1.83, 2.0,
		/// 1e-05, 1e+16) but not for all: NaN and the infinities are null,
		/// subnormals may carry more digits (4.94065645841247e-324 for
		/// 5e-324), and some values from 1e15 to 1e17 take the other of the
		/// fixed and exponent forms (1e+15 where Python writes
		/// 1000000000000000.0).

	static void appendAscii(std::string& out, const Poco::Dynamic::Var& value);
		/// Appends writeAscii(value) to out.

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
