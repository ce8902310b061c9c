//
// FuzzChatRequest.cpp
//
// A request body, as a client may send anything: parsed, validated, and the
// parts the server echoes written back as JSON.
//


#include "core/api/nash/ChatRequestParser.h"
#include "core/chat/ConversationLimits.h"
#include "core/json/JsonText.h"
#include "core/http/RequestBody.h"
#include "core/chat/SystemPrompt.h"
#include "core/chat/TokenEstimate.h"
#include "Poco/Exception.h"
#include <cstddef>
#include <cstdint>
#include <string>


extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
	std::string body(reinterpret_cast<const char*>(data), size);
	try
	{
		Poco::JSON::Object::Ptr object = Nash::RequestBody::parseObject(body, false);
		Nash::JsonText::write(object);
		Nash::ChatInput input = Nash::ChatRequestParser::parse(object);
		Nash::SystemPrompt::ensureFirst(input.request.messages, "You are a helpful AI assistant.");
		Nash::ConversationLimits limits(20, 50000);
		if (limits.exceededBy(input.request.messages)) limits.warningEvent(input.request.messages);
		for (const auto& message: input.request.messages) Nash::JsonText::quote(message.content);
		Nash::JsonText::write(input.request.extra);
	}
	catch (Poco::Exception&)
	{
		// Refusing a request is the expected outcome for most inputs.
	}
	return 0;
}
