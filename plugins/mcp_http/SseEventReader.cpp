//
// SseEventReader.cpp
//


#include "SseEventReader.h"
#include "Poco/Exception.h"
#include <limits>


namespace Nash {


namespace {


const std::size_t FIELD_ROOM = 16;
	// What a line may hold beyond maxEventSize: "data: " before the data.
const std::size_t SKIP_CHUNK = 16384;
	// Bytes of an oversized event that skipOversized() holds at a time.


} // namespace


SseEventReader::SseEventReader(std::istream& in, std::size_t maxEventSize, const std::string& lastEventId):
	_in(in),
	_maxEventSize(maxEventSize),
	_maxLineSize(maxEventSize > std::numeric_limits<std::size_t>::max() - FIELD_ROOM ? maxEventSize : maxEventSize + FIELD_ROOM),
	_lastEventId(lastEventId),
	_idBuffer(lastEventId)
{
}


SseEventReader::Result SseEventReader::next(Event& event)
{
	event = Event();
	bool hasField = false;
	std::string line;
	std::string name;
	std::string value;
	for (;;)
	{
		line.clear();
		LineEnd end = readLine(line, _maxLineSize);
		if (end == STREAM_END) return END;
		if (end == LINE_GOES_ON)
		{
			splitField(line, name, value);
			_lineGoesOn = true;
			beginOversized(event, name, value);
			event = Event();
			return TOO_LARGE;
		}
		if (line.empty())
		{
			if (!hasField) continue;
			_lastEventId = _idBuffer;
			return EVENT;
		}
		if (line[0] == ':') continue;
		splitField(line, name, value);
		hasField = true;
		if (name == "data" && event.data.size() + (event.hasData ? 1 : 0) + value.size() > _maxEventSize)
		{
			_lineGoesOn = false;
			beginOversized(event, name, value);
			event = Event();
			return TOO_LARGE;
		}
		field(name, value, event);
	}
}


bool SseEventReader::skipOversized()
{
	std::string piece;
	std::string name;
	std::string value;
	Event ignored;
	for (;;)
	{
		piece.clear();
		LineEnd end = readLine(piece, SKIP_CHUNK);
		if (end == STREAM_END) return false;
		if (_lineGoesOn)
		{
			if (_lineIsData) keepTail(piece);
			_lineGoesOn = end == LINE_GOES_ON;
			continue;
		}
		if (piece.empty())
		{
			// The oversized event ends here: it counts as read, for the id.
			_lastEventId = _idBuffer;
			return true;
		}
		_lineGoesOn = end == LINE_GOES_ON;
		_lineIsData = false;
		if (piece[0] == ':') continue;
		splitField(piece, name, value);
		if (name == "data")
		{
			_lineIsData = true;
			keepTail("\n" + value);
		}
		else if (!_lineGoesOn)
		{
			field(name, value, ignored);
		}
	}
}


SseEventReader::LineEnd SseEventReader::readLine(std::string& line, std::size_t limit)
	/// Appends the line's text to line; LINE_GOES_ON once it holds more
	/// than limit bytes and the line is not over.
{
	std::streambuf* buffer = _in.rdbuf();
	if (!buffer) return STREAM_END;
	try
	{
		for (;;)
		{
			int c = buffer->sbumpc();
			if (c == std::char_traits<char>::eof())
			{
				_in.setstate(std::ios::eofbit);
				return STREAM_END;
			}
			if (_afterCR)
			{
				_afterCR = false;
				if (c == '\n') continue;
			}
			if (c == '\n') return LINE_END;
			if (c == '\r')
			{
				_afterCR = true;
				return LINE_END;
			}
			line.push_back(static_cast<char>(c));
			if (line.size() > limit) return LINE_GOES_ON;
		}
	}
	catch (Poco::Exception&)
	{
		// A connection reset or a read timeout ends the stream, as it does
		// for std::getline.
		_in.setstate(std::ios::badbit);
		return STREAM_END;
	}
}


bool SseEventReader::splitField(const std::string& line, std::string& name, std::string& value)
{
	std::string::size_type colon = line.find(':');
	name.assign(line, 0, colon);
	if (colon == std::string::npos)
	{
		value.clear();
		return false;
	}
	std::string::size_type start = colon + 1;
	if (start < line.size() && line[start] == ' ') ++start;
	value.assign(line, start, std::string::npos);
	return true;
}


void SseEventReader::field(const std::string& name, const std::string& value, Event& event)
{
	if (name == "data")
	{
		if (event.hasData) event.data += '\n';
		event.data += value;
		event.hasData = true;
	}
	else if (name == "event")
	{
		event.type = value;
	}
	else if (name == "id")
	{
		// The format ignores an id with a NUL in it.
		if (value.find('\0') == std::string::npos) _idBuffer = value;
	}
	else if (name == "retry")
	{
		if (value.empty() || value.find_first_not_of("0123456789") != std::string::npos) return;
		// More than a day is as good as forever; callers cap it anyway.
		_retry = value.size() > 9 ? 999999999L : std::stol(value);
	}
}


void SseEventReader::beginOversized(const Event& event, const std::string& field, const std::string& value)
{
	_oversizedSize = 0;
	_head.clear();
	_tail.clear();
	_lineIsData = field == "data";
	keepTail(event.data);
	if (_lineIsData) keepTail(event.hasData ? "\n" + value : value);
}


void SseEventReader::keepTail(const std::string& data)
	/// Counts data as part of the oversized event and keeps its ends.
{
	_oversizedSize += data.size();
	if (_head.size() < ENDS_KEPT) _head.append(data, 0, ENDS_KEPT - _head.size());
	if (data.size() >= ENDS_KEPT)
	{
		_tail.assign(data, data.size() - ENDS_KEPT, ENDS_KEPT);
		return;
	}
	_tail.append(data);
	if (_tail.size() > ENDS_KEPT) _tail.erase(0, _tail.size() - ENDS_KEPT);
}


} // namespace Nash
