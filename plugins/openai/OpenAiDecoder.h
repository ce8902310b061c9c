//
// OpenAiDecoder.h
//


#ifndef Nash_OpenAiDecoder_INCLUDED
#define Nash_OpenAiDecoder_INCLUDED


#include "OpenAiChunkScanner.h"
#include "NashUpstream/SseParser.h"
#include "Nash/ChatDecoder.h"
#include "Nash/ChatEvents.h"
#include "Poco/JSON/Object.h"
#include <cstddef>
#include <string>


namespace Nash {


class OpenAiDecoder: public ChatDecoder
	/// Decodes a streamed Chat Completions answer: server-sent events, each
	/// a chat.completion.chunk as JSON, ended by "data: [DONE]".
	///
	/// The common chunk (a piece of text, maybe a finish reason) is read by
	/// OpenAiChunkScanner without building a JSON tree; the others (tool
	/// calls, usage, an error) are parsed in full.
{
public:
	OpenAiDecoder(std::string provider, std::size_t maxEventBytes);
		/// provider names the upstream in messages; maxEventBytes bounds one
		/// line of the stream.

	OpenAiDecoder(const OpenAiDecoder&) = delete;
	OpenAiDecoder& operator = (const OpenAiDecoder&) = delete;

	void feed(const char* data, std::size_t size, ChatEventSink& sink) override;
		/// Throws BackendException: Malformed for data that is not a JSON
		/// object or a line longer than maxEventBytes, ErrorReported for an
		/// error chunk.

	void end(ChatEventSink& sink) override;
		/// Throws BackendException (Incomplete) when [DONE] never came.

	bool isDone() const;
		/// True once [DONE] arrived.

	static Usage usageOf(const Poco::JSON::Object::Ptr& usage);
		/// The token counts of a usage object (prompt_tokens,
		/// completion_tokens); also those of a whole answer's.

private:
	void event(const NashUpstream::SseEvent& event);
	void chunk(const Poco::JSON::Object::Ptr& chunk);

	std::string _provider;
	NashUpstream::SseParser _parser;
	OpenAiChunkScanner _scanner;
	ChatEventSink* _sink = nullptr;
		// The sink of the feed() under way, for the parser's callback.
	bool _done = false;
};


} // namespace Nash


#endif // Nash_OpenAiDecoder_INCLUDED
