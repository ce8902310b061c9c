//
// JsonText.cpp
//


#include "core/json/JsonText.h"
#include "Poco/Dynamic/Struct.h"
#include "Poco/Exception.h"
#include "Poco/JSON/ParseHandler.h"
#include "Poco/JSON/Parser.h"
#include "Poco/NumberFormatter.h"
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <vector>


namespace Nash {


namespace {


const char* const hexDigits = "0123456789abcdef";


void appendUnicodeEscape(std::string& out, unsigned code)
{
	out += "\\u";
	out += hexDigits[(code >> 12) & 0xF];
	out += hexDigits[(code >> 8) & 0xF];
	out += hexDigits[(code >> 4) & 0xF];
	out += hexDigits[code & 0xF];
}


std::size_t validSequenceLength(const std::string& text, std::size_t i, unsigned& code)
	/// Length of the well-formed UTF-8 sequence starting at i, with its code
	/// point in code, or 0.
{
	auto byte = [&](std::size_t k) { return static_cast<unsigned char>(text[k]); };
	unsigned char lead = byte(i);
	std::size_t length;
	unsigned minimum;
	if (lead >= 0xC2 && lead <= 0xDF) { length = 2; code = lead & 0x1F; minimum = 0x80; }
	else if (lead >= 0xE0 && lead <= 0xEF) { length = 3; code = lead & 0x0F; minimum = 0x800; }
	else if (lead >= 0xF0 && lead <= 0xF4) { length = 4; code = lead & 0x07; minimum = 0x10000; }
	else return 0;
	if (i + length > text.size()) return 0;
	for (std::size_t k = 1; k < length; ++k)
	{
		unsigned char next = byte(i + k);
		if ((next & 0xC0) != 0x80) return 0;
		code = (code << 6) | (next & 0x3F);
	}
	if (code < minimum || code > 0x10FFFF || (code >= 0xD800 && code <= 0xDFFF)) return 0;
	return length;
}


void appendQuotedText(std::string& out, const std::string& text, bool ascii)
	/// text as a JSON string literal; with ascii, every non-ASCII character
	/// escaped as Python's ensure_ascii escapes it.
{
	out += '"';
	std::size_t i = 0;
	const std::size_t n = text.size();
	while (i < n)
	{
		unsigned char c = static_cast<unsigned char>(text[i]);
		if (c < 0x80)
		{
			switch (c)
			{
			case '"': out += "\\\""; break;
			case '\\': out += "\\\\"; break;
			case '\n': out += "\\n"; break;
			case '\r': out += "\\r"; break;
			case '\t': out += "\\t"; break;
			case '\b': out += "\\b"; break;
			case '\f': out += "\\f"; break;
			default:
				// DEL too, in both modes (as Python's ensure_ascii writes it).
				if (c < 0x20 || c == 0x7F) appendUnicodeEscape(out, c);
				else out += static_cast<char>(c);
			}
			++i;
			continue;
		}
		unsigned code = 0;
		std::size_t length = validSequenceLength(text, i, code);
		if (length == 0)
		{
			if (ascii) appendUnicodeEscape(out, 0xFFFD);
			else out += "\xEF\xBF\xBD";
			++i;
			continue;
		}
		if (ascii && code > 0xFFFF)
		{
			code -= 0x10000;
			appendUnicodeEscape(out, 0xD800 | (code >> 10));
			appendUnicodeEscape(out, 0xDC00 | (code & 0x3FF));
		}
		else if (ascii || code == 0x2028 || code == 0x2029)
		{
			// Any character in ASCII mode; otherwise only U+2028 and U+2029,
			// which are valid JSON but end lines in JavaScript.
			appendUnicodeEscape(out, code);
		}
		else
		{
			out.append(text, i, length);
		}
		i += length;
	}
	out += '"';
}


std::string formatDouble(double value)
{
	if (!std::isfinite(value)) return "null";
	char buffer[32];
	// The shortest of these that reads back as the same double, as Python prints it.
	for (int precision: {15, 16, 17})
	{
		std::snprintf(buffer, sizeof(buffer), "%.*g", precision, value);
		if (std::strtod(buffer, nullptr) == value) break;
	}
	std::string text(buffer);
	if (text.find_first_of(".eEn") == std::string::npos) text += ".0";
	return text;
}


struct OpenContainer
	/// An object or array being written, and how far.
{
	Poco::JSON::Object::Ptr object;
	std::vector<std::string> names;
	Poco::JSON::Array::Ptr array;
	const Poco::Dynamic::Struct<std::string>* members = nullptr;
	Poco::Dynamic::Struct<std::string>::ConstIterator member;
	const std::vector<Poco::Dynamic::Var>* items = nullptr;
	std::unique_ptr<Poco::Dynamic::Var> owned;
		// The struct or vector that members or items point into, when no
		// one else keeps it.
	std::size_t next = 0;
};


bool beginContainer(std::string& out, const Poco::Dynamic::Var& value, Poco::Dynamic::Var* disposable, std::vector<OpenContainer>& open)
	/// Writes the opening bracket of an object or array and pushes it;
	/// false for any other value. disposable is value itself when it is a
	/// copy that may be taken over.
{
	const std::type_info& type = value.type();
	bool isObject = type == typeid(Poco::JSON::Object::Ptr) || type == typeid(Poco::JSON::Object);
	bool isArray = type == typeid(Poco::JSON::Array::Ptr) || type == typeid(Poco::JSON::Array);
	bool isStruct = type == typeid(Poco::Dynamic::Struct<std::string>);
	if (!isObject && !isArray && !isStruct && type != typeid(std::vector<Poco::Dynamic::Var>)) return false;
	if (open.capacity() == 0) open.reserve(16);
	open.emplace_back();
	OpenContainer& container = open.back();
	if (isObject)
	{
		container.object = type == typeid(Poco::JSON::Object::Ptr)
			? value.extract<Poco::JSON::Object::Ptr>()
			: new Poco::JSON::Object(value.extract<Poco::JSON::Object>());
		if (container.object.isNull())
		{
			open.pop_back();
			out += "null";
			return true;
		}
		container.names = container.object->getNames();
		out += '{';
	}
	else if (isArray)
	{
		container.array = type == typeid(Poco::JSON::Array::Ptr)
			? value.extract<Poco::JSON::Array::Ptr>()
			: new Poco::JSON::Array(value.extract<Poco::JSON::Array>());
		if (container.array.isNull())
		{
			open.pop_back();
			out += "null";
			return true;
		}
		out += '[';
	}
	else
	{
		if (disposable)
		{
			// A copy that is about to be overwritten: kept by the container.
			container.owned.reset(new Poco::Dynamic::Var);
			container.owned->swap(*disposable);
		}
		const Poco::Dynamic::Var& kept = container.owned ? *container.owned : value;
		if (isStruct)
		{
			container.members = &kept.extract<Poco::Dynamic::Struct<std::string>>();
			container.member = container.members->begin();
			out += '{';
		}
		else
		{
			container.items = &kept.extract<std::vector<Poco::Dynamic::Var>>();
			out += '[';
		}
	}
	return true;
}


const Poco::Dynamic::Var* nextItem(std::string& out, OpenContainer& container, Poco::Dynamic::Var& member, bool ascii)
	/// Writes the separator (and the key) before the container's next item
	/// and returns the item, or writes the closing bracket and returns null.
	/// An object member is copied into member.
{
	bool first = container.next++ == 0;
	if (container.object)
	{
		if (container.next > container.names.size())
		{
			out += '}';
			return nullptr;
		}
		const std::string& name = container.names[container.next - 1];
		if (!first) out += ", ";
		appendQuotedText(out, name, ascii);
		out += ": ";
		// get() answers with a copy already: taken over, not copied again.
		Poco::Dynamic::Var value = container.object->get(name);
		member.swap(value);
		return &member;
	}
	if (container.array)
	{
		if (container.next > container.array->size())
		{
			out += ']';
			return nullptr;
		}
		if (!first) out += ", ";
		return &*(container.array->begin() + static_cast<std::ptrdiff_t>(container.next - 1));
	}
	if (container.members)
	{
		if (container.member == container.members->end())
		{
			out += '}';
			return nullptr;
		}
		if (!first) out += ", ";
		appendQuotedText(out, container.member->first, ascii);
		out += ": ";
		return &(container.member++)->second;
	}
	if (container.next > container.items->size())
	{
		out += ']';
		return nullptr;
	}
	if (!first) out += ", ";
	return &(*container.items)[container.next - 1];
}


void appendScalar(std::string& out, const Poco::Dynamic::Var& value, bool ascii)
{
	if (value.isEmpty())
	{
		out += "null";
		return;
	}
	const std::type_info& type = value.type();
	if (type == typeid(bool))
	{
		out += value.extract<bool>() ? "true" : "false";
	}
	else if (type == typeid(double) || type == typeid(float))
	{
		out += formatDouble(value.convert<double>());
	}
	else if (value.isString())
	{
		appendQuotedText(out, value.extract<std::string>(), ascii);
	}
	else if (value.isInteger())
	{
		out += value.isSigned() ? Poco::NumberFormatter::format(value.convert<Poco::Int64>())
		                        : Poco::NumberFormatter::format(value.convert<Poco::UInt64>());
	}
	else if (value.isNumeric())
	{
		out += formatDouble(value.convert<double>());
	}
	else
	{
		appendQuotedText(out, value.convert<std::string>(), ascii);
	}
}


void appendValue(std::string& out, const Poco::Dynamic::Var& value, bool ascii)
	/// Iterative, with the open objects and arrays on a heap stack: a value
	/// nested a thousand levels deep (as MCP results may be) is written on a
	/// request thread of 256 KiB, where a recursive writer would not fit.
{
	std::vector<OpenContainer> open;
	Poco::Dynamic::Var member;
		// An object member: Poco's objects hand out copies, which must live
		// while they are written.
	const Poco::Dynamic::Var* next = &value;
	for (;;)
	{
		if (next && !beginContainer(out, *next, next == &member ? &member : nullptr, open)) appendScalar(out, *next, ascii);
		if (open.empty()) return;
		next = nextItem(out, open.back(), member, ascii);
		if (!next) open.pop_back();
	}
}


} // namespace


std::string JsonText::quote(const std::string& text)
{
	std::string out;
	out.reserve(text.size() + 2);
	appendQuoted(out, text);
	return out;
}


void JsonText::appendQuoted(std::string& out, const std::string& text)
{
	appendQuotedText(out, text, false);
}


std::string JsonText::quoteAscii(const std::string& text)
{
	std::string out;
	out.reserve(text.size() + 2);
	appendQuotedAscii(out, text);
	return out;
}


void JsonText::appendQuotedAscii(std::string& out, const std::string& text)
{
	appendQuotedText(out, text, true);
}


std::string JsonText::write(const Poco::Dynamic::Var& value)
{
	std::string out;
	append(out, value);
	return out;
}


void JsonText::append(std::string& out, const Poco::Dynamic::Var& value)
{
	appendValue(out, value, false);
}


std::string JsonText::writeAscii(const Poco::Dynamic::Var& value)
{
	std::string out;
	appendAscii(out, value);
	return out;
}


void JsonText::appendAscii(std::string& out, const Poco::Dynamic::Var& value)
{
	appendValue(out, value, true);
}


Poco::JSON::Object::Ptr JsonText::object()
{
	return new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
}


Poco::JSON::Object::Ptr JsonText::parseObject(const std::string& text)
{
	Poco::JSON::Parser parser(new Poco::JSON::ParseHandler(true));
	Poco::Dynamic::Var result = parser.parse(text);
	if (result.type() != typeid(Poco::JSON::Object::Ptr))
		throw Poco::InvalidArgumentException("the JSON value is not an object");
	return result.extract<Poco::JSON::Object::Ptr>();
}


} // namespace Nash
