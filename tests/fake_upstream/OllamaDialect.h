//
// OllamaDialect.h
//


#ifndef FakeUpstream_OllamaDialect_INCLUDED
#define FakeUpstream_OllamaDialect_INCLUDED


#include "ApiDialect.h"


namespace FakeUpstream {


class OllamaDialect: public ApiDialect
	/// Ollama (POST /api/chat, GET /api/tags): newline-delimited JSON objects,
	/// the last one with "done": true. Streams unless "stream" is false.
{
public:
	std::string name() const override;
	bool streamRequested(const Poco::JSON::Object& body) const override;
	std::string streamContentType() const override;
	void prepare(Exchange& exchange, const Poco::JSON::Object& body) const override;
	std::string errorBody(int status, const std::string& model) const override;
	void appendAnswer(std::string& out, const Exchange& exchange, Reply reply) const override;
	void appendStreamStart(std::string& out, const Exchange& exchange, Reply reply) const override;
	void appendContent(std::string& out, const Exchange& exchange, const std::string& piece) const override;
	void appendToolEvents(std::vector<std::string>& events, const Exchange& exchange) const override;
	void appendStreamEnd(std::string& out, const Exchange& exchange, Reply reply) const override;
	void appendMalformed(std::string& out) const override;
	void appendStreamError(std::string& out, const std::string& message) const override;
	void appendModelList(std::string& out) const override;
	std::string invalidRequestBody(const std::string& message) const override;

private:
	static void appendLineStart(std::string& out, const Exchange& exchange);
		/// "{" and the members every line repeats, up to "message".
	static void appendDone(std::string& out, const Exchange& exchange);
		/// The closing members of the last object, "done" included.
};


} // namespace FakeUpstream


#endif // FakeUpstream_OllamaDialect_INCLUDED
