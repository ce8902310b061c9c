//
// AppEvents.cpp
//


#include "core/api/app/AppEvents.h"
#include "core/json/JsonText.h"


namespace Nash {


namespace {


const char* const eventStart = "data: ";
const char* const eventEnd = "}\n\n";


void appendOptional(std::string& out, const std::string* text)
	/// The quoted text, or null.
{
	if (text) JsonText::appendQuotedAscii(out, *text);
	else out += "null";
}


std::string streamEvent(const std::string* content, const std::string* toolName, const std::string* toolArgs)
	/// The app's original server's stream event: its delta's three keys first, then the rest.
{
	std::string out(eventStart);
	out += "{\"content\": ";
	appendOptional(out, content);
	out += ", \"tool_name\": ";
	appendOptional(out, toolName);
	out += ", \"tool_args\": ";
	appendOptional(out, toolArgs);
	out += ", \"type\": \"stream\", \"tool_result\": null, \"new_raw_llm_messages\": [], "
	       "\"finish_reason\": null, \"sleep_seconds\": 0";
	out += eventEnd;
	return out;
}


std::string typedEvent(const char* type, const std::string& toolResult, const std::string& newRawLlmMessages,
	const std::string& finishReason, const std::string& sleepSeconds)
	/// Every other event: type first, then the eight keys' usual order. The
	/// values are JSON text already.
{
	std::string out(eventStart);
	out += "{\"type\": \"";
	out += type;
	out += "\", \"content\": null, \"tool_name\": null, \"tool_args\": null, \"tool_result\": ";
	out += toolResult;
	out += ", \"new_raw_llm_messages\": ";
	out += newRawLlmMessages;
	out += ", \"finish_reason\": ";
	out += finishReason;
	out += ", \"sleep_seconds\": ";
	out += sleepSeconds;
	out += eventEnd;
	return out;
}


} // namespace


std::string AppEvents::streamContent(const std::string& text)
{
	return streamEvent(&text, nullptr, nullptr);
}


std::string AppEvents::streamToolName(const std::string& name)
{
	return streamEvent(nullptr, &name, nullptr);
}


std::string AppEvents::streamToolArgs(const std::string& fragment)
{
	return streamEvent(nullptr, nullptr, &fragment);
}


std::string AppEvents::streamEmpty()
{
	return streamEvent(nullptr, nullptr, nullptr);
}


std::string AppEvents::finishReason(const std::string& reason)
{
	return typedEvent("finish_reason", "null", "null", JsonText::quoteAscii(reason), "null");
}


std::string AppEvents::sleepSeconds(double seconds)
{
	return typedEvent("sleep_seconds", "null", "null", "null", JsonText::writeAscii(seconds));
}


std::string AppEvents::toolResult(const std::string& text)
{
	return typedEvent("tool_result", JsonText::quoteAscii(text), "[]", "null", "null");
}


std::string AppEvents::newRawLlmMessages(const Poco::JSON::Array::Ptr& messages)
{
	std::string list = messages.isNull() ? std::string("[]") : JsonText::writeAscii(messages);
	return typedEvent("new_raw_llm_messages", "null", list, "null", "null");
}


std::string AppEvents::error(const std::string& message)
{
	std::string out(eventStart);
	out += "{\"error\": ";
	JsonText::appendQuotedAscii(out, message);
	out += eventEnd;
	return out;
}


std::string AppEvents::done()
{
	return "data: [DONE]\n\n";
}


} // namespace Nash
