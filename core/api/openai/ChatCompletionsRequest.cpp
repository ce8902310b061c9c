//
// ChatCompletionsRequest.cpp
//


#include "core/api/openai/ChatCompletionsRequest.h"
#include "core/http/HttpError.h"
#include "core/json/JsonText.h"
#include "Poco/JSON/Array.h"


namespace Nash {


namespace {


Poco::JSON::Object::Ptr normalizedMessage(const Poco::JSON::Object::Ptr& message, std::size_t index)
	/// message in the terms of the shared parser: "developer" is "system",
	/// and an assistant's missing content is null. The same object when
	/// nothing changes.
{
	if (message.isNull()) return message;
	Poco::Dynamic::Var role = message->get("role");
	bool developer = role.isString() && role.extract<std::string>() == "developer";
	bool assistant = role.isString() && role.extract<std::string>() == "assistant";
	if (!developer && !(assistant && !message->has("content"))) return message;
	if (assistant && !message->has("tool_calls"))
		throw HttpError::badRequest("Field 'messages[" + std::to_string(index) + "].content' is required when the message has no 'tool_calls'");
	Poco::JSON::Object::Ptr copy = JsonText::object();
	for (const auto& name: message->getNames()) copy->set(name, message->get(name));
	if (developer) copy->set("role", std::string("system"));
	if (!copy->has("content")) copy->set("content", Poco::Dynamic::Var());
	return copy;
}


} // namespace


ChatCompletionsRequest ChatCompletionsRequest::parse(const Poco::JSON::Object::Ptr& body)
{
	ChatCompletionsRequest request;

	Poco::Dynamic::Var stream = body->get("stream");
	if (!stream.isEmpty())
	{
		if (stream.type() != typeid(bool)) throw HttpError::badRequest("Field 'stream' must be true or false");
		request.stream = stream.extract<bool>();
	}
	Poco::Dynamic::Var options = body->get("stream_options");
	if (!options.isEmpty())
	{
		if (options.type() != typeid(Poco::JSON::Object::Ptr)) throw HttpError::badRequest("Field 'stream_options' must be an object");
		Poco::Dynamic::Var includeUsage = options.extract<Poco::JSON::Object::Ptr>()->get("include_usage");
		if (!includeUsage.isEmpty())
		{
			if (includeUsage.type() != typeid(bool)) throw HttpError::badRequest("Field 'stream_options.include_usage' must be true or false");
			request.includeUsage = includeUsage.extract<bool>();
		}
	}

	// One answer a request, as text and tool calls: what a backend cannot
	// give back is refused rather than silently left out.
	Poco::Dynamic::Var n = body->get("n");
	if (!n.isEmpty() && !(n.isInteger() && n.convert<Poco::Int64>() == 1))
		throw HttpError::badRequest("Field 'n' must be 1: this gateway returns one choice a request; send several requests for several answers");
	Poco::Dynamic::Var logprobs = body->get("logprobs");
	if (!logprobs.isEmpty() && !(logprobs.type() == typeid(bool) && !logprobs.extract<bool>()))
		throw HttpError::badRequest("Field 'logprobs' must be false or left out: this gateway does not return log probabilities");
	Poco::Dynamic::Var topLogprobs = body->get("top_logprobs");
	if (!topLogprobs.isEmpty() && !(topLogprobs.isInteger() && topLogprobs.convert<Poco::Int64>() == 0))
		throw HttpError::badRequest("Field 'top_logprobs' must be 0 or left out: this gateway does not return log probabilities");

	// The shared parser reads the rest from a copy in its terms; the
	// client's own objects are not changed.
	Poco::JSON::Object::Ptr shared = JsonText::object();
	for (const auto& name: body->getNames())
	{
		if (name == "stream" || name == "stream_options") continue;
		shared->set(name, body->get(name));
	}
	// Every backend reads the limit as max_tokens; max_completion_tokens
	// also stays, for OpenAI's reasoning models, which take only that.
	Poco::Dynamic::Var maxCompletion = body->get("max_completion_tokens");
	if (!maxCompletion.isEmpty() && body->get("max_tokens").isEmpty()) shared->set("max_tokens", maxCompletion);
	Poco::JSON::Array::Ptr messages = body->getArray("messages");
	if (messages)
	{
		Poco::JSON::Array::Ptr normalized = new Poco::JSON::Array;
		for (std::size_t i = 0; i < messages->size(); ++i)
		{
			Poco::JSON::Object::Ptr message = messages->getObject(static_cast<unsigned>(i));
			if (message.isNull()) normalized->add(messages->get(static_cast<unsigned>(i)));
			else normalized->add(normalizedMessage(message, i));
		}
		shared->set("messages", normalized);
	}
	// OpenAI has no session; the id only names the exchange in the log.
	shared->remove("session_id");
	request.input = ChatRequestParser::parse(shared);
	if (body->has("session_id")) request.input.request.extra->set("session_id", body->get("session_id"));
	return request;
}


} // namespace Nash
