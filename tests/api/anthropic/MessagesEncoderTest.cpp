//
// MessagesEncoderTest.cpp
//
// The Anthropic dialect's events and message object, from events alone.
//


#include "core/api/anthropic/AnthropicErrors.h"
#include "core/api/anthropic/MessagesEncoder.h"
#include "core/json/JsonText.h"
#include "Poco/JSON/Array.h"
#include "Poco/String.h"
#include <cppunit/extensions/HelperMacros.h>
#include <vector>


using Nash::MessagesEncoder;


namespace {


struct Event
{
	std::string name;
	Poco::JSON::Object::Ptr data;
};


std::vector<Event> events(const std::string& frames)
	/// The events of framed text; fails unless every event is
	/// "event: <name>\ndata: <json with the same type>\n\n".
{
	std::vector<Event> result;
	std::string::size_type at = 0;
	while (at < frames.size())
	{
		std::string::size_type end = frames.find("\n\n", at);
		CPPUNIT_ASSERT(end != std::string::npos);
		std::string frame = frames.substr(at, end - at);
		at = end + 2;
		std::string::size_type newline = frame.find('\n');
		CPPUNIT_ASSERT(newline != std::string::npos);
		CPPUNIT_ASSERT_EQUAL(std::string("event: "), frame.substr(0, 7));
		CPPUNIT_ASSERT_EQUAL(std::string("data: "), frame.substr(newline + 1, 6));
		Event event{frame.substr(7, newline - 7), Nash::JsonText::parseObject(frame.substr(newline + 7))};
		CPPUNIT_ASSERT_EQUAL(event.name, event.data->getValue<std::string>("type"));
		result.push_back(event);
	}
	return result;
}


std::string names(const std::vector<Event>& list)
{
	std::string text;
	for (const auto& event: list) text += (text.empty() ? "" : " ") + event.name;
	return text;
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


class MessagesEncoderTest: public CppUnit::TestFixture
{
	CPPUNIT_TEST_SUITE(MessagesEncoderTest);
	CPPUNIT_TEST(testTextStream);
	CPPUNIT_TEST(testToolUseBlocks);
	CPPUNIT_TEST(testMessageObject);
	CPPUNIT_TEST(testStopReasons);
	CPPUNIT_TEST(testErrorTable);
	CPPUNIT_TEST_SUITE_END();

public:
	void testTextStream()
	{
		MessagesEncoder encoder("msg_1", "claude-x", 12);
		auto start = events(encoder.start());
		CPPUNIT_ASSERT_EQUAL(std::string("message_start ping"), names(start));
		auto message = start[0].data->getObject("message");
		CPPUNIT_ASSERT_EQUAL(std::string("msg_1"), message->getValue<std::string>("id"));
		CPPUNIT_ASSERT_EQUAL(std::string("assistant"), message->getValue<std::string>("role"));
		CPPUNIT_ASSERT_EQUAL(std::string("claude-x"), message->getValue<std::string>("model"));
		CPPUNIT_ASSERT_EQUAL(std::size_t(0), message->getArray("content")->size());
		CPPUNIT_ASSERT_EQUAL(12, message->getObject("usage")->getValue<int>("input_tokens"));

		CPPUNIT_ASSERT(encoder.content("").empty());
		auto first = events(encoder.content("Hel"));
		CPPUNIT_ASSERT_EQUAL(std::string("content_block_start content_block_delta"), names(first));
		CPPUNIT_ASSERT_EQUAL(std::string("text"), first[0].data->getObject("content_block")->getValue<std::string>("type"));
		auto next = events(encoder.content("lo \"q\"\n"));
		CPPUNIT_ASSERT_EQUAL(std::string("content_block_delta"), names(next));
		CPPUNIT_ASSERT_EQUAL(0, next[0].data->getValue<int>("index"));
		CPPUNIT_ASSERT_EQUAL(std::string("text_delta"), next[0].data->getObject("delta")->getValue<std::string>("type"));
		CPPUNIT_ASSERT_EQUAL(std::string("lo \"q\"\n"), next[0].data->getObject("delta")->getValue<std::string>("text"));

		Nash::Usage usage;
		usage.completionTokens = 5;
		encoder.usage(usage);
		encoder.finish("stop");
		auto end = events(encoder.end(99));
		CPPUNIT_ASSERT_EQUAL(std::string("content_block_stop message_delta message_stop"), names(end));
		CPPUNIT_ASSERT_EQUAL(std::string("end_turn"), end[1].data->getObject("delta")->getValue<std::string>("stop_reason"));
		CPPUNIT_ASSERT_EQUAL(5, end[1].data->getObject("usage")->getValue<int>("output_tokens"));
		CPPUNIT_ASSERT_EQUAL(12, end[1].data->getObject("usage")->getValue<int>("input_tokens"));
	}

	void testToolUseBlocks()
	{
		MessagesEncoder encoder("msg_2", "m", 0);
		encoder.start();
		encoder.content("Let me look.");
		auto open = events(encoder.toolCall(fragment(0, "call_a", "get_weather", "{\"ci")));
		CPPUNIT_ASSERT_EQUAL(std::string("content_block_stop content_block_start content_block_delta"), names(open));
		auto block = open[1].data->getObject("content_block");
		CPPUNIT_ASSERT_EQUAL(1, open[1].data->getValue<int>("index"));
		CPPUNIT_ASSERT_EQUAL(std::string("tool_use"), block->getValue<std::string>("type"));
		CPPUNIT_ASSERT_EQUAL(std::string("call_a"), block->getValue<std::string>("id"));
		CPPUNIT_ASSERT_EQUAL(std::string("get_weather"), block->getValue<std::string>("name"));
		CPPUNIT_ASSERT_EQUAL(std::size_t(0), block->getObject("input")->size());
		CPPUNIT_ASSERT_EQUAL(std::string("input_json_delta"), open[2].data->getObject("delta")->getValue<std::string>("type"));
		CPPUNIT_ASSERT_EQUAL(std::string("{\"ci"), open[2].data->getObject("delta")->getValue<std::string>("partial_json"));
		CPPUNIT_ASSERT_EQUAL(std::string("content_block_delta"), names(events(encoder.toolCall(fragment(0, "", "", "ty\": \"Oslo\"}")))));

		// A second call without an id gets one; an empty fragment opens its block only.
		auto second = events(encoder.toolCall(fragment(1, "", "time", "")));
		CPPUNIT_ASSERT_EQUAL(std::string("content_block_stop content_block_start"), names(second));
		CPPUNIT_ASSERT(Poco::startsWith(second[1].data->getObject("content_block")->getValue<std::string>("id"), std::string("toolu_")));

		auto end = events(encoder.end(3));
		CPPUNIT_ASSERT_EQUAL(std::string("tool_use"), end[1].data->getObject("delta")->getValue<std::string>("stop_reason"));

		auto message = Nash::JsonText::parseObject(encoder.message(3));
		auto content = message->getArray("content");
		CPPUNIT_ASSERT_EQUAL(std::size_t(3), content->size());
		CPPUNIT_ASSERT_EQUAL(std::string("Let me look."), content->getObject(0)->getValue<std::string>("text"));
		CPPUNIT_ASSERT_EQUAL(std::string("Oslo"), content->getObject(1)->getObject("input")->getValue<std::string>("city"));
		CPPUNIT_ASSERT_EQUAL(std::size_t(0), content->getObject(2)->getObject("input")->size());
	}

	void testMessageObject()
	{
		MessagesEncoder encoder("msg_3", "echo/echo", 7);
		encoder.content("Hi ");
		encoder.content("there");
		encoder.finish("length");
		auto message = Nash::JsonText::parseObject(encoder.message(4));
		CPPUNIT_ASSERT_EQUAL(std::string("message"), message->getValue<std::string>("type"));
		CPPUNIT_ASSERT_EQUAL(std::string("max_tokens"), message->getValue<std::string>("stop_reason"));
		CPPUNIT_ASSERT(message->isNull("stop_sequence"));
		auto content = message->getArray("content");
		CPPUNIT_ASSERT_EQUAL(std::size_t(1), content->size());
		CPPUNIT_ASSERT_EQUAL(std::string("Hi there"), content->getObject(0)->getValue<std::string>("text"));
		CPPUNIT_ASSERT_EQUAL(7, message->getObject("usage")->getValue<int>("input_tokens"));
		CPPUNIT_ASSERT_EQUAL(4, message->getObject("usage")->getValue<int>("output_tokens"));

		// Arguments that are not an object are kept, not lost.
		MessagesEncoder broken("msg_4", "m", 0);
		broken.toolCall(fragment(0, "c", "f", "[1, 2"));
		auto input = Nash::JsonText::parseObject(broken.message(0))->getArray("content")->getObject(0)->getObject("input");
		CPPUNIT_ASSERT_EQUAL(std::string("[1, 2"), input->getValue<std::string>("arguments"));
	}

	void testStopReasons()
	{
		CPPUNIT_ASSERT_EQUAL(std::string("end_turn"), MessagesEncoder::stopReason("", false));
		CPPUNIT_ASSERT_EQUAL(std::string("tool_use"), MessagesEncoder::stopReason("", true));
		CPPUNIT_ASSERT_EQUAL(std::string("end_turn"), MessagesEncoder::stopReason("stop", false));
		CPPUNIT_ASSERT_EQUAL(std::string("max_tokens"), MessagesEncoder::stopReason("length", false));
		CPPUNIT_ASSERT_EQUAL(std::string("tool_use"), MessagesEncoder::stopReason("tool_calls", true));
		CPPUNIT_ASSERT_EQUAL(std::string("refusal"), MessagesEncoder::stopReason("content_filter", false));
		CPPUNIT_ASSERT_EQUAL(std::string("stop_sequence"), MessagesEncoder::stopReason("stop_sequence", false));
		CPPUNIT_ASSERT_EQUAL(std::string("end_turn"), MessagesEncoder::stopReason("eos", false));
	}

	void testErrorTable()
	{
		Nash::ErrorReply reply;
		reply.kind = Nash::ErrorKind::RateLimited;
		reply.status = 502;
		reply.message = "slow down";
		CPPUNIT_ASSERT_EQUAL(429, Nash::AnthropicErrors::status(reply));
		auto body = Nash::JsonText::parseObject(Nash::AnthropicErrors::body(reply));
		CPPUNIT_ASSERT_EQUAL(std::string("error"), body->getValue<std::string>("type"));
		CPPUNIT_ASSERT_EQUAL(std::string("rate_limit_error"), body->getObject("error")->getValue<std::string>("type"));
		CPPUNIT_ASSERT_EQUAL(std::string("slow down"), body->getObject("error")->getValue<std::string>("message"));
		auto event = events(MessagesEncoder::error(reply));
		CPPUNIT_ASSERT_EQUAL(std::string("error"), names(event));

		reply.kind = Nash::ErrorKind::NotFound;
		CPPUNIT_ASSERT_EQUAL(404, Nash::AnthropicErrors::status(reply));
		CPPUNIT_ASSERT_EQUAL(std::string("not_found_error"), std::string(Nash::AnthropicErrors::type(reply.kind)));
		reply.kind = Nash::ErrorKind::Overloaded;
		CPPUNIT_ASSERT_EQUAL(529, Nash::AnthropicErrors::status(reply));
		reply.kind = Nash::ErrorKind::TooLarge;
		CPPUNIT_ASSERT_EQUAL(std::string("request_too_large"), std::string(Nash::AnthropicErrors::type(reply.kind)));
		reply.kind = Nash::ErrorKind::Protocol;
		reply.status = 431;
		CPPUNIT_ASSERT_EQUAL(431, Nash::AnthropicErrors::status(reply));
	}
};


CPPUNIT_TEST_SUITE_REGISTRATION(MessagesEncoderTest);
