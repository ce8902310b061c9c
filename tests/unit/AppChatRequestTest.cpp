//
// AppChatRequestTest.cpp
//


#include "core/api/app/AppChatRequest.h"
#include "core/json/JsonText.h"
#include <cppunit/extensions/HelperMacros.h>


namespace {


const std::string kMessages = "\"messages\": [{\"role\": \"user\", \"content\": \"hi\"}]";
const std::string kModel = "\"model\": \"claude-3-7-sonnet-latest\"";
const std::string kKey = "\"api_key\": \"sk-ant-secret\"";
const std::string kBase = "\"api_base_url\": \"https://api.anthropic.com\"";


Poco::JSON::Array::Ptr problemsOf(const std::string& json)
{
	return Nash::AppChatRequest::problems(Nash::JsonText::parseObject(json));
}


std::string body(const std::string& messages, const std::string& model, const std::string& key, const std::string& base, const std::string& more = "")
	/// A body of the given members, each "" to leave it out.
{
	std::string text;
	for (const auto& member: {messages, model, key, base, more})
	{
		if (member.empty()) continue;
		text += (text.empty() ? "" : ", ") + member;
	}
	return "{" + text + "}";
}


} // namespace


class AppChatRequestTest: public CppUnit::TestFixture
{
	CPPUNIT_TEST_SUITE(AppChatRequestTest);
	CPPUNIT_TEST(testValidBody);
	CPPUNIT_TEST(testMissingApiKey);
	CPPUNIT_TEST(testApiKeyNotAString);
	CPPUNIT_TEST(testModelNotAString);
	CPPUNIT_TEST(testMissingFields);
	CPPUNIT_TEST(testMessagesNotAList);
	CPPUNIT_TEST(testMessagesEmpty);
	CPPUNIT_TEST(testMessageNotAnObject);
	CPPUNIT_TEST(testUnknownRole);
	CPPUNIT_TEST(testHeadersNotAnObject);
	CPPUNIT_TEST(testProvider);
	CPPUNIT_TEST(testNotJsonAndNotAnObject);
	CPPUNIT_TEST(testIsAppBody);
	CPPUNIT_TEST(testFrom);
	CPPUNIT_TEST(testMessagesOf);
	CPPUNIT_TEST_SUITE_END();

public:
	void testValidBody()
	{
		CPPUNIT_ASSERT_EQUAL(std::size_t(0), problemsOf(body(kMessages, kModel, kKey, kBase))->size());
		CPPUNIT_ASSERT_EQUAL(std::size_t(0), problemsOf(body(kMessages, kModel, kKey, kBase,
			"\"provider\": \"anthropic\", \"headers\": {\"helicone-auth\": \"Bearer x\"}, \"session_id\": \"abc\""))->size());
		// null provider and headers are as good as none.
		CPPUNIT_ASSERT_EQUAL(std::size_t(0), problemsOf(body(kMessages, kModel, kKey, kBase, "\"provider\": null, \"headers\": null"))->size());
		// Every message shape the server itself emits comes back.
		CPPUNIT_ASSERT_EQUAL(std::size_t(0), problemsOf(body(
			"\"messages\": [{\"role\": \"user\", \"content\": \"add\"}, "
			"{\"content\": \"\", \"role\": \"assistant\", \"tool_calls\": [{\"id\": \"t\", \"function\": {\"arguments\": \"{}\", \"name\": \"add\"}, \"type\": \"function\", \"index\": 0}], \"function_call\": null}, "
			"{\"role\": \"tool\", \"tool_call_id\": \"t\", \"name\": \"add\", \"content\": \"42\", \"is_error\": false}, "
			"{\"role\": \"system\", \"content\": \"be brief\"}]", kModel, kKey, kBase))->size());
	}

	void testMissingApiKey()
	{
		Poco::JSON::Array::Ptr problems = problemsOf(body(kMessages, kModel, "", kBase, "\"headers\": {\"helicone-auth\": \"Bearer secret-header\"}"));
		CPPUNIT_ASSERT_EQUAL(std::size_t(1), problems->size());
		Poco::JSON::Object::Ptr problem = problems->getObject(0);
		CPPUNIT_ASSERT_EQUAL(std::string("missing"), problem->getValue<std::string>("type"));
		CPPUNIT_ASSERT_EQUAL(std::string("[\"body\", \"api_key\"]"), Nash::JsonText::write(problem->get("loc")));
		CPPUNIT_ASSERT_EQUAL(std::string("Field required"), problem->getValue<std::string>("msg"));
		Poco::JSON::Object::Ptr input = problem->getObject("input");
		CPPUNIT_ASSERT(input);
		CPPUNIT_ASSERT(!input->has("api_key"));
		CPPUNIT_ASSERT(!input->has("headers"));
		CPPUNIT_ASSERT(input->has("model"));
		CPPUNIT_ASSERT(input->has("messages"));
		CPPUNIT_ASSERT(Nash::JsonText::write(problems).find("secret") == std::string::npos);
		// FastAPI's key order.
		CPPUNIT_ASSERT_EQUAL(std::string("{\"type\": \"missing\", \"loc\": [\"body\", \"api_key\"], \"msg\": \"Field required\", \"input\": "),
			Nash::JsonText::write(problem).substr(0, 82));
	}

	void testApiKeyNotAString()
	{
		Poco::JSON::Array::Ptr problems = problemsOf(body(kMessages, kModel, "\"api_key\": 123456789", kBase));
		CPPUNIT_ASSERT_EQUAL(std::size_t(1), problems->size());
		Poco::JSON::Object::Ptr problem = problems->getObject(0);
		CPPUNIT_ASSERT_EQUAL(std::string("string_type"), problem->getValue<std::string>("type"));
		CPPUNIT_ASSERT_EQUAL(std::string("[\"body\", \"api_key\"]"), Nash::JsonText::write(problem->get("loc")));
		CPPUNIT_ASSERT(!problem->has("input"));
		CPPUNIT_ASSERT(Nash::JsonText::write(problems).find("123456789") == std::string::npos);
	}

	void testModelNotAString()
	{
		Poco::JSON::Array::Ptr problems = problemsOf(body(kMessages, "\"model\": 42", kKey, kBase));
		CPPUNIT_ASSERT_EQUAL(std::size_t(1), problems->size());
		CPPUNIT_ASSERT_EQUAL(std::string("{\"type\": \"string_type\", \"loc\": [\"body\", \"model\"], \"msg\": \"Input should be a valid string\", \"input\": 42}"),
			Nash::JsonText::write(problems->get(0)));
	}

	void testMissingFields()
	{
		Poco::JSON::Array::Ptr problems = problemsOf("{}");
		CPPUNIT_ASSERT_EQUAL(std::size_t(4), problems->size());
		std::vector<std::string> fields = {"messages", "model", "api_key", "api_base_url"};
		for (std::size_t i = 0; i < fields.size(); ++i)
		{
			Poco::JSON::Object::Ptr problem = problems->getObject(static_cast<unsigned>(i));
			CPPUNIT_ASSERT_EQUAL(std::string("missing"), problem->getValue<std::string>("type"));
			CPPUNIT_ASSERT_EQUAL("[\"body\", \"" + fields[i] + "\"]", Nash::JsonText::write(problem->get("loc")));
		}
		Poco::JSON::Array::Ptr base = problemsOf(body(kMessages, kModel, kKey, ""));
		CPPUNIT_ASSERT_EQUAL(std::size_t(1), base->size());
		CPPUNIT_ASSERT_EQUAL(std::string("[\"body\", \"api_base_url\"]"), Nash::JsonText::write(base->getObject(0)->get("loc")));
		// An api_key in the body is not echoed by a problem with another field.
		CPPUNIT_ASSERT(Nash::JsonText::write(base).find("sk-ant-secret") == std::string::npos);
	}

	void testMessagesNotAList()
	{
		for (const std::string& value: {std::string("\"hi\""), std::string("{\"role\": \"user\"}"), std::string("null"), std::string("3")})
		{
			Poco::JSON::Array::Ptr problems = problemsOf(body("\"messages\": " + value, kModel, kKey, kBase));
			CPPUNIT_ASSERT_EQUAL_MESSAGE(value, std::size_t(1), problems->size());
			Poco::JSON::Object::Ptr problem = problems->getObject(0);
			CPPUNIT_ASSERT_EQUAL_MESSAGE(value, std::string("list_type"), problem->getValue<std::string>("type"));
			CPPUNIT_ASSERT_EQUAL(std::string("[\"body\", \"messages\"]"), Nash::JsonText::write(problem->get("loc")));
		}
	}

	void testMessagesEmpty()
	{
		Poco::JSON::Array::Ptr problems = problemsOf(body("\"messages\": []", kModel, kKey, kBase));
		CPPUNIT_ASSERT_EQUAL(std::size_t(1), problems->size());
		Poco::JSON::Object::Ptr problem = problems->getObject(0);
		CPPUNIT_ASSERT_EQUAL(std::string("too_short"), problem->getValue<std::string>("type"));
		CPPUNIT_ASSERT_EQUAL(std::string("[\"body\", \"messages\"]"), Nash::JsonText::write(problem->get("loc")));
	}

	void testMessageNotAnObject()
	{
		Poco::JSON::Array::Ptr problems = problemsOf(body("\"messages\": [\"hi\", {\"role\": \"user\", \"content\": \"ok\"}, 7]", kModel, kKey, kBase));
		CPPUNIT_ASSERT_EQUAL(std::size_t(2), problems->size());
		CPPUNIT_ASSERT_EQUAL(std::string("{\"type\": \"dict_type\", \"loc\": [\"body\", \"messages\", 0], \"msg\": \"Input should be a valid dictionary\", \"input\": \"hi\"}"),
			Nash::JsonText::write(problems->get(0)));
		CPPUNIT_ASSERT_EQUAL(std::string("[\"body\", \"messages\", 2]"), Nash::JsonText::write(problems->getObject(1)->get("loc")));
		CPPUNIT_ASSERT_EQUAL(std::string("dict_type"), problems->getObject(1)->getValue<std::string>("type"));
	}

	void testUnknownRole()
	{
		Poco::JSON::Array::Ptr problems = problemsOf(body("\"messages\": [{\"role\": \"user\", \"content\": \"a\"}, {\"role\": \"robot\", \"content\": \"b\"}]", kModel, kKey, kBase));
		CPPUNIT_ASSERT_EQUAL(std::size_t(1), problems->size());
		Poco::JSON::Object::Ptr problem = problems->getObject(0);
		CPPUNIT_ASSERT_EQUAL(std::string("literal_error"), problem->getValue<std::string>("type"));
		CPPUNIT_ASSERT_EQUAL(std::string("[\"body\", \"messages\", 1, \"role\"]"), Nash::JsonText::write(problem->get("loc")));
		CPPUNIT_ASSERT_EQUAL(std::string("robot"), problem->getValue<std::string>("input"));

		// No role at all, and a role that is not a string.
		CPPUNIT_ASSERT_EQUAL(std::size_t(1), problemsOf(body("\"messages\": [{\"content\": \"b\"}]", kModel, kKey, kBase))->size());
		CPPUNIT_ASSERT_EQUAL(std::size_t(1), problemsOf(body("\"messages\": [{\"role\": 1, \"content\": \"b\"}]", kModel, kKey, kBase))->size());
	}

	void testHeadersNotAnObject()
	{
		for (const std::string& value: {std::string("\"helicone-auth: Bearer secret\""), std::string("[\"secret\"]"), std::string("5")})
		{
			Poco::JSON::Array::Ptr problems = problemsOf(body(kMessages, kModel, kKey, kBase, "\"headers\": " + value));
			CPPUNIT_ASSERT_EQUAL_MESSAGE(value, std::size_t(1), problems->size());
			Poco::JSON::Object::Ptr problem = problems->getObject(0);
			CPPUNIT_ASSERT_EQUAL(std::string("dict_type"), problem->getValue<std::string>("type"));
			CPPUNIT_ASSERT_EQUAL(std::string("[\"body\", \"headers\"]"), Nash::JsonText::write(problem->get("loc")));
			CPPUNIT_ASSERT(!problem->has("input"));
			CPPUNIT_ASSERT(Nash::JsonText::write(problems).find("secret") == std::string::npos);
		}
	}

	void testProvider()
	{
		Poco::JSON::Array::Ptr problems = problemsOf(body(kMessages, kModel, kKey, kBase, "\"provider\": 5"));
		CPPUNIT_ASSERT_EQUAL(std::size_t(1), problems->size());
		CPPUNIT_ASSERT_EQUAL(std::string("string_type"), problems->getObject(0)->getValue<std::string>("type"));
		CPPUNIT_ASSERT_EQUAL(std::string("[\"body\", \"provider\"]"), Nash::JsonText::write(problems->getObject(0)->get("loc")));
	}

	void testNotJsonAndNotAnObject()
	{
		Poco::JSON::Array::Ptr notJson = Nash::AppChatRequest::notJson("Expecting value");
		CPPUNIT_ASSERT_EQUAL(std::size_t(1), notJson->size());
		CPPUNIT_ASSERT_EQUAL(std::string("json_invalid"), notJson->getObject(0)->getValue<std::string>("type"));
		CPPUNIT_ASSERT_EQUAL(std::string("[\"body\", 0]"), Nash::JsonText::write(notJson->getObject(0)->get("loc")));
		CPPUNIT_ASSERT_EQUAL(std::string("Expecting value"), notJson->getObject(0)->getObject("ctx")->getValue<std::string>("error"));

		Poco::JSON::Array::Ptr notObject = Nash::AppChatRequest::notAnObject(Poco::Dynamic::Var(std::string("text")));
		CPPUNIT_ASSERT_EQUAL(std::size_t(1), notObject->size());
		CPPUNIT_ASSERT_EQUAL(std::string("model_attributes_type"), notObject->getObject(0)->getValue<std::string>("type"));
		CPPUNIT_ASSERT_EQUAL(std::string("[\"body\"]"), Nash::JsonText::write(notObject->getObject(0)->get("loc")));
	}

	void testIsAppBody()
	{
		CPPUNIT_ASSERT(Nash::AppChatRequest::isAppBody(Nash::JsonText::parseObject(body(kMessages, kModel, kKey, ""))));
		CPPUNIT_ASSERT(Nash::AppChatRequest::isAppBody(Nash::JsonText::parseObject(body(kMessages, kModel, "", kBase))));
		CPPUNIT_ASSERT(!Nash::AppChatRequest::isAppBody(Nash::JsonText::parseObject(body(kMessages, kModel, "", ""))));
		CPPUNIT_ASSERT(!Nash::AppChatRequest::isAppBody(nullptr));
	}

	void testFrom()
	{
		Nash::AppChatRequest request = Nash::AppChatRequest::from(Nash::JsonText::parseObject(body(kMessages, kModel, kKey, kBase,
			"\"provider\": \"anthropic\", \"headers\": {\"helicone-auth\": \"Bearer h\", \"x-number\": 5, \"x-null\": null, \"x-object\": {}, \"x-list\": [\"a\"], \"x-empty\": \"\"}")));
		CPPUNIT_ASSERT_EQUAL(std::string("claude-3-7-sonnet-latest"), request.model);
		CPPUNIT_ASSERT_EQUAL(std::string("sk-ant-secret"), request.apiKey);
		CPPUNIT_ASSERT_EQUAL(std::string("https://api.anthropic.com"), request.apiBaseUrl);
		CPPUNIT_ASSERT_EQUAL(std::string("anthropic"), request.provider);
		CPPUNIT_ASSERT_EQUAL(std::size_t(2), request.headers.size());
		CPPUNIT_ASSERT_EQUAL(std::string("helicone-auth"), request.headers[0].first);
		CPPUNIT_ASSERT_EQUAL(std::string("Bearer h"), request.headers[0].second);
		CPPUNIT_ASSERT_EQUAL(std::string("x-empty"), request.headers[1].first);
		CPPUNIT_ASSERT_EQUAL(std::string(""), request.headers[1].second);
		CPPUNIT_ASSERT_EQUAL(std::size_t(1), request.messages.size());
		CPPUNIT_ASSERT_EQUAL(std::string("user"), request.messages[0].role);
		CPPUNIT_ASSERT_EQUAL(std::string("hi"), request.messages[0].content);

		Nash::AppChatRequest plain = Nash::AppChatRequest::from(Nash::JsonText::parseObject(body(kMessages, kModel, kKey, kBase, "\"provider\": null")));
		CPPUNIT_ASSERT_EQUAL(std::string(), plain.provider);
		CPPUNIT_ASSERT(plain.headers.empty());
	}

	void testMessagesOf()
	{
		Poco::JSON::Object::Ptr parsed = Nash::JsonText::parseObject(
			"{\"messages\": ["
			"{\"role\": \"user\", \"content\": [{\"type\": \"text\", \"text\": \"first\"}, {\"type\": \"image_url\", \"image_url\": {\"url\": \"x\"}}, {\"type\": \"text\", \"text\": \"second\"}]}, "
			"{\"role\": \"assistant\", \"content\": null, \"tool_calls\": []}, "
			"{\"role\": \"tool\", \"tool_call_id\": \"t\", \"content\": \"42\"}, "
			"\"not a message\", "
			"{\"role\": \"user\", \"content\": [{\"type\": \"text\", \"text\": \"only\"}]}]}");
		std::vector<Nash::ChatMessage> messages = Nash::AppChatRequest::messagesOf(parsed->getArray("messages"));
		CPPUNIT_ASSERT_EQUAL(std::size_t(4), messages.size());
		CPPUNIT_ASSERT_EQUAL(std::string("user"), messages[0].role);
		CPPUNIT_ASSERT_EQUAL(std::string("first\nsecond"), messages[0].content);
		CPPUNIT_ASSERT_EQUAL(std::string("assistant"), messages[1].role);
		CPPUNIT_ASSERT_EQUAL(std::string(""), messages[1].content);
		CPPUNIT_ASSERT(messages[1].raw->has("tool_calls"));
		CPPUNIT_ASSERT_EQUAL(std::string("42"), messages[2].content);
		CPPUNIT_ASSERT_EQUAL(std::string("t"), messages[2].raw->getValue<std::string>("tool_call_id"));
		CPPUNIT_ASSERT_EQUAL(std::string("only"), messages[3].content);
		CPPUNIT_ASSERT(Nash::AppChatRequest::messagesOf(nullptr).empty());
	}
};


CPPUNIT_TEST_SUITE_REGISTRATION(AppChatRequestTest);
