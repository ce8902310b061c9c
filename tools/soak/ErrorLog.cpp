//
// ErrorLog.cpp
//


#include "ErrorLog.h"
#include <iostream>


namespace NashSoak {


void ErrorLog::add(const std::string& kind, const std::string& message)
{
	std::string text = kind + ": " + message;
	if (text.size() > 300) text = text.substr(0, 300) + "...";
	++_count;
	std::lock_guard<std::mutex> lock(_mutex);
	auto it = _distinct.find(text);
	if (it != _distinct.end())
	{
		++it->second;
	}
	else if (_distinct.size() < MAX_DISTINCT)
	{
		// Each new kind of error once on the console, as it happens: the
		// time of the first one is often the best clue.
		std::cerr << "[soak] error: " << text << std::endl;
		_distinct[text] = 1;
	}
	else
	{
		++_distinct["(other errors)"];
	}
}


std::uint64_t ErrorLog::count() const
{
	return _count.load();
}


std::map<std::string, std::uint64_t> ErrorLog::distinct() const
{
	std::lock_guard<std::mutex> lock(_mutex);
	return _distinct;
}


} // namespace NashSoak
