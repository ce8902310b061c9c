//
// StreamEvents.cpp
//


#include "core/api/nash/StreamEvents.h"
#include "core/json/JsonText.h"
#include "NashUpstream/Redaction.h"
#include "Poco/Exception.h"


namespace Nash {


namespace {


std::string singleField(const char* prefix, const std::string& value)
{
	std::string out(prefix);
	JsonText::appendQuoted(out, value);
	out += '}';
	return out;
}


} // namespace


std::string StreamEvents::session(const std::string& sessionId)
{
	return singleField("{\"session_id\": ", sessionId);
}


std::string StreamEvents::content(const std::string& text)
{
	return singleField("{\"content\": ", text);
}


std::string StreamEvents::error(const std::string& message)
{
	return singleField("{\"error\": ", message);
}


std::string StreamEvents::toolCall(const ToolCallDelta& delta)
{
	std::string out = "{\"tool_call_delta\": {\"index\": " + std::to_string(delta.index);
	if (!delta.id.empty())
	{
		out += ", \"id\": ";
		JsonText::appendQuoted(out, delta.id);
	}
	if (!delta.name.empty())
	{
		out += ", \"name\": ";
		JsonText::appendQuoted(out, delta.name);
	}
	out += ", \"arguments\": ";
	JsonText::appendQuoted(out, delta.argumentsFragment);
	out += "}}";
	return out;
}


std::string StreamEvents::toolLoopCall(const std::string& id, const std::string& name, const std::string& arguments)
{
	std::string out = "{\"tool_call\": {\"id\": ";
	JsonText::appendQuoted(out, id);
	out += ", \"name\": ";
	JsonText::appendQuoted(out, name);
	out += ", \"arguments\": ";
	JsonText::appendQuoted(out, arguments);
	out += "}}";
	return out;
}


std::string StreamEvents::toolLoopResult(const std::string& id, const std::string& name, const std::string& content, bool isError)
{
	std::string out = "{\"tool_result\": {\"id\": ";
	JsonText::appendQuoted(out, id);
	out += ", \"name\": ";
	JsonText::appendQuoted(out, name);
	out += ", \"content\": ";
	JsonText::appendQuoted(out, content);
	out += isError ? ", \"is_error\": true}}" : ", \"is_error\": false}}";
	return out;
}


std::string StreamEvents::messageOf(const std::exception& exc)
{
	// A backend's message may quote the URL it failed to reach, with the
	// credentials of its base_url: no plugin is trusted to have removed them.
	if (auto* poco = dynamic_cast<const Poco::Exception*>(&exc))
	{
		return NashUpstream::Redaction::text(poco->message().empty() ? poco->displayText() : poco->message());
	}
	return NashUpstream::Redaction::text(exc.what());
}


} // namespace Nash
