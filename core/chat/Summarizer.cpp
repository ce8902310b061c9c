//
// Summarizer.cpp
//


#include "core/chat/Summarizer.h"
#include "core/http/HttpError.h"
#include "core/json/JsonText.h"
#include "core/api/nash/StreamEvents.h"
#include "core/chat/TokenEstimate.h"
#include "Poco/JSON/Array.h"


namespace Nash {


Summarizer::Summarizer(std::string systemPrompt): _systemPrompt(std::move(systemPrompt))
{
}


ChatRequest Summarizer::buildRequest(const std::vector<ChatMessage>& conversation, const std::string& model) const
{
	std::string transcript = "Please summarize this conversation:\n\n";
	for (std::size_t i = 0; i < conversation.size(); ++i)
	{
		if (i > 0) transcript += '\n';
		transcript += conversation[i].role;
		transcript += ": ";
		transcript += conversation[i].content;
	}

	ChatRequest request;
	request.model = model;
	request.extra = JsonText::object();
	ChatMessage system;
	system.role = "system";
	system.content = _systemPrompt;
	ChatMessage user;
	user.role = "user";
	user.content = std::move(transcript);
	if (!system.content.empty()) request.messages.push_back(std::move(system));
	request.messages.push_back(std::move(user));
	return request;
}


Poco::JSON::Object::Ptr Summarizer::summarize(const BackendRoute& route, const std::vector<ChatMessage>& messages,
	const std::string& sessionId, const CancellationToken& cancellation, RequestMeter* meter) const
{
	const ChatMessage* systemMessage = nullptr;
	std::vector<ChatMessage> conversation;
	for (std::size_t i = 0; i < messages.size(); ++i)
	{
		if (i == 0 && messages[i].role == "system") systemMessage = &messages[i];
		else conversation.push_back(messages[i]);
	}
	if (conversation.empty())
		throw HttpError::badRequest("No messages to summarize");

	ChatRequest request = buildRequest(conversation, route.model);
	request.sessionId = sessionId;
	std::string summary;
	try
	{
		RequestMeter::Wait wait(meter);
		ChatResult result = route.backend->complete(request, cancellation);
		wait.end();
		if (meter)
			meter->addTokens(result.usage.promptTokens.isNull() ? 0 : result.usage.promptTokens.value(),
				result.usage.completionTokens.isNull() ? 0 : result.usage.completionTokens.value());
		summary = std::move(result.content);
	}
	catch (std::exception& exc)
	{
		throw HttpError(502, "Error during summarization: " + StreamEvents::messageOf(exc), "error");
	}

	std::vector<ChatMessage> kept;
	Poco::JSON::Array::Ptr keptJson = new Poco::JSON::Array;
	if (systemMessage)
	{
		kept.push_back(*systemMessage);
		keptJson->add(systemMessage->raw);
	}
	ChatMessage summaryMessage;
	summaryMessage.role = "assistant";
	summaryMessage.content = "Previous conversation summary:\n" + summary;
	kept.push_back(summaryMessage);
	Poco::JSON::Object::Ptr summaryJson = JsonText::object();
	summaryJson->set("role", summaryMessage.role);
	summaryJson->set("content", summaryMessage.content);
	keptJson->add(summaryJson);

	Poco::JSON::Object::Ptr reduction = JsonText::object();
	reduction->set("before", TokenEstimate::of(conversation));
	reduction->set("after", TokenEstimate::of(kept));

	Poco::JSON::Object::Ptr answer = JsonText::object();
	answer->set("success", true);
	answer->set("summary", summary);
	answer->set("messages", keptJson);
	answer->set("token_reduction", reduction);
	answer->set("session_id", sessionId);
	return answer;
}


} // namespace Nash
