//
// ChatCompletionsEncoderTest.cpp
//
// The OpenAI dialect's chunks and completion object, from events alone.
//


#include "core/api/openai/ChatCompletionsEncoder.h"
#include "core/api/openai/OpenAiErrors.h"
#include "core/api/openai/ChatCompletionsRequest.h"
#include "core/http/HttpError.h"
#include "core/json/JsonText.h"
#include "Poco/JSON/Array.h"
#include "Poco/JSON/Parser.h"
#include <cppunit/extensions/HelperMacros.h>


using Nash::ChatCompletionsEncoder;


namespace {


Poco::JSON::Object::Ptr parse(const std::string& json)
{
	Poco::JSON::Parser parser;
	return parser.parse(json).extract<Poco::JSON::Object::Ptr>();
}


Nash::ToolCallDelta fragment(int index, const std::string& id, const std::string& name, const std::string& arguments)
{
	Nash::ToolCallDelta delta;
	delta.index = index;
	delta.id = id;
	delta.name = name;
	delta.argumentsFragment = arguments;
	return delta;
}


} // namespace


class ChatCompletionsEncoderTest: public CppUnit::TestFixture
{
	CPPUNIT_TEST_SUITE(ChatCompletionsEncoderTest);
	CPPUNIT_TEST(testChunks);
	CPPUNIT_TEST(testToolCallsPutTogether);
	CPPUNIT_TEST(testUsageReportedOrEstimated);
	CPPUNIT_TEST(testErrorEnvelope);
	CPPUNIT_TEST(testRequestFields);
	CPPUNIT_TEST_SUITE_END();

public:
	void testChunks()
	{
		ChatCompletionsEncoder encoder("chatcmpl-1", 1700000000, "gpt-x", false);
		auto role = parse(encoder.roleChunk());
		CPPUNIT_ASSERT_EQUAL(std::string("chatcmpl-1"), role->getValue<std::string>("id"));
		CPPUNIT_ASSERT_EQUAL(std::string("chat.completion.chunk"), role->getValue<std::string>("object"));
		CPPUNIT_ASSERT_EQUAL(Poco::Int64(1700000000), role->getValue<Poco::Int64>("created"));
		CPPUNIT_ASSERT_EQUAL(std::string("gpt-x"), role->getValue<std::string>("model"));
		CPPUNIT_ASSERT(!role->has("usage"));
		auto choice = role->getArray("choices")->getObject(0);
		CPPUNIT_ASSERT_EQUAL(std::string("assistant"), choice->getObject("delta")->getValue<std::string>("role"));
		CPPUNIT_ASSERT(choice->isNull("finish_reason"));
		CPPUNIT_ASSERT(encoder.contentChunk("").empty());
		auto content = parse(encoder.contentChunk("h\xC3\xA9llo \"q\"\n"));
		CPPUNIT_ASSERT_EQUAL(std::string("h\xC3\xA9llo \"q\"\n"), content->getArray("choices")->getObject(0)->getObject("delta")->getValue<std::string>("content"));
		// The framed event of a stream is the same chunk.
		std::string framed = encoder.content("h\xC3\xA9llo \"q\"\n");
		CPPUNIT_ASSERT(encoder.content("").empty());
		CPPUNIT_ASSERT_EQUAL(std::string("data: "), framed.substr(0, 6));
		CPPUNIT_ASSERT_EQUAL(std::string("\n\n"), framed.substr(framed.size() - 2));
		CPPUNIT_ASSERT_EQUAL(encoder.contentChunk("h\xC3\xA9llo \"q\"\n"), framed.substr(6, framed.size() - 8));
		auto finish = parse(encoder.finishChunk());
		CPPUNIT_ASSERT_EQUAL(std::string("stop"), finish->getArray("choices")->getObject(0)->getValue<std::string>("finish_reason"));
		CPPUNIT_ASSERT_EQUAL(std::size_t(0), finish->getArray("choices")->getObject(0)->getObject("delta")->size());
		CPPUNIT_ASSERT(encoder.usageChunk(Nash::Usage()).empty());
	}

	void testToolCallsPutTogether()
	{
		ChatCompletionsEncoder encoder("chatcmpl-2", 1, "m", false);
		auto first = parse(encoder.toolCallChunk(fragment(0, "call_a", "weather", "{\"ci")));
		auto call = first->getArray("choices")->getObject(0)->getObject("delta")->getArray("tool_calls")->getObject(0);
		CPPUNIT_ASSERT_EQUAL(0, call->getValue<int>("index"));
		CPPUNIT_ASSERT_EQUAL(std::string("call_a"), call->getValue<std::string>("id"));
		CPPUNIT_ASSERT_EQUAL(std::string("function"), call->getValue<std::string>("type"));
		CPPUNIT_ASSERT_EQUAL(std::string("weather"), call->getObject("function")->getValue<std::string>("name"));
		auto next = parse(encoder.toolCallChunk(fragment(0, "", "", "ty\": \"Oslo\"}")));
		auto more = next->getArray("choices")->getObject(0)->getObject("delta")->getArray("tool_calls")->getObject(0);
		CPPUNIT_ASSERT(!more->has("id"));
		CPPUNIT_ASSERT(!more->getObject("function")->has("name"));
		encoder.toolCallChunk(fragment(1, "call_b", "time", "{}"));
		encoder.finishChunk();
		auto completion = parse(encoder.completion(Nash::Usage()));
		auto choice = completion->getArray("choices")->getObject(0);
		CPPUNIT_ASSERT_EQUAL(std::string("tool_calls"), choice->getValue<std::string>("finish_reason"));
		CPPUNIT_ASSERT(choice->getObject("message")->isNull("content"));
		auto calls = choice->getObject("message")->getArray("tool_calls");
		CPPUNIT_ASSERT_EQUAL(std::size_t(2), calls->size());
		CPPUNIT_ASSERT_EQUAL(std::string("{\"city\": \"Oslo\"}"), calls->getObject(0)->getObject("function")->getValue<std::string>("arguments"));
		CPPUNIT_ASSERT_EQUAL(std::string("call_b"), calls->getObject(1)->getValue<std::string>("id"));
	}

	void testUsageReportedOrEstimated()
	{
		ChatCompletionsEncoder encoder("chatcmpl-3", 1, "m", true);
		CPPUNIT_ASSERT(parse(encoder.roleChunk())->isNull("usage"));
		Nash::Usage reported;
		reported.completionTokens = 7;
		encoder.usage(reported);
		Nash::Usage estimate;
		estimate.promptTokens = 10;
		estimate.completionTokens = 99;
		auto usage = parse(encoder.usageChunk(estimate));
		CPPUNIT_ASSERT_EQUAL(std::size_t(0), usage->getArray("choices")->size());
		CPPUNIT_ASSERT_EQUAL(10, usage->getObject("usage")->getValue<int>("prompt_tokens"));
		CPPUNIT_ASSERT_EQUAL(7, usage->getObject("usage")->getValue<int>("completion_tokens"));
		CPPUNIT_ASSERT_EQUAL(17, usage->getObject("usage")->getValue<int>("total_tokens"));
	}

	static Nash::ErrorReply reply(Nash::ErrorKind kind, const std::string& message, int status = 0)
	{
		Nash::ErrorReply reply;
		reply.kind = kind;
		reply.message = message;
		reply.status = status;
		return reply;
	}

	void testErrorEnvelope()
	{
		using Nash::ErrorKind;
		using Nash::OpenAiErrors;
		auto error = parse(OpenAiErrors::body(reply(ErrorKind::NotFound, "Unknown model 'x'")))->getObject("error");
		CPPUNIT_ASSERT_EQUAL(std::string("Unknown model 'x'"), error->getValue<std::string>("message"));
		CPPUNIT_ASSERT_EQUAL(std::string("invalid_request_error"), error->getValue<std::string>("type"));
		CPPUNIT_ASSERT(error->isNull("param"));
		CPPUNIT_ASSERT_EQUAL(std::string("model_not_found"), error->getValue<std::string>("code"));
		CPPUNIT_ASSERT(parse(OpenAiErrors::body(reply(ErrorKind::BadRequest, "x")))->getObject("error")->isNull("code"));
		CPPUNIT_ASSERT_EQUAL(std::string("authentication_error"), std::string(OpenAiErrors::type(ErrorKind::Unauthorized)));
		CPPUNIT_ASSERT_EQUAL(std::string("rate_limit_error"), std::string(OpenAiErrors::type(ErrorKind::RateLimited)));
		CPPUNIT_ASSERT_EQUAL(std::string("server_error"), std::string(OpenAiErrors::type(ErrorKind::UpstreamFailed)));
		CPPUNIT_ASSERT_EQUAL(std::string("timeout_error"), std::string(OpenAiErrors::type(ErrorKind::TimedOut)));
		CPPUNIT_ASSERT_EQUAL(429, OpenAiErrors::status(reply(ErrorKind::RateLimited, "slow down", 502)));
		CPPUNIT_ASSERT_EQUAL(502, OpenAiErrors::status(reply(ErrorKind::UpstreamFailed, "x", 502)));
		CPPUNIT_ASSERT_EQUAL(431, OpenAiErrors::status(reply(ErrorKind::Protocol, "x", 431)));
	}

	void testRequestFields()
	{
		auto request = Nash::ChatCompletionsRequest::parse(Nash::JsonText::parseObject(R"({"model": "m", "stream": true,
			"stream_options": {"include_usage": true}, "max_completion_tokens": 64, "seed": 3, "n": 1,
			"messages": [{"role": "developer", "content": "Be brief."}, {"role": "user", "content": "hi"}]})"));
		CPPUNIT_ASSERT(request.stream);
		CPPUNIT_ASSERT(request.includeUsage);
		CPPUNIT_ASSERT_EQUAL(std::string("m"), request.input.modelSpec);
		CPPUNIT_ASSERT_EQUAL(64, request.input.request.maxTokens.value());
		CPPUNIT_ASSERT_EQUAL(std::string("system"), request.input.request.messages[0].role);
		CPPUNIT_ASSERT(request.input.request.extra->has("seed"));
		CPPUNIT_ASSERT_EQUAL(64, request.input.request.extra->getValue<int>("max_completion_tokens"));
		CPPUNIT_ASSERT(!request.input.request.extra->has("stream"));
		CPPUNIT_ASSERT_THROW(Nash::ChatCompletionsRequest::parse(Nash::JsonText::parseObject(R"({"messages": [{"role": "user", "content": "x"}], "stream_options": 1})")),
			Nash::HttpError);
		CPPUNIT_ASSERT_THROW(Nash::ChatCompletionsRequest::parse(Nash::JsonText::parseObject(R"({"messages": []})")), Nash::HttpError);
		CPPUNIT_ASSERT_THROW(Nash::ChatCompletionsRequest::parse(Nash::JsonText::parseObject(R"({"messages": [{"role": "user", "content": "x"}], "n": 2})")), Nash::HttpError);
		CPPUNIT_ASSERT_THROW(Nash::ChatCompletionsRequest::parse(Nash::JsonText::parseObject(R"({"messages": [{"role": "user", "content": "x"}], "logprobs": true})")), Nash::HttpError);
		Nash::ChatCompletionsRequest::parse(Nash::JsonText::parseObject(R"({"messages": [{"role": "user", "content": "x"}], "logprobs": false, "n": 1, "top_logprobs": 0})"));
	}
};


CPPUNIT_TEST_SUITE_REGISTRATION(ChatCompletionsEncoderTest);
