//
// OpenAiChunkScanner.cpp
//


#include "OpenAiChunkScanner.h"
#include "Poco/Exception.h"


namespace Nash {


OpenAiChunkScanner::OpenAiChunkScanner():
	_handler(new Handler),
	_parser(_handler)
{
}


bool OpenAiChunkScanner::scan(const std::string& chunk)
{
	_parser.reset();
	_handler->reset();
	_parser.parse(chunk);
	if (!_handler->_sawTopObject) throw Poco::DataFormatException("not a JSON object");
	return !_handler->_needsFullParse;
}


const std::string& OpenAiChunkScanner::content() const
{
	return _handler->_content;
}


const std::string& OpenAiChunkScanner::finishReason() const
{
	return _handler->_finishReason;
}


void OpenAiChunkScanner::Handler::reset()
{
	_frames.clear();
	_pendingKey.clear();
	_content.clear();
	_finishReason.clear();
	_needsFullParse = false;
	_sawTopObject = false;
}


std::string OpenAiChunkScanner::Handler::memberName()
{
	if (!_frames.empty() && _frames.back().array) return std::to_string(_frames.back().nextIndex++);
	std::string name;
	name.swap(_pendingKey);
	return name;
}


bool OpenAiChunkScanner::Handler::inFirstChoice(std::size_t depthBelowChoice) const
	/// True when the innermost frames are choices / 0 / ... with
	/// depthBelowChoice frames below the choice object.
{
	std::size_t choiceDepth = 2;
	if (_frames.size() != 1 + choiceDepth + depthBelowChoice) return false;
	return _frames[1].name == "choices" && _frames[1].array && _frames[2].name == "0";
}


void OpenAiChunkScanner::Handler::startObject()
{
	if (_frames.empty()) _sawTopObject = true;
	Frame frame;
	frame.name = _frames.empty() ? std::string() : memberName();
	// Anything but the usual members needs the full reading.
	if (_frames.size() == 1 && frame.name != "choices") _needsFullParse = _needsFullParse || frame.name == "usage" || frame.name == "error";
	if (frame.name == "tool_calls" || frame.name == "function_call") _needsFullParse = true;
	if (_frames.size() == 2 && _frames[1].array && _frames[1].name == "choices" && frame.name != "0") _needsFullParse = true;
	_frames.push_back(frame);
}


void OpenAiChunkScanner::Handler::endObject()
{
	if (!_frames.empty()) _frames.pop_back();
}


void OpenAiChunkScanner::Handler::startArray()
{
	Frame frame;
	frame.name = _frames.empty() ? std::string() : memberName();
	frame.array = true;
	if (frame.name == "tool_calls") _needsFullParse = true;
	if (_frames.size() == 2 && _frames[1].name == "choices" && frame.name != "0") _needsFullParse = true;
	_frames.push_back(frame);
}


void OpenAiChunkScanner::Handler::endArray()
{
	if (!_frames.empty()) _frames.pop_back();
}


void OpenAiChunkScanner::Handler::key(const std::string& k)
{
	_pendingKey = k;
	if (_frames.size() == 1 && k == "error") _needsFullParse = true;
}


void OpenAiChunkScanner::Handler::scalar()
{
	memberName();
}


void OpenAiChunkScanner::Handler::null()
{
	scalar();
}


void OpenAiChunkScanner::Handler::value(int)
{
	scalar();
}


void OpenAiChunkScanner::Handler::value(unsigned)
{
	scalar();
}


void OpenAiChunkScanner::Handler::value(Poco::Int64)
{
	scalar();
}


void OpenAiChunkScanner::Handler::value(Poco::UInt64)
{
	scalar();
}


void OpenAiChunkScanner::Handler::value(double)
{
	scalar();
}


void OpenAiChunkScanner::Handler::value(bool)
{
	scalar();
}


void OpenAiChunkScanner::Handler::value(const std::string& text)
{
	std::string name = memberName();
	if (_frames.size() == 1 && name == "error") _needsFullParse = true;
	if (name == "content" && inFirstChoice(1) && _frames.back().name == "delta") _content = text;
	else if (name == "finish_reason" && inFirstChoice(0)) _finishReason = text;
}


} // namespace Nash
