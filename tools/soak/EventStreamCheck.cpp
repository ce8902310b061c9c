//
// EventStreamCheck.cpp
//


#include "EventStreamCheck.h"
#include "CheckFailedException.h"
#include "Poco/JSON/Object.h"
#include "Poco/JSON/Parser.h"


namespace NashSoak {


namespace {


std::string excerpt(const std::string& text)
{
	return text.size() <= 120 ? text : text.substr(0, 120) + "...";
}


Poco::JSON::Object::Ptr parseEvent(const std::string& data, std::size_t index)
	/// The event's JSON object, which must have exactly one member.
{
	Poco::JSON::Object::Ptr object;
	try
	{
		Poco::JSON::Parser parser;
		Poco::Dynamic::Var value = parser.parse(data);
		if (value.type() == typeid(Poco::JSON::Object::Ptr)) object = value.extract<Poco::JSON::Object::Ptr>();
	}
	catch (Poco::Exception& exc)
	{
		throw CheckFailedException("event " + std::to_string(index) + " is not JSON (" + exc.displayText() + "): " + excerpt(data));
	}
	if (!object) throw CheckFailedException("event " + std::to_string(index) + " is not a JSON object: " + excerpt(data));
	if (object->size() != 1) throw CheckFailedException("event " + std::to_string(index) + " has " + std::to_string(object->size()) + " members: " + excerpt(data));
	return object;
}


std::string stringMember(const Poco::JSON::Object::Ptr& event, const std::string& key, std::size_t index, const std::string& data)
{
	if (!event->has(key) || !event->get(key).isString())
		throw CheckFailedException("event " + std::to_string(index) + " should be {\"" + key + "\": <string>}: " + excerpt(data));
	return event->getValue<std::string>(key);
}


} // namespace


EventStreamCheck::Result EventStreamCheck::read(std::istream& in, const Expectation& expectation)
{
	Result result;
	std::size_t index = 0;

	std::string data = readEvent(in, index);
	result.sessionId = stringMember(parseEvent(data, index), "session_id", index, data);
	if (expectation.sessionId.empty() ? !isUuidV4(result.sessionId) : result.sessionId != expectation.sessionId)
		throw CheckFailedException("first session event names '" + excerpt(result.sessionId) + "'");

	for (;;)
	{
		data = readEvent(in, ++index);
		Poco::JSON::Object::Ptr event = parseEvent(data, index);
		if (!event->has("content")) break;
		result.content += stringMember(event, "content", index, data);
		++result.contentEvents;
		if (expectation.leaveAfterFirstContent) return result;
	}

	std::string lastId = stringMember(parseEvent(data, index), "session_id", index, data);
	if (lastId != result.sessionId)
		throw CheckFailedException("last session event names '" + excerpt(lastId) + "', the first '" + result.sessionId + "'");
	if (expectation.leaveAfterFirstContent)
		throw CheckFailedException("the stream ended before its first content event");
	if (result.content != expectation.content)
		throw CheckFailedException("content '" + excerpt(result.content) + "' in " + std::to_string(result.contentEvents) + " events, expected '" + excerpt(expectation.content) + "'");

	data = readEvent(in, ++index);
	if (data != "[DONE]") throw CheckFailedException("event " + std::to_string(index) + " after the last session event is not [DONE]: " + excerpt(data));
	char extra = 0;
	if (in.get(extra)) throw CheckFailedException("bytes after [DONE]");
	return result;
}


std::string EventStreamCheck::readEvent(std::istream& in, std::size_t index)
{
	std::string line;
	if (!std::getline(in, line))
		throw CheckFailedException("the stream ended before [DONE], after " + std::to_string(index) + " events");
	static const std::string PREFIX = "data: ";
	if (line.compare(0, PREFIX.size(), PREFIX) != 0)
		throw CheckFailedException("event " + std::to_string(index) + " does not start with 'data: ': " + excerpt(line));
	std::string blank;
	if (!std::getline(in, blank))
		throw CheckFailedException("the stream ended inside event " + std::to_string(index));
	if (!blank.empty())
		throw CheckFailedException("event " + std::to_string(index) + " is not followed by an empty line: " + excerpt(blank));
	return line.substr(PREFIX.size());
}


bool EventStreamCheck::isUuidV4(const std::string& id)
{
	if (id.size() != 36) return false;
	for (std::size_t i = 0; i < id.size(); ++i)
	{
		char c = id[i];
		if (i == 8 || i == 13 || i == 18 || i == 23)
		{
			if (c != '-') return false;
		}
		else if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f')))
		{
			return false;
		}
	}
	return id[14] == '4' && (id[19] == '8' || id[19] == '9' || id[19] == 'a' || id[19] == 'b');
}


} // namespace NashSoak
