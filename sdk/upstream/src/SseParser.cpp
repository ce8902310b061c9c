//
// SseParser.cpp
//


#include "NashUpstream/SseParser.h"
#include "Poco/Exception.h"
#include "Poco/NumberParser.h"


namespace NashUpstream {


SseParser::SseParser(EventCallback callback, std::size_t maxLineBytes):
	_callback(std::move(callback)),
	_maxLineBytes(maxLineBytes)
{
}


void SseParser::feed(const char* data, std::size_t length)
{
	for (std::size_t i = 0; i < length; ++i)
	{
		char c = data[i];
		if (c == '\n')
		{
			// The LF of a CRLF pair: the line already ended at the CR.
			if (_lastWasCR)
			{
				_lastWasCR = false;
				continue;
			}
			line(_line);
			_line.clear();
		}
		else if (c == '\r')
		{
			line(_line);
			_line.clear();
			_lastWasCR = true;
		}
		else
		{
			_lastWasCR = false;
			// Copy runs of ordinary bytes at once: most lines are long.
			std::size_t end = i;
			while (end < length && data[end] != '\n' && data[end] != '\r') ++end;
			if (_line.size() + (end - i) > _maxLineBytes)
				throw Poco::DataFormatException("event-stream line longer than " + std::to_string(_maxLineBytes) + " bytes");
			_line.append(data + i, end - i);
			i = end - 1;
		}
	}
}


void SseParser::finish()
{
	_line.clear();
	_event = SseEvent();
	_hasData = false;
}


long SseParser::retryMilliseconds() const
{
	return _retry;
}


void SseParser::line(const std::string& text)
{
	if (text.empty())
	{
		dispatch();
		return;
	}
	if (text[0] == ':') return;
	std::string field;
	std::string value;
	auto colon = text.find(':');
	if (colon == std::string::npos)
	{
		field = text;
	}
	else
	{
		field = text.substr(0, colon);
		std::size_t start = colon + 1;
		if (start < text.size() && text[start] == ' ') ++start;
		value = text.substr(start);
	}
	if (field == "data")
	{
		if (_hasData) _event.data += '\n';
		_event.data += value;
		_hasData = true;
	}
	else if (field == "event")
	{
		_event.name = value;
	}
	else if (field == "id")
	{
		if (value.find('\0') == std::string::npos) _event.id = value;
	}
	else if (field == "retry")
	{
		Poco::Int64 retry = 0;
		if (!value.empty() && value.find_first_not_of("0123456789") == std::string::npos && Poco::NumberParser::tryParse64(value, retry))
			_retry = static_cast<long>(retry);
	}
}


void SseParser::dispatch()
{
	if (_hasData)
	{
		SseEvent event = std::move(_event);
		_event = SseEvent();
		_event.id = event.id;
		_hasData = false;
		_callback(event);
	}
	else
	{
		_event.name.clear();
	}
}


} // namespace NashUpstream
