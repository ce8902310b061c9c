//
// OpenAiDialect.h
//


#ifndef FakeUpstream_OpenAiDialect_INCLUDED
#define FakeUpstream_OpenAiDialect_INCLUDED


#include "ApiDialect.h"


namespace FakeUpstream {


class OpenAiDialect: public ApiDialect
	/// OpenAI Chat Completions (POST /v1/chat/completions, GET /v1/models):
	/// chat.completion objects, or chat.completion.chunk events as
	/// "data: {...}" lines ended by "data: [DONE]".
{
public:
	std::string name() const override;
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
	bool runsScripts() const override;
	std::string scriptProblem(const Poco::JSON::Object& body) const override;
	ToolHistory toolHistory(const Poco::JSON::Object& body) const override;
	std::string toolIdPrefix() const override;
	void appendScriptedAnswer(std::string& out, const Exchange& exchange, const ScriptedTurn& turn) const override;
	void appendScriptedEvents(std::vector<std::string>& events, const Exchange& exchange, const ScriptedTurn& turn) const override;

private:
	static void appendChunkStart(std::string& out, const Exchange& exchange);
		/// "data: {" and the members every chunk repeats, up to "choices".
	static void appendUsage(std::string& out, const Exchange& exchange);
};


} // namespace FakeUpstream


#endif // FakeUpstream_OpenAiDialect_INCLUDED
