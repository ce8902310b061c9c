//
// ApiDialect.h
//


#ifndef FakeUpstream_ApiDialect_INCLUDED
#define FakeUpstream_ApiDialect_INCLUDED


#include "Poco/JSON/Object.h"
#include <string>
#include <vector>


namespace FakeUpstream {


struct Exchange
	/// One answer being produced: what every event of it repeats.
{
	std::string model;
	long long serial = 0;
		/// Numbers the answers of this process (for their ids).
	std::string id;
	long long created = 0;
		/// Unix seconds.
	std::string createdAt;
		/// The same instant in ISO 8601 (Ollama).
	int inputTokens = 0;
	int outputTokens = 0;
	bool includeUsage = false;
		/// OpenAI's stream_options.include_usage.
	std::string text;
		/// The whole answer (not streamed answers only).
};


class ApiDialect
	/// The wire format of one provider's chat API. Each method appends to out
	/// so that a stream reuses one buffer; "events" are complete on the wire
	/// (an SSE event with its blank line, an NDJSON line with its newline).
{
public:
	enum Reply
	{
		TEXT,
		TOOL_CALL
	};

	virtual ~ApiDialect();

	virtual std::string name() const = 0;
		/// "openai", "anthropic" or "ollama", as the answer text names it.

	virtual bool streamRequested(const Poco::JSON::Object& body) const;
		/// The request's "stream" member; false when absent.

	virtual std::string streamContentType() const = 0;

	virtual void prepare(Exchange& exchange, const Poco::JSON::Object& body) const = 0;
		/// Fills the id and what the API reads from the request.

	virtual std::string errorBody(int status, const std::string& model) const = 0;
		/// The API's error document for status.

	virtual void appendAnswer(std::string& out, const Exchange& exchange, Reply reply) const = 0;
		/// The whole non-streamed response body.

	virtual void appendStreamStart(std::string& out, const Exchange& exchange, Reply reply) const = 0;
		/// The events before the first piece of content.

	virtual void appendContent(std::string& out, const Exchange& exchange, const std::string& piece) const = 0;
		/// One event carrying piece of the answer text.

	virtual void appendToolEvents(std::vector<std::string>& events, const Exchange& exchange) const = 0;
		/// The events that carry the tool call's arguments, one string each.

	virtual void appendStreamEnd(std::string& out, const Exchange& exchange, Reply reply) const = 0;
		/// The events that end a complete stream.

	virtual void appendMalformed(std::string& out) const = 0;
		/// An event whose payload is not valid JSON.

	virtual void appendStreamError(std::string& out, const std::string& message) const = 0;
		/// The event by which the API reports an error after the stream began.

	virtual void appendModelList(std::string& out) const = 0;
		/// The model listing (/v1/models, /api/tags).

	static std::string lastUserText(const Poco::JSON::Object& body);
		/// The content of the last "messages" entry with role "user": its
		/// string, or the text parts of a content array joined.

	static std::vector<std::string> splitWords(const std::string& text);
		/// text cut before each word, the spaces before a word kept with it,
		/// so that the pieces joined are text again.

	static int countWords(const std::string& text);

	static const std::string toolName;
	static const std::string toolArgumentsStart;
	static const std::string toolArgumentsEnd;
		/// The tool call of the "tools" model: get_weather with arguments
		/// {"city": "Paris"}, streamed in these two fragments.
};


} // namespace FakeUpstream


#endif // FakeUpstream_ApiDialect_INCLUDED
