//
// StreamEvents.h
//


#ifndef Nash_StreamEvents_INCLUDED
#define Nash_StreamEvents_INCLUDED


#include "Nash/ChatEvents.h"
#include <exception>
#include <string>


namespace Nash {


class StreamEvents
	/// The JSON payloads of the chat stream's events.
{
public:
	static std::string session(const std::string& sessionId);
		/// {"session_id": "<id>"}
	static std::string content(const std::string& text);
		/// {"content": "<text>"}
	static std::string error(const std::string& message);
		/// {"error": "<message>"}
	static std::string toolCall(const ToolCallDelta& delta);
		/// {"tool_call_delta": {"index": 0, "id": ..., "name": ..., "arguments": ...}}
	static std::string toolLoopCall(const std::string& id, const std::string& name, const std::string& arguments);
		/// {"tool_call": {"id": ..., "name": ..., "arguments": "<JSON text>"}}: a
		/// call the server's tool loop is about to run.
	static std::string toolLoopResult(const std::string& id, const std::string& name, const std::string& content, bool isError);
		/// {"tool_result": {"id": ..., "name": ..., "content": ..., "is_error": false}}

	static std::string messageOf(const std::exception& exc);
		/// What a client is told of a backend failure: the exception's own
		/// message (its display text when the message is empty), without the
		/// credentials of the URLs in it (NashUpstream::Redaction::text()).
};


} // namespace Nash


#endif // Nash_StreamEvents_INCLUDED
