//
// ApiDialect.h
//


#ifndef FakeUpstream_ApiDialect_INCLUDED
#define FakeUpstream_ApiDialect_INCLUDED


#include "ToolScript.h"
#include "Poco/JSON/Object.h"
#include "Poco/Net/HTTPRequest.h"
#include "Poco/Net/NameValueCollection.h"
#include "Poco/Timestamp.h"
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

	virtual std::string invalidRequestBody(const std::string& message) const = 0;
		/// The API's 400 document for a request it refuses, saying why.

	virtual void addAnswerHeaders(const Poco::Net::HTTPRequest& request, const Poco::Timestamp& now, Poco::Net::NameValueCollection& headers) const;
		/// Headers for a successful answer to request, asked for by the
		/// request's X-Fake-* headers; none by default.

	virtual bool runsScripts() const;
		/// Whether the script-* models are scripted here; false by default
		/// (they answer as any other model then), and the methods below are
		/// only called when true.

	virtual std::string scriptProblem(const Poco::JSON::Object& body) const;
		/// Why the real API would refuse body, as its error message says it;
		/// empty when it would accept it.

	virtual ToolHistory toolHistory(const Poco::JSON::Object& body) const;
		/// What a scripted model reads from body's conversation.

	virtual std::string toolIdPrefix() const;
		/// How the API's tool call ids begin ("toolu_", "call_").

	virtual void appendScriptedAnswer(std::string& out, const Exchange& exchange, const ScriptedTurn& turn) const;
		/// The whole non-streamed body of turn.

	virtual void appendScriptedEvents(std::vector<std::string>& events, const Exchange& exchange, const ScriptedTurn& turn) const;
		/// The events of the whole streamed turn, one string each.

	static std::string lastUserText(const Poco::JSON::Object& body);
		/// The content of the last "messages" entry with role "user": its
		/// string, or the text parts of a content array joined.

	static std::string firstUserText(const Poco::JSON::Object& body);
		/// The same of the first "messages" entry with role "user".

	static std::string contentText(const Poco::Dynamic::Var& content);
		/// A content member's string, or the "text" members of the parts of
		/// its array that have type "text", joined; empty otherwise.

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
