//
// OllamaStream.cpp
//


#include "OllamaStream.h"
#include "NashUpstream/JsonFields.h"
#include "Nash/BackendException.h"
#include "Poco/JSON/Array.h"
#include <sstream>


using NashUpstream::JsonFields;


namespace Nash {


OllamaStream::OllamaStream(std::string provider):
	_provider(std::move(provider))
{
}


bool OllamaStream::isComplete() const
{
	return _complete;
}


std::string OllamaStream::finishReason(const std::string& doneReason, bool calledTools)
{
	if (doneReason.empty() || doneReason == "stop") return calledTools ? "tool_calls" : "stop";
	return doneReason;
}


Usage OllamaStream::usageOf(const Poco::JSON::Object::Ptr& answer)
{
	Usage usage;
	usage.promptTokens = JsonFields::integer(answer, "prompt_eval_count");
	usage.completionTokens = JsonFields::integer(answer, "eval_count");
	return usage;
}


std::string OllamaStream::errorOf(const Poco::JSON::Object::Ptr& answer)
{
	if (answer.isNull() || !answer->has("error") || answer->get("error").isEmpty()) return std::string();
	std::string message = answer->isObject("error") ? JsonFields::string(answer->getObject("error"), "message") : JsonFields::string(answer, "error");
	return message.empty() ? std::string("(no message)") : message;
}


void OllamaStream::handle(const Poco::JSON::Object::Ptr& line, ChatEventSink& sink)
{
	if (_complete || line.isNull()) return;
	std::string error = errorOf(line);
	if (!error.empty()) throw BackendException(_provider + " reported an error mid-stream: " + error, 0, BackendException::Cause::ErrorReported);

	Poco::JSON::Object::Ptr message = line->getObject("message");
	std::string content = JsonFields::string(message, "content");
	if (!content.empty()) sink.content(content);
	Poco::JSON::Array::Ptr toolCalls = message ? message->getArray("tool_calls") : nullptr;
	for (std::size_t i = 0; toolCalls && i < toolCalls->size(); ++i)
	{
		Poco::JSON::Object::Ptr toolCall = toolCalls->getObject(static_cast<unsigned>(i));
		Poco::JSON::Object::Ptr function = toolCall ? toolCall->getObject("function") : nullptr;
		if (!function) continue;
		ToolCallDelta delta;
		delta.index = _toolCalls++;
		delta.id = JsonFields::string(toolCall, "id");
		if (delta.id.empty()) delta.id = "call_" + std::to_string(delta.index);
		delta.name = JsonFields::string(function, "name");
		Poco::Dynamic::Var arguments = function->has("arguments") ? function->get("arguments") : Poco::Dynamic::Var();
		if (arguments.isString())
		{
			delta.argumentsFragment = arguments.extract<std::string>();
		}
		else if (arguments.type() == typeid(Poco::JSON::Object::Ptr))
		{
			std::ostringstream text;
			arguments.extract<Poco::JSON::Object::Ptr>()->stringify(text);
			delta.argumentsFragment = text.str();
		}
		else
		{
			delta.argumentsFragment = "{}";
		}
		sink.toolCallDelta(delta);
	}

	Poco::Dynamic::Var done = line->has("done") ? line->get("done") : Poco::Dynamic::Var();
	if (done.isBoolean() && done.extract<bool>())
	{
		sink.usage(usageOf(line));
		sink.finish(finishReason(JsonFields::string(line, "done_reason"), _toolCalls > 0));
		_complete = true;
	}
}


} // namespace Nash
