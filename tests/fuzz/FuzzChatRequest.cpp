//
// FuzzChatRequest.cpp
//
// A request body, as a client may send anything, through the decoder of each
// dialect (the original's, OpenAI's, Anthropic's, the Nash app's): parsed, validated and
// translated, and what the server writes back of it (the parts it echoes, an
// answer's events made from the request's own text) written as JSON.
//


#include "core/api/app/AppChatRequest.h"
#include "core/api/app/AppEvents.h"
#include "core/api/anthropic/MessagesEncoder.h"
#include "core/api/anthropic/MessagesRequest.h"
#include "core/api/nash/ChatRequestParser.h"
#include "core/api/openai/ChatCompletionsEncoder.h"
#include "core/api/openai/ChatCompletionsRequest.h"
#include "core/chat/ConversationLimits.h"
#include "core/chat/SystemPrompt.h"
#include "core/chat/TokenEstimate.h"
#include "core/http/RequestBody.h"
#include "core/chat/ToolLoop.h"
#include "core/json/JsonText.h"
#include "Poco/Exception.h"
#include <cstddef>
#include <cstdint>
#include <string>


namespace {


void original(const Poco::JSON::Object::Ptr& object)
{
	Nash::ChatInput input = Nash::ChatRequestParser::parse(object);
	Nash::SystemPrompt::ensureFirst(input.request.messages, "You are a helpful AI assistant.");
	Nash::ConversationLimits limits(20, 50000);
	if (limits.exceededBy(input.request.messages)) limits.warningEvent(input.request.messages);
	for (const auto& message: input.request.messages) Nash::JsonText::quote(message.content);
	Nash::JsonText::write(input.request.extra);
}


Nash::ToolCallDelta toolCallOf(const Nash::ChatMessage& message, int index)
	/// A tool call made of a message's text: arbitrary names and arguments.
{
	Nash::ToolCallDelta delta;
	delta.index = index;
	delta.id = message.role;
	delta.name = message.content.substr(0, 16);
	delta.argumentsFragment = message.content;
	return delta;
}


void openAi(const Poco::JSON::Object::Ptr& object)
{
	Nash::ChatCompletionsRequest request = Nash::ChatCompletionsRequest::parse(object);
	Nash::ChatCompletionsEncoder encoder("chatcmpl-f", 0, request.input.modelSpec, request.includeUsage);
	encoder.roleChunk();
	int index = 0;
	for (const auto& message: request.input.request.messages)
	{
		encoder.content(message.content);
		encoder.toolCall(toolCallOf(message, index++ % 3));
	}
	encoder.finish(request.input.request.messages.back().content);
	encoder.finishChunk();
	Nash::Usage estimate;
	estimate.promptTokens = Nash::TokenEstimate::ofPrompt(request.input.request.messages);
	Nash::JsonText::parseObject(encoder.completion(estimate));
	Nash::JsonText::write(request.input.request.extra);
}


void anthropic(const Poco::JSON::Object::Ptr& object)
{
	Nash::MessagesRequest request = Nash::MessagesRequest::parse(object);
	Nash::MessagesEncoder encoder("msg_f", request.input.modelSpec, Nash::TokenEstimate::ofPrompt(request.input.request.messages));
	encoder.start();
	int index = 0;
	for (const auto& message: request.input.request.messages)
	{
		encoder.content(message.content);
		encoder.toolCall(toolCallOf(message, index++ % 3));
	}
	encoder.finish(request.input.request.messages.back().content);
	// The whole answer must be JSON, whatever the tool arguments were.
	Nash::JsonText::parseObject(encoder.message(1));
	encoder.end(1);
	Nash::JsonText::write(request.input.request.extra);
}


void app(const Poco::JSON::Object::Ptr& object)
{
	// The validation list and the events must be JSON whatever the body held.
	Poco::JSON::Array::Ptr problems = Nash::AppChatRequest::problems(object);
	Nash::JsonText::parseObject("{\"detail\": " + Nash::JsonText::writeAscii(problems) + "}");
	if (problems->size() > 0) return;
	Nash::AppChatRequest request = Nash::AppChatRequest::from(object);
	for (auto& message: request.messages)
	{
		Nash::JsonText::parseObject(Nash::AppEvents::streamContent(message.content).substr(6));
		Nash::JsonText::parseObject(Nash::AppEvents::toolResult(Nash::ToolLoop::shortened(message.content, 7)).substr(6));
	}
	Nash::ToolLoop::shortenOldResults(request.messages, 5);
	Poco::JSON::Array::Ptr raw = new Poco::JSON::Array;
	for (const auto& message: request.messages) raw->add(message.raw);
	Nash::JsonText::parseObject(Nash::AppEvents::newRawLlmMessages(raw).substr(6));
}


} // namespace


extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
	std::string body(reinterpret_cast<const char*>(data), size);
	Poco::JSON::Object::Ptr object;
	try
	{
		object = Nash::RequestBody::parseObject(body, false);
		Nash::JsonText::write(object);
	}
	catch (Poco::Exception&)
	{
		return 0;
	}
	// Refusing a request is the expected outcome for most inputs.
	for (auto decode: {original, openAi, anthropic, app})
	{
		try
		{
			decode(object);
		}
		catch (Poco::Exception&)
		{
		}
	}
	return 0;
}
