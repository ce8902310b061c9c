//
// McpEventStream.cpp
//


#include "core/mcp/gateway/McpEventStream.h"
#include "core/json/JsonText.h"
#include "Poco/NumberParser.h"
#include <algorithm>


namespace Nash {


McpEventStream::McpEventStream(std::string name, std::size_t keep):
	_name(std::move(name)),
	_keep(keep)
{
}


void McpEventStream::send(const Poco::JSON::Object::Ptr& message)
{
	append(JsonText::write(message));
}


void McpEventStream::append(const std::string& json)
{
	std::lock_guard<std::mutex> lock(_mutex);
	if (_finished) return;
	_events.push_back(json);
	if (_events.size() > _keep)
	{
		_events.pop_front();
		++_first;
	}
	_condition.notify_all();
}


void McpEventStream::finish()
{
	std::lock_guard<std::mutex> lock(_mutex);
	_finished = true;
	_condition.notify_all();
}


std::uint64_t McpEventStream::attachReader()
{
	std::lock_guard<std::mutex> lock(_mutex);
	_reading = true;
	_condition.notify_all();
	return ++_reader;
}


void McpEventStream::detachReader(std::uint64_t ticket)
{
	std::lock_guard<std::mutex> lock(_mutex);
	if (ticket != _reader || !_reading) return;
	_reading = false;
	_unreadSince = std::chrono::steady_clock::now();
}


bool McpEventStream::unreadFor(std::chrono::steady_clock::duration duration) const
{
	std::lock_guard<std::mutex> lock(_mutex);
	return !_reading && std::chrono::steady_clock::now() - _unreadSince >= duration;
}


McpEventStream::Next McpEventStream::next(std::uint64_t ticket, std::uint64_t& after, std::string& data, std::chrono::milliseconds wait)
{
	std::unique_lock<std::mutex> lock(_mutex);
	auto available = [&] { return after + 1 < _first + _events.size(); };
	if (!_condition.wait_for(lock, wait, [&] { return available() || _finished || ticket != _reader; })) return Next::Idle;
	if (ticket != _reader) return Next::Superseded;
	if (!available()) return Next::Finished;
	// A reader that fell behind what is kept goes on with the oldest kept.
	std::uint64_t number = std::max(after + 1, _first);
	data = _events[static_cast<std::size_t>(number - _first)];
	after = number;
	return Next::Event;
}


std::uint64_t McpEventStream::newest() const
{
	std::lock_guard<std::mutex> lock(_mutex);
	return _first + _events.size() - 1;
}


bool McpEventStream::finished() const
{
	std::lock_guard<std::mutex> lock(_mutex);
	return _finished;
}


bool McpEventStream::waitFinished(std::chrono::milliseconds wait) const
{
	std::unique_lock<std::mutex> lock(_mutex);
	return _condition.wait_for(lock, wait, [this] { return _finished; });
}


const std::string& McpEventStream::name() const
{
	return _name;
}


std::string McpEventStream::idOf(std::uint64_t number) const
{
	return _name + "-" + std::to_string(number);
}


bool McpEventStream::parseId(const std::string& id, std::string& name, std::uint64_t& number)
{
	std::size_t dash = id.rfind('-');
	if (dash == std::string::npos || dash == 0) return false;
	Poco::UInt64 parsed = 0;
	if (!Poco::NumberParser::tryParseUnsigned64(id.substr(dash + 1), parsed)) return false;
	name = id.substr(0, dash);
	number = parsed;
	return true;
}


} // namespace Nash
