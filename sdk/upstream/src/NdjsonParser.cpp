//
// NdjsonParser.cpp
//


#include "NashUpstream/NdjsonParser.h"
#include "Poco/Exception.h"
#include <cstring>


namespace NashUpstream {


NdjsonParser::NdjsonParser(LineCallback callback, std::size_t maxLineBytes):
	_callback(std::move(callback)),
	_maxLineBytes(maxLineBytes)
{
}


void NdjsonParser::feed(const char* data, std::size_t length)
{
	std::size_t start = 0;
	while (start < length)
	{
		const char* newline = static_cast<const char*>(std::memchr(data + start, '\n', length - start));
		std::size_t end = newline ? static_cast<std::size_t>(newline - data) : length;
		if (_line.size() + (end - start) > _maxLineBytes)
			throw Poco::DataFormatException("JSON line longer than " + std::to_string(_maxLineBytes) + " bytes");
		_line.append(data + start, end - start);
		if (!newline) break;
		deliver();
		start = end + 1;
	}
}


void NdjsonParser::finish()
{
	deliver();
}


void NdjsonParser::deliver()
{
	if (!_line.empty() && _line.back() == '\r') _line.pop_back();
	bool blank = _line.find_first_not_of(" \t") == std::string::npos;
	std::string line;
	line.swap(_line);
	if (!blank) _callback(line);
}


} // namespace NashUpstream
