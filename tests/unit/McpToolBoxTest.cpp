//
// McpToolBoxTest.cpp
//
// The static parts of McpToolBox: result text and provider names.
//


#ifdef NASH_WITH_MCP


#include "core/chat/McpToolBox.h"
#include "core/json/JsonText.h"
#include <cppunit/extensions/HelperMacros.h>


class McpToolBoxTest: public CppUnit::TestFixture
{
	CPPUNIT_TEST_SUITE(McpToolBoxTest);
	CPPUNIT_TEST(testTextItemsJoined);
	CPPUNIT_TEST(testImageAndAudio);
	CPPUNIT_TEST(testResource);
	CPPUNIT_TEST(testResourceLink);
	CPPUNIT_TEST(testUnknownItem);
	CPPUNIT_TEST(testEmpty);
	CPPUNIT_TEST(testStructuredContentOnly);
	CPPUNIT_TEST(testProviderNameValidKept);
	CPPUNIT_TEST(testProviderNameSanitized);
	CPPUNIT_TEST(testProviderNameQualified);
	CPPUNIT_TEST(testProviderNameCap);
	CPPUNIT_TEST_SUITE_END();

public:
	static std::string textOf(const std::string& json)
	{
		return Nash::McpToolBox::resultText(Nash::JsonText::parseObject(json));
	}

	void testTextItemsJoined()
	{
		CPPUNIT_ASSERT_EQUAL(std::string("42"), textOf("{\"content\": [{\"type\": \"text\", \"text\": \"42\"}]}"));
		CPPUNIT_ASSERT_EQUAL(std::string("one\ntwo\nthree"),
			textOf("{\"content\": [{\"type\": \"text\", \"text\": \"one\"}, {\"type\": \"text\", \"text\": \"two\"}, {\"type\": \"text\", \"text\": \"three\"}]}"));
		// An error result's text is still the text.
		CPPUNIT_ASSERT_EQUAL(std::string("boom"), textOf("{\"content\": [{\"type\": \"text\", \"text\": \"boom\"}], \"isError\": true}"));
		// Text wins over structuredContent.
		CPPUNIT_ASSERT_EQUAL(std::string("7"), textOf("{\"content\": [{\"type\": \"text\", \"text\": \"7\"}], \"structuredContent\": {\"result\": 7}}"));
	}

	void testImageAndAudio()
	{
		CPPUNIT_ASSERT_EQUAL(std::string("[image image/png]"), textOf("{\"content\": [{\"type\": \"image\", \"data\": \"iVBORw0KGgo=\", \"mimeType\": \"image/png\"}]}"));
		CPPUNIT_ASSERT_EQUAL(std::string("Here:\n[image image/png]"),
			textOf("{\"content\": [{\"type\": \"text\", \"text\": \"Here:\"}, {\"type\": \"image\", \"data\": \"AAAA\", \"mimeType\": \"image/png\"}]}"));
		CPPUNIT_ASSERT_EQUAL(std::string("[audio audio/wav]"), textOf("{\"content\": [{\"type\": \"audio\", \"data\": \"AAAA\", \"mimeType\": \"audio/wav\"}]}"));
	}

	void testResource()
	{
		CPPUNIT_ASSERT_EQUAL(std::string("file body"),
			textOf("{\"content\": [{\"type\": \"resource\", \"resource\": {\"uri\": \"file:///a.txt\", \"mimeType\": \"text/plain\", \"text\": \"file body\"}}]}"));
		CPPUNIT_ASSERT_EQUAL(std::string("[resource file:///a.bin]"),
			textOf("{\"content\": [{\"type\": \"resource\", \"resource\": {\"uri\": \"file:///a.bin\", \"blob\": \"AAAA\"}}]}"));
	}

	void testResourceLink()
	{
		CPPUNIT_ASSERT_EQUAL(std::string("[resource link file:///b.txt]"),
			textOf("{\"content\": [{\"type\": \"resource_link\", \"uri\": \"file:///b.txt\", \"name\": \"b.txt\"}]}"));
	}

	void testUnknownItem()
	{
		CPPUNIT_ASSERT_EQUAL(std::string("[video]"), textOf("{\"content\": [{\"type\": \"video\"}]}"));
		CPPUNIT_ASSERT_EQUAL(std::string("[unknown]"), textOf("{\"content\": [{\"text\": \"no type\"}]}"));
	}

	void testEmpty()
	{
		CPPUNIT_ASSERT_EQUAL(std::string("No result content"), textOf("{\"content\": []}"));
		CPPUNIT_ASSERT_EQUAL(std::string("No result content"), textOf("{}"));
		CPPUNIT_ASSERT_EQUAL(std::string("No result content"), textOf("{\"content\": [{\"type\": \"text\", \"text\": \"\"}]}"));
		CPPUNIT_ASSERT_EQUAL(std::string("No result content"), Nash::McpToolBox::resultText(nullptr));
	}

	void testStructuredContentOnly()
	{
		CPPUNIT_ASSERT_EQUAL(std::string("{\"result\":42}"), textOf("{\"content\": [], \"structuredContent\": {\"result\": 42}}"));
		CPPUNIT_ASSERT_EQUAL(std::string("{\"result\":42}"), textOf("{\"structuredContent\": {\"result\": 42}}"));
	}

	void testProviderNameValidKept()
	{
		CPPUNIT_ASSERT_EQUAL(std::string("add"), Nash::McpToolBox::providerName("demo", "add", false));
		CPPUNIT_ASSERT_EQUAL(std::string("read_file-2"), Nash::McpToolBox::providerName("fs", "read_file-2", false));
		std::string sixtyFour(64, 't');
		CPPUNIT_ASSERT_EQUAL(sixtyFour, Nash::McpToolBox::providerName("demo", sixtyFour, false));
	}

	void testProviderNameSanitized()
	{
		CPPUNIT_ASSERT_EQUAL(std::string("demo__my_tool"), Nash::McpToolBox::providerName("demo", "my tool", false));
		CPPUNIT_ASSERT_EQUAL(std::string("demo__files_read"), Nash::McpToolBox::providerName("demo", "files.read", false));
		CPPUNIT_ASSERT_EQUAL(std::string("my_server__a_b"), Nash::McpToolBox::providerName("my.server", "a/b", false));
		// Every byte of a UTF-8 sequence becomes '_'.
		CPPUNIT_ASSERT_EQUAL(std::string("demo__caf__"), Nash::McpToolBox::providerName("demo", "caf\xC3\xA9", false));
		CPPUNIT_ASSERT_EQUAL(std::string("demo__"), Nash::McpToolBox::providerName("demo", "", false));
	}

	void testProviderNameQualified()
	{
		CPPUNIT_ASSERT_EQUAL(std::string("demo__add"), Nash::McpToolBox::providerName("demo", "add", true));
		CPPUNIT_ASSERT_EQUAL(std::string("my_server__add"), Nash::McpToolBox::providerName("my server", "add", true));
	}

	void testProviderNameCap()
	{
		std::string longTool(100, 'a');
		std::string name = Nash::McpToolBox::providerName("demo", longTool, false);
		CPPUNIT_ASSERT_EQUAL(std::size_t(64), name.size());
		CPPUNIT_ASSERT_EQUAL(std::string("demo__") + std::string(58, 'a'), name);
		CPPUNIT_ASSERT_EQUAL(std::size_t(64), Nash::McpToolBox::providerName(std::string(80, 's'), "add", true).size());
		CPPUNIT_ASSERT_EQUAL(std::string(64, 's'), Nash::McpToolBox::providerName(std::string(80, 's'), "add", true));
		// Whatever goes in, what comes out is a valid provider name.
		for (const auto& result: {name, Nash::McpToolBox::providerName("s p a c e", std::string(70, ' '), true)})
		{
			CPPUNIT_ASSERT(!result.empty() && result.size() <= 64);
			for (char c: result) CPPUNIT_ASSERT((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-');
		}
	}
};


CPPUNIT_TEST_SUITE_REGISTRATION(McpToolBoxTest);


#endif // NASH_WITH_MCP
