//
// OllamaDecoder.h
//


#ifndef Nash_OllamaDecoder_INCLUDED
#define Nash_OllamaDecoder_INCLUDED


#include "OllamaStream.h"
#include "NashUpstream/NdjsonParser.h"
#include "Nash/ChatDecoder.h"
#include <cstddef>
#include <string>


namespace Nash {


class OllamaDecoder: public ChatDecoder
	/// Decodes a streamed /api/chat answer: newline-delimited JSON, one
	/// object a line, the last with "done": true. The lines are split here
	/// and translated by OllamaStream.
{
public:
	OllamaDecoder(std::string provider, std::size_t maxLineBytes);
		/// provider names the upstream in messages; maxLineBytes bounds one
		/// line of the stream.

	OllamaDecoder(const OllamaDecoder&) = delete;
	OllamaDecoder& operator = (const OllamaDecoder&) = delete;

	void feed(const char* data, std::size_t size, ChatEventSink& sink) override;
		/// Throws BackendException: Malformed for a line that is not a JSON
		/// object or longer than maxLineBytes, ErrorReported for a line with
		/// an error.

	void end(ChatEventSink& sink) override;
		/// Translates a last line that lacks its newline. Throws
		/// BackendException (Incomplete) when no line had "done": true.

	bool isComplete() const;
		/// True once the line with "done": true arrived.

private:
	void line(const std::string& text);

	std::string _provider;
	NashUpstream::NdjsonParser _parser;
	OllamaStream _stream;
	ChatEventSink* _sink = nullptr;
		// The sink of the feed() under way, for the parser's callback.
};


} // namespace Nash


#endif // Nash_OllamaDecoder_INCLUDED
