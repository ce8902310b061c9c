//
// ConversationLimits.cpp
//


#include "core/chat/ConversationLimits.h"
#include "core/json/JsonText.h"
#include "core/chat/TokenEstimate.h"
#include "Poco/JSON/Array.h"


namespace Nash {


ConversationLimits::ConversationLimits(long long maxMessages, long long maxTokens):
	_maxMessages(maxMessages),
	_maxTokens(maxTokens)
{
}


bool ConversationLimits::exceededBy(const std::vector<ChatMessage>& messages) const
{
	return static_cast<long long>(messages.size()) > _maxMessages || TokenEstimate::of(messages) > _maxTokens;
}


std::string ConversationLimits::warningEvent(const std::vector<ChatMessage>& messages) const
{
	Poco::JSON::Array::Ptr suggestions = new Poco::JSON::Array;
	suggestions->add(std::string("Summarize the conversation so far and start fresh"));
	suggestions->add(std::string("Keep only the most recent and relevant messages"));
	suggestions->add(std::string("Clear the conversation while preserving the system message"));

	Poco::JSON::Object::Ptr limits = JsonText::object();
	limits->set("max_messages", _maxMessages);
	limits->set("max_tokens", _maxTokens);

	Poco::JSON::Object::Ptr details = JsonText::object();
	details->set("message_count", static_cast<long long>(messages.size()));
	details->set("estimated_tokens", TokenEstimate::of(messages));
	details->set("limits", limits);

	Poco::JSON::Object::Ptr warning = JsonText::object();
	warning->set("warning", std::string("Conversation length exceeds recommended limits"));
	warning->set("suggestions", suggestions);
	warning->set("details", details);

	Poco::JSON::Object::Ptr event = JsonText::object();
	event->set("warning", warning);
	return JsonText::write(event);
}


long long ConversationLimits::maxMessages() const
{
	return _maxMessages;
}


long long ConversationLimits::maxTokens() const
{
	return _maxTokens;
}


} // namespace Nash
