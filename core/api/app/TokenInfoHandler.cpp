//
// TokenInfoHandler.cpp
//


#include "core/api/app/TokenInfoHandler.h"
#include "core/api/app/AppChatRequest.h"
#include "core/chat/TokenEstimate.h"
#include "core/chat/ToolLoop.h"
#include "core/chat/ChatHandler.h"
#include "core/http/HttpError.h"
#include "core/http/RequestBody.h"
#include "core/json/JsonText.h"
#include "Poco/String.h"


namespace Nash {


namespace {


Poco::JSON::Array::Ptr problems(const Poco::JSON::Object::Ptr& body)
	/// The fields of token_info only: messages and model.
{
	Poco::JSON::Array::Ptr found = AppChatRequest::problems(body);
	Poco::JSON::Array::Ptr kept = new Poco::JSON::Array;
	for (std::size_t i = 0; i < found->size(); ++i)
	{
		Poco::JSON::Object::Ptr problem = found->getObject(static_cast<unsigned>(i));
		Poco::JSON::Array::Ptr loc = problem->getArray("loc");
		std::string field = loc && loc->size() > 1 && loc->get(1).isString() ? loc->get(1).extract<std::string>() : std::string();
		// An empty list is the handler's 400, not a validation error.
		if ((field == "messages" && problem->getValue<std::string>("type") != "too_short") || field == "model") kept->add(problem);
	}
	return kept;
}


} // namespace


TokenInfoHandler::TokenInfoHandler(ServerContext& context): JsonHandler(context)
{
}


void TokenInfoHandler::handle(Poco::Net::HTTPServerRequest& request, Poco::Net::HTTPServerResponse& response, AccessLog::Entry& entry)
{
	std::string body = RequestBody::read(request, context().settings.maxBodyBytes);
	Poco::JSON::Array::Ptr found;
	Poco::JSON::Object::Ptr object = AppChatRequest::parseBody(body, found);
	if (object) found = problems(object);
	if (found->size() > 0)
	{
		sendJson(response, 422, AppChatRequest::detailBody(found), entry);
		return;
	}
	Poco::JSON::Array::Ptr list = object->getArray("messages");
	std::string model = object->getValue<std::string>("model");
	if (list->size() == 0) throw HttpError(400, "Messages list is required");
	if (Poco::trim(model).empty()) throw HttpError(400, "Model identifier is required");
	entry.model = model;

	Poco::JSON::Object::Ptr answer = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
	long long window = contextWindow(model);
	long long used = 0;
	if (window > 0)
	{
		std::vector<ChatMessage> messages = AppChatRequest::messagesOf(list);
		ChatMessage system;
		system.role = "system";
		system.content = context().settings.appSystemPrompt;
		messages.insert(messages.begin(), system);
		used = estimate(messages, toolTokens());
	}
	answer->set("max_tokens", window);
	answer->set("used_tokens", used);
	answer->set("remaining_tokens", window - used);
	answer->set("model", model);
	if (window == 0) answer->set("error", "The context window of model '" + model + "' is not known");
	sendJson(response, 200, JsonText::write(answer), entry);
}


long long TokenInfoHandler::contextWindow(const std::string& model)
{
	static const std::vector<std::pair<std::string, long long>> families = {
		{"claude", 200000},
		{"gpt-4.1", 1047576},
		{"gpt-5", 400000},
		{"gpt-4o", 128000},
		{"gpt-4-turbo", 128000},
		{"gpt-4", 8192},
		{"gpt-3.5-turbo", 16385},
		{"o1", 200000},
		{"o3", 200000},
		{"o4", 200000}};
	std::string name = Poco::toLower(Poco::trim(model));
	// "anthropic/claude-..." as some clients write it.
	std::string::size_type slash = name.rfind('/');
	if (slash != std::string::npos) name = name.substr(slash + 1);
	for (const auto& family: families)
	{
		if (name.compare(0, family.first.size(), family.first) == 0) return family.second;
	}
	return 0;
}


long long TokenInfoHandler::estimate(const std::vector<ChatMessage>& messages, long long toolTokens)
{
	long long total = 3 + toolTokens;
	for (const auto& message: messages)
	{
		total += 3 + TokenEstimate::ofText(message.content);
		Poco::JSON::Array::Ptr calls = message.raw ? message.raw->getArray("tool_calls") : nullptr;
		for (std::size_t i = 0; calls && i < calls->size(); ++i)
		{
			Poco::JSON::Object::Ptr call = calls->getObject(static_cast<unsigned>(i));
			Poco::JSON::Object::Ptr function = call ? call->getObject("function") : nullptr;
			if (!function) continue;
			for (const char* field: {"name", "arguments"})
			{
				Poco::Dynamic::Var value = function->get(field);
				if (value.isString()) total += TokenEstimate::ofText(value.extract<std::string>());
			}
		}
	}
	return total;
}


long long TokenInfoHandler::toolTokens()
{
	try
	{
		CancellationToken never;
		std::unique_ptr<ToolBox> tools = ChatHandler::allowedTools(context(), {}, never);
		if (!tools) return 0;
		return TokenEstimate::ofText(JsonText::write(ToolLoop::toolsJson(tools->tools())));
	}
	catch (Poco::Exception&)
	{
		// The count is a hint; a server that does not answer now counts nothing.
		return 0;
	}
}


} // namespace Nash
