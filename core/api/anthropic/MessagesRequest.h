//
// MessagesRequest.h
//
// A request of the Anthropic Messages dialect, decoded.
//


#ifndef Nash_MessagesRequest_INCLUDED
#define Nash_MessagesRequest_INCLUDED


#include "core/api/nash/ChatRequestParser.h"
#include "Poco/JSON/Object.h"


namespace Nash {


struct MessagesRequest
	/// What POST /v1/messages asks for, in the pipeline's terms: messages
	/// in the shape every backend reads (the OpenAI Chat Completions shape,
	/// which the backends translate to their provider's).
{
	ChatInput input;
	bool stream = false;

	static MessagesRequest parse(const Poco::JSON::Object::Ptr& body, bool requireMaxTokens = true);
		/// Validates body as Anthropic's API reference describes it, or
		/// throws HttpError 400 naming the field, and translates it:
		///
		/// - system (a string or text blocks) becomes the first message; a
		///   message of role system (what Anthropic's mid-conversation
		///   system messages are) a system message where it stands;
		/// - text and image blocks (base64 and url sources) become content
		///   parts (images as image_url, base64 as a data URL);
		/// - an assistant's tool_use blocks become its tool_calls (input as
		///   JSON text), a user's tool_result blocks one "tool" message each,
		///   ahead of the rest of that turn (an error result's text is
		///   marked "[error]"; its images go with the rest of the turn);
		/// - thinking blocks, which only the model that wrote them can
		///   read, are left out;
		/// - tools become function tools, tool_choice auto/any/tool/none
		///   auto/required/a named function/none, disable_parallel_tool_use
		///   parallel_tool_calls false; stop_sequences is stop, metadata's
		///   user_id is user; top_k and other fields go on untouched.
		///
		/// Blocks and tools that cannot be carried this way (documents,
		/// server tools, search results) are refused with 400 naming them.
		/// count_tokens requests leave requireMaxTokens false.
};


} // namespace Nash


#endif // Nash_MessagesRequest_INCLUDED
