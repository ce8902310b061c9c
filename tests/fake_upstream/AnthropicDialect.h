//
// AnthropicDialect.h
//


#ifndef FakeUpstream_AnthropicDialect_INCLUDED
#define FakeUpstream_AnthropicDialect_INCLUDED


#include "ApiDialect.h"


namespace FakeUpstream {


class AnthropicDialect: public ApiDialect
	/// Anthropic Messages (POST /v1/messages): message objects, or named
	/// server-sent events from message_start to message_stop.
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
	void addAnswerHeaders(const Poco::Net::HTTPRequest& request, const Poco::Timestamp& now, Poco::Net::NameValueCollection& headers) const override;
	bool runsScripts() const override;
	std::string scriptProblem(const Poco::JSON::Object& body) const override;
	ToolHistory toolHistory(const Poco::JSON::Object& body) const override;
	std::string toolIdPrefix() const override;
	void appendScriptedAnswer(std::string& out, const Exchange& exchange, const ScriptedTurn& turn) const override;
	void appendScriptedEvents(std::vector<std::string>& events, const Exchange& exchange, const ScriptedTurn& turn) const override;
};


} // namespace FakeUpstream


#endif // FakeUpstream_AnthropicDialect_INCLUDED
