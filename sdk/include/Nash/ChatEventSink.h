//
// ChatEventSink.h
//


#ifndef Nash_ChatEventSink_INCLUDED
#define Nash_ChatEventSink_INCLUDED


#include "Nash/ChatEvents.h"
#include <string>


namespace Nash {


class ChatEventSink
	/// Receives a streamed answer, piece by piece, the moment the backend has
	/// it. The server writes each piece to its client before the call returns.
	///
	/// Errors are not events: a backend that fails throws (see
	/// BackendException.h), before or after it delivered content.
{
public:
	virtual ~ChatEventSink() = default;

	virtual void content(const std::string& text) = 0;
		/// A piece of the answer's text (UTF-8). Empty pieces are ignored.

	virtual void toolCallDelta(const ToolCallDelta& delta) = 0;
		/// A fragment of a tool call.

	virtual void usage(const Usage& usage) = 0;
		/// Token counts, usually once near the end.

	virtual void finish(const std::string& reason) = 0;
		/// Why the model stopped ("stop", "length", "tool_calls" ...).
};


} // namespace Nash


#endif // Nash_ChatEventSink_INCLUDED
