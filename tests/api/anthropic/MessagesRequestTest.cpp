//
// MessagesRequestTest.cpp
//
// Anthropic requests, translated into the pipeline's terms.
//


#include "core/api/anthropic/MessagesRequest.h"
#include "core/http/HttpError.h"
#include "core/json/JsonText.h"
#include "Poco/JSON/Array.h"
#include <cppunit/extensions/HelperMacros.h>


using Nash::MessagesRequest;


namespace {


MessagesRequest parse(const std::string& json)
{
	return MessagesRequest::parse(Nash::JsonText::parseObject(json));
}


std::string refusal(const std::string& json)
	/// The message of the 400 json is refused with; fails when it is not.
{
	try
	{
		parse(json);
	}
	catch (Nash::HttpError& exc)
	{
		CPPUNIT_ASSERT_EQUAL(400, exc.status());
		return exc.message();
	}
	CPPUNIT_FAIL("not refused: " + json);
	return std::string();
}


} // namespace


class MessagesRequestTest: public CppUnit::TestFixture
{
	CPPUNIT_TEST_SUITE(MessagesRequestTest);
	CPPUNIT_TEST(testPlainConversation);
	CPPUNIT_TEST(testToolRoundTrip);
	CPPUNIT_TEST(testImages);
	CPPUNIT_TEST(testToolsAndChoice);
	CPPUNIT_TEST(testRefusals);
	CPPUNIT_TEST_SUITE_END();

public:
	void testPlainConversation()
	{
		auto request = parse(R"({"model": "claude-x", "max_tokens": 100, "stream": true,
			"system": [{"type": "text", "text": "Be brief."}, {"type": "text", "text": "Be kind.", "cache_control": {"type": "ephemeral"}}],
			"messages": [{"role": "user", "content": "hi"}, {"role": "assistant", "content": [{"type": "thinking", "thinking": "hm", "signature": "s"}, {"type": "text", "text": "hello"}]},
				{"role": "user", "content": [{"type": "text", "text": "and "}, {"type": "text", "text": "you?"}]},
				{"role": "system", "content": "Agents: a, b"}],
			"stop_sequences": ["END"], "temperature": 0.5, "top_k": 5, "metadata": {"user_id": "u1"}})");
		CPPUNIT_ASSERT(request.stream);
		CPPUNIT_ASSERT_EQUAL(std::string("claude-x"), request.input.modelSpec);
		const auto& chat = request.input.request;
		CPPUNIT_ASSERT_EQUAL(std::size_t(5), chat.messages.size());
		CPPUNIT_ASSERT_EQUAL(std::string("system"), chat.messages[0].role);
		CPPUNIT_ASSERT_EQUAL(std::string("Be brief.\n\nBe kind."), chat.messages[0].content);
		CPPUNIT_ASSERT_EQUAL(std::string("hello"), chat.messages[2].content);
		CPPUNIT_ASSERT_EQUAL(std::string("and you?"), chat.messages[3].content);
		CPPUNIT_ASSERT_EQUAL(std::string("system"), chat.messages[4].role);
		CPPUNIT_ASSERT_EQUAL(std::string("Agents: a, b"), chat.messages[4].content);
		CPPUNIT_ASSERT_EQUAL(100, chat.maxTokens.value());
		CPPUNIT_ASSERT_EQUAL(0.5, chat.temperature.value());
		CPPUNIT_ASSERT_EQUAL(std::size_t(1), chat.stop.size());
		CPPUNIT_ASSERT_EQUAL(5, chat.extra->getValue<int>("top_k"));
		CPPUNIT_ASSERT_EQUAL(std::string("u1"), chat.extra->getValue<std::string>("user"));
		CPPUNIT_ASSERT(!chat.extra->has("stop_sequences"));
	}

	void testToolRoundTrip()
	{
		auto request = parse(R"({"model": "m", "max_tokens": 10, "messages": [
			{"role": "user", "content": "weather?"},
			{"role": "assistant", "content": [{"type": "tool_use", "id": "toolu_1", "name": "get_weather", "input": {"city": "Paris"}},
				{"type": "tool_use", "id": "toolu_2", "name": "get_time", "input": {}}]},
			{"role": "user", "content": [{"type": "tool_result", "tool_use_id": "toolu_1", "content": "sunny"},
				{"type": "tool_result", "tool_use_id": "toolu_2", "content": [{"type": "text", "text": "no clock"}], "is_error": true},
				{"type": "text", "text": "thanks"}]}]})");
		const auto& messages = request.input.request.messages;
		CPPUNIT_ASSERT_EQUAL(std::size_t(5), messages.size());
		CPPUNIT_ASSERT_EQUAL(std::string("assistant"), messages[1].role);
		CPPUNIT_ASSERT(messages[1].raw->isNull("content"));
		auto calls = messages[1].raw->getArray("tool_calls");
		CPPUNIT_ASSERT_EQUAL(std::size_t(2), calls->size());
		CPPUNIT_ASSERT_EQUAL(std::string("toolu_1"), calls->getObject(0)->getValue<std::string>("id"));
		CPPUNIT_ASSERT_EQUAL(std::string("function"), calls->getObject(0)->getValue<std::string>("type"));
		auto function = calls->getObject(0)->getObject("function");
		CPPUNIT_ASSERT_EQUAL(std::string("get_weather"), function->getValue<std::string>("name"));
		CPPUNIT_ASSERT_EQUAL(std::string("Paris"), Nash::JsonText::parseObject(function->getValue<std::string>("arguments"))->getValue<std::string>("city"));
		CPPUNIT_ASSERT_EQUAL(std::string("tool"), messages[2].role);
		CPPUNIT_ASSERT_EQUAL(std::string("toolu_1"), messages[2].raw->getValue<std::string>("tool_call_id"));
		CPPUNIT_ASSERT_EQUAL(std::string("sunny"), messages[2].content);
		CPPUNIT_ASSERT_EQUAL(std::string("[error] no clock"), messages[3].content);
		CPPUNIT_ASSERT_EQUAL(std::string("user"), messages[4].role);
		CPPUNIT_ASSERT_EQUAL(std::string("thanks"), messages[4].content);
	}

	void testImages()
	{
		auto request = parse(R"({"model": "m", "max_tokens": 10, "messages": [{"role": "user", "content": [
			{"type": "image", "source": {"type": "base64", "media_type": "image/png", "data": "iVBORw0KGgo="}},
			{"type": "image", "source": {"type": "url", "url": "https://example.com/cat.jpg"}},
			{"type": "text", "text": "what is this?"}]}]})");
		const auto& message = request.input.request.messages[0];
		CPPUNIT_ASSERT_EQUAL(std::string("what is this?"), message.content);
		auto parts = message.raw->getArray("content");
		CPPUNIT_ASSERT_EQUAL(std::size_t(3), parts->size());
		CPPUNIT_ASSERT_EQUAL(std::string("image_url"), parts->getObject(0)->getValue<std::string>("type"));
		CPPUNIT_ASSERT_EQUAL(std::string("data:image/png;base64,iVBORw0KGgo="), parts->getObject(0)->getObject("image_url")->getValue<std::string>("url"));
		CPPUNIT_ASSERT_EQUAL(std::string("https://example.com/cat.jpg"), parts->getObject(1)->getObject("image_url")->getValue<std::string>("url"));
	}

	void testToolsAndChoice()
	{
		auto request = parse(R"({"model": "m", "max_tokens": 10, "messages": [{"role": "user", "content": "x"}],
			"tools": [{"name": "get_weather", "description": "Weather now", "input_schema": {"type": "object", "properties": {"city": {"type": "string"}}}}],
			"tool_choice": {"type": "tool", "name": "get_weather", "disable_parallel_tool_use": true}})");
		auto extra = request.input.request.extra;
		auto tool = extra->getArray("tools")->getObject(0);
		CPPUNIT_ASSERT_EQUAL(std::string("function"), tool->getValue<std::string>("type"));
		CPPUNIT_ASSERT_EQUAL(std::string("get_weather"), tool->getObject("function")->getValue<std::string>("name"));
		CPPUNIT_ASSERT_EQUAL(std::string("Weather now"), tool->getObject("function")->getValue<std::string>("description"));
		CPPUNIT_ASSERT_EQUAL(std::string("object"), tool->getObject("function")->getObject("parameters")->getValue<std::string>("type"));
		CPPUNIT_ASSERT_EQUAL(std::string("get_weather"), extra->getObject("tool_choice")->getObject("function")->getValue<std::string>("name"));
		CPPUNIT_ASSERT_EQUAL(false, extra->getValue<bool>("parallel_tool_calls"));

		auto any = parse(R"({"model": "m", "max_tokens": 10, "messages": [{"role": "user", "content": "x"}], "tool_choice": {"type": "any"}})");
		CPPUNIT_ASSERT_EQUAL(std::string("required"), any.input.request.extra->getValue<std::string>("tool_choice"));
	}

	void testRefusals()
	{
		CPPUNIT_ASSERT(refusal(R"({"model": "m", "messages": [{"role": "user", "content": "x"}]})").find("'max_tokens'") != std::string::npos);
		CPPUNIT_ASSERT(refusal(R"({"max_tokens": 5, "messages": [{"role": "user", "content": "x"}]})").find("'model'") != std::string::npos);
		CPPUNIT_ASSERT(refusal(R"({"model": "m", "max_tokens": 5, "messages": []})").find("'messages'") != std::string::npos);
		CPPUNIT_ASSERT(refusal(R"({"model": "m", "max_tokens": 5, "messages": [{"role": "tool", "content": "x"}]})").find("'messages[0].role'") != std::string::npos);
		CPPUNIT_ASSERT(refusal(R"({"model": "m", "max_tokens": 5, "messages": [{"role": "system", "content": [{"type": "image"}]}]})").find("'messages[0].content[0].type'") != std::string::npos);
		CPPUNIT_ASSERT(refusal(R"({"model": "m", "max_tokens": 5, "messages": [{"role": "user", "content": [{"type": "document", "source": {}}]}]})")
			.find("'messages[0].content[0].type'") != std::string::npos);
		CPPUNIT_ASSERT(refusal(R"({"model": "m", "max_tokens": 5, "messages": [{"role": "user", "content": "x"}], "tools": [{"type": "web_search_20250305", "name": "web_search"}]})")
			.find("'tools[0].type'") != std::string::npos);
		CPPUNIT_ASSERT(refusal(R"({"model": "m", "max_tokens": 5, "messages": [{"role": "user", "content": [{"type": "image", "source": {"type": "file", "file_id": "f"}}]}]})")
			.find("source.type") != std::string::npos);
		CPPUNIT_ASSERT(refusal(R"({"model": "m", "max_tokens": 0, "messages": [{"role": "user", "content": "x"}]})").find("'max_tokens'") != std::string::npos);

		// count_tokens needs no max_tokens.
		auto count = MessagesRequest::parse(Nash::JsonText::parseObject(R"({"model": "m", "messages": [{"role": "user", "content": "x"}]})"), false);
		CPPUNIT_ASSERT_EQUAL(std::size_t(1), count.input.request.messages.size());
	}
};


CPPUNIT_TEST_SUITE_REGISTRATION(MessagesRequestTest);
