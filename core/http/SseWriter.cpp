//
// SseWriter.cpp
//


#include "core/http/SseWriter.h"
#include "Poco/Exception.h"


namespace Nash {


SseWriter::SseWriter(std::ostream& out): _out(out)
{
}


std::string SseWriter::frame(const std::string& payload)
{
	std::string text;
	text.reserve(payload.size() + 8);
	text += "data: ";
	text += payload;
	text += "\n\n";
	return text;
}


std::string SseWriter::frame(const std::string& name, const std::string& payload)
{
	std::string text;
	text.reserve(name.size() + payload.size() + 16);
	text += "event: ";
	text += name;
	text += "\n";
	text += frame(payload);
	return text;
}


bool SseWriter::event(const std::string& payload)
{
	return write(frame(payload));
}


bool SseWriter::write(const std::string& text)
{
	if (text.empty()) return !failed();
	std::lock_guard<std::mutex> lock(_mutex);
	if (_failed) return false;
	try
	{
		_out.write(text.data(), static_cast<std::streamsize>(text.size()));
		_out.flush();
		_failed = !_out.good();
	}
	catch (Poco::Exception&)
	{
		_failed = true;
	}
	catch (std::exception&)
	{
		_failed = true;
	}
	if (!_failed) _bytes += text.size();
	return !_failed;
}


bool SseWriter::done()
{
	return event("[DONE]");
}


bool SseWriter::failed() const
{
	std::lock_guard<std::mutex> lock(_mutex);
	return _failed;
}


std::size_t SseWriter::bytesWritten() const
{
	std::lock_guard<std::mutex> lock(_mutex);
	return _bytes;
}


} // namespace Nash
