//
// CountTokensHandler.cpp
//


#include "core/api/anthropic/CountTokensHandler.h"
#include "core/api/anthropic/AnthropicErrors.h"
#include "core/api/anthropic/MessagesRequest.h"
#include "core/chat/TokenEstimate.h"
#include "core/http/RequestBody.h"
#include "core/json/JsonText.h"
#include "Poco/JSON/Array.h"


namespace Nash {


CountTokensHandler::CountTokensHandler(ServerContext& context): ChatHandler(context)
{
}


ErrorAnswer CountTokensHandler::errorAnswer(const ErrorReply& reply) const
{
	return AnthropicErrors::answer(reply);
}


void CountTokensHandler::handle(Poco::Net::HTTPServerRequest& request, Poco::Net::HTTPServerResponse& response, AccessLog::Entry& entry)
{
	std::string body = RequestBody::read(request, context().settings.maxBodyBytes);
	MessagesRequest call = MessagesRequest::parse(RequestBody::parseObject(body, false), false);
	route(call.input, entry, true);

	const ChatRequest& chat = call.input.request;
	long long tokens = TokenEstimate::ofPrompt(chat.messages);
	for (const auto& message: chat.messages)
	{
		Poco::JSON::Array::Ptr toolCalls = message.raw ? message.raw->getArray("tool_calls") : nullptr;
		if (toolCalls) tokens += TokenEstimate::ofText(JsonText::write(toolCalls));
	}
	Poco::JSON::Array::Ptr tools = chat.extra->getArray("tools");
	if (tools) tokens += TokenEstimate::ofText(JsonText::write(tools));
	sendJson(response, 200, "{\"input_tokens\": " + std::to_string(tokens) + "}", entry);
}


} // namespace Nash
