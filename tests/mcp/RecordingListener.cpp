//
// RecordingListener.cpp
//


#include "RecordingListener.h"
#include "Poco/JSON/Parser.h"


namespace NashTest {


void RecordingListener::messageReceived(const std::string& message)
{
	{
		std::lock_guard<std::mutex> lock(_mutex);
		// A message after transportClosed() breaks the listener contract.
		if (_closeCount > 0) _closedBeforeMessage = true;
		_messages.push_back(message);
	}
	_condition.notify_all();
}


void RecordingListener::transportClosed(const std::string& reason)
{
	{
		std::lock_guard<std::mutex> lock(_mutex);
		_closeReason = reason;
		++_closeCount;
	}
	_condition.notify_all();
}


Poco::JSON::Object::Ptr RecordingListener::waitForMessage(const std::function<bool(const Poco::JSON::Object::Ptr&)>& match, std::chrono::milliseconds timeout)
{
	std::unique_lock<std::mutex> lock(_mutex);
	Poco::JSON::Object::Ptr found;
	std::size_t checked = 0;
	_condition.wait_for(lock, timeout, [&]
	{
		for (; checked < _messages.size(); ++checked)
		{
			Poco::JSON::Parser parser;
			Poco::JSON::Object::Ptr message = parser.parse(_messages[checked]).extract<Poco::JSON::Object::Ptr>();
			if (match(message))
			{
				found = message;
				return true;
			}
		}
		return false;
	});
	return found;
}


Poco::JSON::Object::Ptr RecordingListener::waitForId(int id, std::chrono::milliseconds timeout)
{
	return waitForMessage([id](const Poco::JSON::Object::Ptr& message)
	{
		return message->has("id") && !message->has("method") && message->get("id").toString() == std::to_string(id);
	}, timeout);
}


bool RecordingListener::waitForClose(std::chrono::milliseconds timeout)
{
	std::unique_lock<std::mutex> lock(_mutex);
	return _condition.wait_for(lock, timeout, [this] { return _closeCount > 0; });
}


std::vector<std::string> RecordingListener::messages() const
{
	std::lock_guard<std::mutex> lock(_mutex);
	return _messages;
}


std::string RecordingListener::closeReason() const
{
	std::lock_guard<std::mutex> lock(_mutex);
	return _closeReason;
}


int RecordingListener::closeCount() const
{
	std::lock_guard<std::mutex> lock(_mutex);
	return _closedBeforeMessage ? -1 : _closeCount;
}


} // namespace NashTest
