//
// LogText.cpp
//


#include "core/http/LogText.h"


namespace Nash {


namespace {


bool isControl(char c)
{
	unsigned char u = static_cast<unsigned char>(c);
	return u < 0x20 || u == 0x7f;
}


} // namespace


bool LogText::isClean(const std::string& text)
{
	for (char c: text)
	{
		if (isControl(c)) return false;
	}
	return true;
}


std::string LogText::escape(const std::string& text, std::size_t maxBytes)
{
	if (text.size() <= maxBytes && isClean(text)) return text;
	static const char* const hex = "0123456789abcdef";
	std::string out;
	out.reserve(std::min(text.size(), maxBytes) + 16);
	for (std::size_t i = 0; i < text.size(); ++i)
	{
		if (i >= maxBytes)
		{
			out += "...";
			break;
		}
		char c = text[i];
		if (isControl(c))
		{
			unsigned char u = static_cast<unsigned char>(c);
			out += "\\x";
			out += hex[u >> 4];
			out += hex[u & 0x0f];
		}
		else out += c;
	}
	return out;
}


} // namespace Nash
