//
// AppEvents.h
//


#ifndef Nash_AppEvents_INCLUDED
#define Nash_AppEvents_INCLUDED


#include "Poco/JSON/Array.h"
#include <string>


namespace Nash {


class AppEvents
	/// The exact bytes of the Nash desktop app dialect's SSE events
	/// (docs/app.md, "The events"): each is "data: <JSON>\n\n" with the JSON
	/// written as Python's json.dumps writes it (JsonText::writeAscii():
	/// non-ASCII escaped as \uXXXX, ", " and ": " separators) and its eight
	/// keys in the order the app's original server wrote them. Pure
	/// functions: nothing is written anywhere.
	///
	/// The strings given are UTF-8; invalid bytes become \ufffd. The callers
	/// keep to the protocol's rules (no empty deltas, a non-empty tool result
	/// and message list); these functions write whatever they are given.
{
public:
	static std::string streamContent(const std::string& text);
		/// A stream event carrying a text delta:
		/// data: {"content": "<text>", "tool_name": null, "tool_args": null,
		/// "type": "stream", "tool_result": null, "new_raw_llm_messages": [],
		/// "finish_reason": null, "sleep_seconds": 0}

	static std::string streamToolName(const std::string& name);
		/// A stream event carrying a tool call's full name in tool_name,
		/// content and tool_args null.

	static std::string streamToolArgs(const std::string& fragment);
		/// A stream event carrying a fragment of a tool call's arguments in
		/// tool_args, content and tool_name null.

	static std::string streamEmpty();
		/// The stream event with content, tool_name and tool_args all null,
		/// sent at the end of a round before its finish_reason.

	static std::string finishReason(const std::string& reason);
		/// data: {"type": "finish_reason", "content": null, "tool_name": null,
		/// "tool_args": null, "tool_result": null, "new_raw_llm_messages": null,
		/// "finish_reason": "<reason>", "sleep_seconds": null}

	static std::string sleepSeconds(double seconds);
		/// The rate-limit wait: type "sleep_seconds", all null but
		/// sleep_seconds, the number written as Python's repr(float)
		/// (1.83, 2.0).

	static std::string toolResult(const std::string& text);
		/// type "tool_result", tool_result the text, new_raw_llm_messages [],
		/// the others null.

	static std::string newRawLlmMessages(const Poco::JSON::Array::Ptr& messages);
		/// type "new_raw_llm_messages", new_raw_llm_messages the list (its
		/// objects in their own key order), the others null. A null Ptr is
		/// written as [], never as null: the app extends its history with it.

	static std::string error(const std::string& message);
		/// data: {"error": "<message>"}
		/// message is the whole text, "<Class>: <message>".

	static std::string done();
		/// data: [DONE]
};


} // namespace Nash


#endif // Nash_AppEvents_INCLUDED
