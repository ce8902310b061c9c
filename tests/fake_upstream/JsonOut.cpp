//
// JsonOut.cpp
//


#include "JsonOut.h"
#include "Poco/NumberFormatter.h"


namespace FakeUpstream {


void JsonOut::appendString(std::string& out, const std::string& text)
{
	static const char hex[] = "0123456789abcdef";
	out += '"';
	for (char c: text)
	{
		unsigned char u = static_cast<unsigned char>(c);
		switch (c)
		{
		case '"': out += "\\\""; break;
		case '\\': out += "\\\\"; break;
		case '\n': out += "\\n"; break;
		case '\r': out += "\\r"; break;
		case '\t': out += "\\t"; break;
		default:
			if (u < 0x20)
			{
				out += "\\u00";
				out += hex[u >> 4];
				out += hex[u & 0x0F];
			}
			else out += c;
		}
	}
	out += '"';
}


void JsonOut::appendNumber(std::string& out, long long value)
{
	Poco::NumberFormatter::append(out, static_cast<Poco::Int64>(value));
}


} // namespace FakeUpstream
