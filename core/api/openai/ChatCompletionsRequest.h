//
// ChatCompletionsRequest.h
//
// A request of the OpenAI Chat Completions dialect, decoded.
//


#ifndef Nash_ChatCompletionsRequest_INCLUDED
#define Nash_ChatCompletionsRequest_INCLUDED


#include "core/api/nash/ChatRequestParser.h"
#include "Poco/JSON/Object.h"
#include <string>


namespace Nash {


struct ChatCompletionsRequest
	/// What POST /v1/chat/completions asks for, in the pipeline's terms.
{
	ChatInput input;
		/// The model as named, the messages, the generation fields; every
		/// other field (tools, tool_choice, response_format, seed, n, user,
		/// ...) in input.request.extra, for backends that pass it on.
	bool stream = false;
	bool includeUsage = false;
		/// stream_options.include_usage.

	static ChatCompletionsRequest parse(const Poco::JSON::Object::Ptr& body);
		/// Validates body as OpenAI's API reference describes it, or throws
		/// HttpError 400 naming the field. Roles are system, developer (read
		/// as system), user, assistant and tool; an assistant message may
		/// leave out its content when it has tool_calls; content may be a
		/// string, null or an array of parts (the text of text parts is the
		/// message's text; the parts themselves, images included, stay in
		/// the message for backends that pass messages on).
		/// max_completion_tokens is max_tokens when that is not given (and
		/// stays for backends that pass it on). n other than 1, logprobs
		/// true and top_logprobs other than 0 are refused: the pipeline
		/// carries one answer, without log probabilities.
};


} // namespace Nash


#endif // Nash_ChatCompletionsRequest_INCLUDED
