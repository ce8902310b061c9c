//
// OllamaStream.h
//


#ifndef Nash_OllamaStream_INCLUDED
#define Nash_OllamaStream_INCLUDED


#include "Nash/ChatEventSink.h"
#include "Nash/ChatEvents.h"
#include "Poco/JSON/Object.h"
#include <string>


namespace Nash {


class OllamaStream
	/// Turns the lines of one streamed /api/chat answer, each parsed, into
	/// calls of a ChatEventSink (OllamaDecoder splits the bytes into lines).
	///
	/// Ollama sends each tool call whole, its arguments as a JSON object and
	/// often without an id; the sink gets one fragment per call with the
	/// arguments as JSON text and an id made up where Ollama sent none, so
	/// that a client can answer the call as it would answer OpenAI's.
{
public:
	explicit OllamaStream(std::string provider);
		/// provider names the upstream in messages.

	void handle(const Poco::JSON::Object::Ptr& line, ChatEventSink& sink);
		/// One line of the stream. Lines after the one with "done": true are
		/// ignored. Throws Nash::BackendException (ErrorReported) when the
		/// line carries an error.

	bool isComplete() const;
		/// True once the line with "done": true arrived: only then is the
		/// answer whole.

	static std::string finishReason(const std::string& doneReason, bool calledTools);
		/// The finish reason clients know from OpenAI: Ollama says "stop"
		/// also when the model called tools, where OpenAI says "tool_calls".

	static Usage usageOf(const Poco::JSON::Object::Ptr& answer);
		/// The token counts of a final line or a whole answer
		/// (prompt_eval_count, eval_count).

	static std::string errorOf(const Poco::JSON::Object::Ptr& answer);
		/// The message of an "error" field, a string or an object with a
		/// message; empty when there is none.

private:
	std::string _provider;
	int _toolCalls = 0;
	bool _complete = false;
};


} // namespace Nash


#endif // Nash_OllamaStream_INCLUDED
