//
// JsonTextTest.cpp
//


#include "core/json/JsonText.h"
#include "Poco/Dynamic/Struct.h"
#include "Poco/JSON/Array.h"
#include "Poco/JSON/Object.h"
#include "Poco/JSON/Parser.h"
#include <cppunit/extensions/HelperMacros.h>
#include <limits>
#include <string>
#include <vector>


using Nash::JsonText;


class JsonTextTest: public CppUnit::TestFixture
{
	CPPUNIT_TEST_SUITE(JsonTextTest);
	CPPUNIT_TEST(testQuoteEscapes);
	CPPUNIT_TEST(testUtf8KeptAndInvalidBytesReplaced);
	CPPUNIT_TEST(testPythonLayoutAndOrder);
	CPPUNIT_TEST(testNumbers);
	CPPUNIT_TEST(testParseObject);
	CPPUNIT_TEST(testOutputParsesBack);
	CPPUNIT_TEST(testAsciiEscapes);
	CPPUNIT_TEST(testAsciiNonAsciiEscaped);
	CPPUNIT_TEST(testAsciiInvalidUtf8);
	CPPUNIT_TEST(testAsciiScalarsAndIntegers);
	CPPUNIT_TEST(testAsciiFloats);
	CPPUNIT_TEST(testAsciiFloatsNotFinite);
	CPPUNIT_TEST(testAsciiObjectKeepsInsertionOrder);
	CPPUNIT_TEST(testAsciiSortedObjectAndByValueContainers);
	CPPUNIT_TEST(testAsciiDynamicStructAndVector);
	CPPUNIT_TEST(testAsciiNullPointersAndEmptyContainers);
	CPPUNIT_TEST(testAsciiSameLayoutAsWrite);
	CPPUNIT_TEST(testAsciiDeepNesting);
	CPPUNIT_TEST_SUITE_END();

public:
	void testQuoteEscapes()
	{
		CPPUNIT_ASSERT_EQUAL(std::string("\"a\\\"b\\\\c\\nd\\te\\r\\u0001\\u007f\""), Nash::JsonText::quote("a\"b\\c\nd\te\r\x01\x7f"));
		CPPUNIT_ASSERT_EQUAL(std::string("\"\""), Nash::JsonText::quote(""));
		CPPUNIT_ASSERT_EQUAL(std::string("\"a/b\""), Nash::JsonText::quote("a/b"));
	}

	void testUtf8KeptAndInvalidBytesReplaced()
	{
		CPPUNIT_ASSERT_EQUAL(std::string("\"h\xC3\xA9 \xF0\x9F\x98\x80\""), Nash::JsonText::quote("h\xC3\xA9 \xF0\x9F\x98\x80"));
		CPPUNIT_ASSERT_EQUAL(std::string("\"a\xEF\xBF\xBD" "b\""), Nash::JsonText::quote("a\xFF" "b"));
		// A sequence cut short (as when a stream splits a character) and an overlong form.
		CPPUNIT_ASSERT_EQUAL(std::string("\"\xEF\xBF\xBD\xEF\xBF\xBD\""), Nash::JsonText::quote("\xE6\x97"));
		CPPUNIT_ASSERT_EQUAL(std::string("\"\xEF\xBF\xBD\xEF\xBF\xBD\""), Nash::JsonText::quote("\xC0\xAF"));
		CPPUNIT_ASSERT_EQUAL(std::string("\"\\u2028\""), Nash::JsonText::quote("\xE2\x80\xA8"));
	}

	void testPythonLayoutAndOrder()
	{
		Poco::JSON::Object::Ptr object = Nash::JsonText::object();
		object->set("z", 1);
		object->set("a", std::string("x"));
		Poco::JSON::Array::Ptr list = new Poco::JSON::Array;
		list->add(true);
		list->add(Poco::Dynamic::Var());
		object->set("list", list);
		CPPUNIT_ASSERT_EQUAL(std::string("{\"z\": 1, \"a\": \"x\", \"list\": [true, null]}"), Nash::JsonText::write(object));
		CPPUNIT_ASSERT_EQUAL(std::string("{}"), Nash::JsonText::write(Nash::JsonText::object()));
	}

	void testNumbers()
	{
		CPPUNIT_ASSERT_EQUAL(std::string("0.7"), Nash::JsonText::write(0.7));
		CPPUNIT_ASSERT_EQUAL(std::string("1.0"), Nash::JsonText::write(1.0));
		CPPUNIT_ASSERT_EQUAL(std::string("-42"), Nash::JsonText::write(-42));
		CPPUNIT_ASSERT_EQUAL(std::string("18446744073709551615"), Nash::JsonText::write(Poco::UInt64(18446744073709551615ULL)));
	}

	void testParseObject()
	{
		Poco::JSON::Object::Ptr parsed = Nash::JsonText::parseObject("{\"b\": 1, \"a\": [1, 2]}");
		CPPUNIT_ASSERT_EQUAL(std::string("{\"b\": 1, \"a\": [1, 2]}"), Nash::JsonText::write(parsed));
		CPPUNIT_ASSERT_THROW(Nash::JsonText::parseObject("[1]"), Poco::InvalidArgumentException);
		CPPUNIT_ASSERT_THROW(Nash::JsonText::parseObject("{\"a\": "), Poco::Exception);
		CPPUNIT_ASSERT_THROW(Nash::JsonText::parseObject("not json"), Poco::Exception);
	}

	void testOutputParsesBack()
	{
		std::string tricky = "quote\" back\\ nl\n tab\t ctl\x02 utf8 \xC3\xA9 bad \xFF end";
		Poco::JSON::Object::Ptr object = Nash::JsonText::object();
		object->set("content", tricky);
		Poco::JSON::Parser parser;
		Poco::JSON::Object::Ptr back = parser.parse(Nash::JsonText::write(object)).extract<Poco::JSON::Object::Ptr>();
		std::string expected = tricky;
		expected.replace(expected.find("\xFF"), 1, "\xEF\xBF\xBD");
		CPPUNIT_ASSERT_EQUAL(expected, back->getValue<std::string>("content"));
	}

	// The ASCII mode, against what Python 3's json.dumps(value) writes with
	// its default ensure_ascii (the expected texts were produced by Python).

	void testAsciiEscapes()
	{
		// json.dumps("a\"b\\c\nd\re\tf\bg\fh\x01\x1f\x7f/ ~")
		CPPUNIT_ASSERT_EQUAL(std::string("\"a\\\"b\\\\c\\nd\\re\\tf\\bg\\fh\\u0001\\u001f\\u007f/ ~\""),
			JsonText::writeAscii(std::string("a\"b\\c\nd\re\tf\bg\fh\x01\x1f\x7f/ ~")));
		CPPUNIT_ASSERT_EQUAL(std::string("\"\""), JsonText::writeAscii(std::string()));
		CPPUNIT_ASSERT_EQUAL(std::string("\"\\u0000\""), JsonText::writeAscii(std::string(1, '\0')));
		CPPUNIT_ASSERT_EQUAL(std::string("\"a/b\""), JsonText::quoteAscii("a/b"));
		// appendQuotedAscii appends.
		std::string out = "x=";
		JsonText::appendQuotedAscii(out, "\xC3\xA9");
		CPPUNIT_ASSERT_EQUAL(std::string("x=\"\\u00e9\""), out);
	}

	void testAsciiNonAsciiEscaped()
	{
		CPPUNIT_ASSERT_EQUAL(std::string("\"\\u00e9\""), JsonText::writeAscii(std::string("\xC3\xA9")));
		// Lowercase hex throughout, and a surrogate pair above U+FFFF.
		CPPUNIT_ASSERT_EQUAL(std::string("\"\\ud83d\\ude00\""), JsonText::quoteAscii("\xF0\x9F\x98\x80"));
		CPPUNIT_ASSERT_EQUAL(std::string("\"h\\u00e9 \\u65e5\\u672c \\ud83d\\ude00!\""), JsonText::quoteAscii("h\xC3\xA9 \xE6\x97\xA5\xE6\x9C\xAC \xF0\x9F\x98\x80!"));
		// json.dumps("\u2028\uffff\U0010ffff")
		CPPUNIT_ASSERT_EQUAL(std::string("\"\\u2028\\uffff\\udbff\\udfff\""), JsonText::quoteAscii("\xE2\x80\xA8\xEF\xBF\xBF\xF4\x8F\xBF\xBF"));
		// The output is plain ASCII.
		std::string out = JsonText::quoteAscii("\xC3\xA9\xF0\x9F\x98\x80\xFF");
		for (char c: out) CPPUNIT_ASSERT(static_cast<unsigned char>(c) < 0x80);
	}

	void testAsciiInvalidUtf8()
	{
		// One \ufffd per byte that is not part of a well-formed sequence.
		CPPUNIT_ASSERT_EQUAL(std::string("\"a\\ufffdb\""), JsonText::quoteAscii("a\xFF" "b"));
		// A sequence cut short (as when a stream splits a character).
		CPPUNIT_ASSERT_EQUAL(std::string("\"\\ufffd\\ufffd\""), JsonText::quoteAscii("\xE6\x97"));
		CPPUNIT_ASSERT_EQUAL(std::string("\"\\ufffdx\""), JsonText::quoteAscii("\xC3x"));
		// An overlong form and an encoded surrogate.
		CPPUNIT_ASSERT_EQUAL(std::string("\"\\ufffd\\ufffd\""), JsonText::quoteAscii("\xC0\xAF"));
		CPPUNIT_ASSERT_EQUAL(std::string("\"\\ufffd\\ufffd\\ufffd\""), JsonText::quoteAscii("\xED\xA0\x80"));
		// A stray continuation byte, then a good character.
		CPPUNIT_ASSERT_EQUAL(std::string("\"\\ufffd\\u00e9\""), JsonText::quoteAscii("\x80\xC3\xA9"));
	}

	void testAsciiScalarsAndIntegers()
	{
		CPPUNIT_ASSERT_EQUAL(std::string("null"), JsonText::writeAscii(Poco::Dynamic::Var()));
		CPPUNIT_ASSERT_EQUAL(std::string("true"), JsonText::writeAscii(true));
		CPPUNIT_ASSERT_EQUAL(std::string("false"), JsonText::writeAscii(false));
		CPPUNIT_ASSERT_EQUAL(std::string("\"x\""), JsonText::writeAscii(std::string("x")));
		CPPUNIT_ASSERT_EQUAL(std::string("0"), JsonText::writeAscii(0));
		CPPUNIT_ASSERT_EQUAL(std::string("-42"), JsonText::writeAscii(-42));
		CPPUNIT_ASSERT_EQUAL(std::string("7"), JsonText::writeAscii(Poco::Int8(7)));
		CPPUNIT_ASSERT_EQUAL(std::string("65535"), JsonText::writeAscii(Poco::UInt16(65535)));
		CPPUNIT_ASSERT_EQUAL(std::string("4294967295"), JsonText::writeAscii(Poco::UInt32(4294967295U)));
		CPPUNIT_ASSERT_EQUAL(std::string("9223372036854775807"), JsonText::writeAscii(std::numeric_limits<Poco::Int64>::max()));
		CPPUNIT_ASSERT_EQUAL(std::string("-9223372036854775808"), JsonText::writeAscii(std::numeric_limits<Poco::Int64>::min()));
		CPPUNIT_ASSERT_EQUAL(std::string("18446744073709551615"), JsonText::writeAscii(std::numeric_limits<Poco::UInt64>::max()));
		// appendAscii appends.
		std::string out = "n=";
		JsonText::appendAscii(out, 5);
		CPPUNIT_ASSERT_EQUAL(std::string("n=5"), out);
	}

	void testAsciiFloats()
	{
		// repr(float) of each, as json.dumps writes it. (Not every double
		// is written as repr() writes it: see writeAscii().)
		CPPUNIT_ASSERT_EQUAL(std::string("1.83"), JsonText::writeAscii(1.83));
		CPPUNIT_ASSERT_EQUAL(std::string("0.1"), JsonText::writeAscii(0.1));
		CPPUNIT_ASSERT_EQUAL(std::string("0.5"), JsonText::writeAscii(0.5));
		CPPUNIT_ASSERT_EQUAL(std::string("1.0"), JsonText::writeAscii(1.0));
		CPPUNIT_ASSERT_EQUAL(std::string("2.0"), JsonText::writeAscii(2.0));
		CPPUNIT_ASSERT_EQUAL(std::string("100.0"), JsonText::writeAscii(100.0));
		CPPUNIT_ASSERT_EQUAL(std::string("-2.5"), JsonText::writeAscii(-2.5));
		CPPUNIT_ASSERT_EQUAL(std::string("0.0"), JsonText::writeAscii(0.0));
		CPPUNIT_ASSERT_EQUAL(std::string("-0.0"), JsonText::writeAscii(-0.0));
		CPPUNIT_ASSERT_EQUAL(std::string("0.30000000000000004"), JsonText::writeAscii(0.1 + 0.2));
		CPPUNIT_ASSERT_EQUAL(std::string("0.0001"), JsonText::writeAscii(0.0001));
		CPPUNIT_ASSERT_EQUAL(std::string("1e-05"), JsonText::writeAscii(1e-05));
		CPPUNIT_ASSERT_EQUAL(std::string("9999999999999998.0"), JsonText::writeAscii(9999999999999998.0));
		CPPUNIT_ASSERT_EQUAL(std::string("1e+16"), JsonText::writeAscii(1e16));
		CPPUNIT_ASSERT_EQUAL(std::string("1e+22"), JsonText::writeAscii(1e22));
		CPPUNIT_ASSERT_EQUAL(std::string("1.2345678901234568e+17"), JsonText::writeAscii(123456789012345680.0));
		CPPUNIT_ASSERT_EQUAL(std::string("1.7976931348623157e+308"), JsonText::writeAscii(std::numeric_limits<double>::max()));
		// A float is widened to double first, as Python holds no other float.
		CPPUNIT_ASSERT_EQUAL(std::string("0.10000000149011612"), JsonText::writeAscii(0.1f));
		// The same numbers as write().
		CPPUNIT_ASSERT_EQUAL(JsonText::write(0.7), JsonText::writeAscii(0.7));
	}

	void testAsciiFloatsNotFinite()
	{
		// null, as write() writes them (Python would write NaN, Infinity).
		CPPUNIT_ASSERT_EQUAL(std::string("null"), JsonText::writeAscii(std::numeric_limits<double>::quiet_NaN()));
		CPPUNIT_ASSERT_EQUAL(std::string("null"), JsonText::writeAscii(std::numeric_limits<double>::infinity()));
		CPPUNIT_ASSERT_EQUAL(std::string("null"), JsonText::writeAscii(-std::numeric_limits<double>::infinity()));
	}

	void testAsciiObjectKeepsInsertionOrder()
	{
		// json.dumps({"z": 1, "a": [True, False, None, {"y": "é", "b": "😀"}]})
		Poco::JSON::Object::Ptr inner = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
		inner->set("y", std::string("\xC3\xA9"));
		inner->set("b", std::string("\xF0\x9F\x98\x80"));
		Poco::JSON::Array::Ptr list = new Poco::JSON::Array;
		list->add(true);
		list->add(false);
		list->add(Poco::Dynamic::Var());
		list->add(inner);
		Poco::JSON::Object::Ptr object = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
		object->set("z", 1);
		object->set("a", list);
		CPPUNIT_ASSERT_EQUAL(std::string("{\"z\": 1, \"a\": [true, false, null, {\"y\": \"\\u00e9\", \"b\": \"\\ud83d\\ude00\"}]}"),
			JsonText::writeAscii(object));

		// Many keys in an order far from sorted.
		Poco::JSON::Object::Ptr many = JsonText::object();
		std::string expected = "{";
		for (int i = 30; i > 0; --i)
		{
			std::string key = "k" + std::to_string(i * 7 % 31);
			many->set(key, i);
			if (i != 30) expected += ", ";
			expected += "\"" + key + "\": " + std::to_string(i);
		}
		expected += "}";
		CPPUNIT_ASSERT_EQUAL(expected, JsonText::writeAscii(many));
		// Keys are escaped like strings.
		Poco::JSON::Object::Ptr keys = JsonText::object();
		keys->set("\xC3\xA9\"", 1);
		CPPUNIT_ASSERT_EQUAL(std::string("{\"\\u00e9\\\"\": 1}"), JsonText::writeAscii(keys));
	}

	void testAsciiSortedObjectAndByValueContainers()
	{
		// An object made without JSON_PRESERVE_KEY_ORDER keeps its own (sorted) order.
		Poco::JSON::Object::Ptr sorted = new Poco::JSON::Object;
		sorted->set("b", 1);
		sorted->set("a", 2);
		CPPUNIT_ASSERT_EQUAL(std::string("{\"a\": 2, \"b\": 1}"), JsonText::writeAscii(sorted));

		// Objects and arrays held by value.
		Poco::JSON::Object object(Poco::JSON_PRESERVE_KEY_ORDER);
		object.set("role", std::string("assistant"));
		object.set("content", std::string("h\xC3\xA9"));
		CPPUNIT_ASSERT_EQUAL(std::string("{\"role\": \"assistant\", \"content\": \"h\\u00e9\"}"), JsonText::writeAscii(object));
		Poco::JSON::Array array;
		array.add(1.5);
		array.add(std::string("x"));
		CPPUNIT_ASSERT_EQUAL(std::string("[1.5, \"x\"]"), JsonText::writeAscii(array));
	}

	void testAsciiDynamicStructAndVector()
	{
		Poco::DynamicStruct members;
		members["b"] = 2;
		members["\xC3\xA9"] = std::string("\xC3\xA9");
		members["a"] = std::string("x");
		CPPUNIT_ASSERT_EQUAL(std::string("{\"a\": \"x\", \"b\": 2, \"\\u00e9\": \"\\u00e9\"}"), JsonText::writeAscii(members));

		std::vector<Poco::Dynamic::Var> items{1, std::string("two"), Poco::Dynamic::Var(), 0.25};
		CPPUNIT_ASSERT_EQUAL(std::string("[1, \"two\", null, 0.25]"), JsonText::writeAscii(items));
	}

	void testAsciiNullPointersAndEmptyContainers()
	{
		CPPUNIT_ASSERT_EQUAL(std::string("null"), JsonText::writeAscii(Poco::JSON::Object::Ptr()));
		CPPUNIT_ASSERT_EQUAL(std::string("null"), JsonText::writeAscii(Poco::JSON::Array::Ptr()));
		CPPUNIT_ASSERT_EQUAL(std::string("{}"), JsonText::writeAscii(JsonText::object()));
		CPPUNIT_ASSERT_EQUAL(std::string("[]"), JsonText::writeAscii(Poco::JSON::Array::Ptr(new Poco::JSON::Array)));
		Poco::JSON::Array::Ptr nested = new Poco::JSON::Array;
		nested->add(Poco::JSON::Array::Ptr(new Poco::JSON::Array));
		nested->add(JsonText::object());
		CPPUNIT_ASSERT_EQUAL(std::string("[[], {}]"), JsonText::writeAscii(nested));
	}

	void testAsciiSameLayoutAsWrite()
	{
		// Only the escaping differs: ASCII text comes out of both the same,
		// and the ASCII text reads back as the same value.
		Poco::JSON::Object::Ptr object = JsonText::object();
		object->set("text", std::string("plain \"ascii\"\n\x7f"));
		object->set("n", 3);
		Poco::JSON::Array::Ptr list = new Poco::JSON::Array;
		list->add(0.5);
		list->add(JsonText::object());
		object->set("list", list);
		CPPUNIT_ASSERT_EQUAL(JsonText::write(object), JsonText::writeAscii(object));

		std::string tricky = "h\xC3\xA9 \xE6\x97\xA5 \xF0\x9F\x98\x80 \xE2\x80\xA9 bad \xFF end";
		Poco::JSON::Object::Ptr content = JsonText::object();
		content->set("content", tricky);
		Poco::JSON::Object::Ptr back = JsonText::parseObject(JsonText::writeAscii(content));
		std::string expected = tricky;
		expected.replace(expected.find("\xFF"), 1, "\xEF\xBF\xBD");
		CPPUNIT_ASSERT_EQUAL(expected, back->getValue<std::string>("content"));
		// write() keeps the characters (but for U+2028, U+2029) as UTF-8.
		CPPUNIT_ASSERT_EQUAL(std::string("{\"content\": \"h\xC3\xA9 \xE6\x97\xA5 \xF0\x9F\x98\x80 \\u2029 bad \xEF\xBF\xBD end\"}"),
			JsonText::write(content));
	}

	void testAsciiDeepNesting()
	{
		// Written without recursion: 100000 levels do not need a deep stack.
		const int depth = 100000;
		Poco::JSON::Array::Ptr root = new Poco::JSON::Array;
		Poco::JSON::Array::Ptr current = root;
		for (int i = 1; i < depth; ++i)
		{
			Poco::JSON::Array::Ptr child = new Poco::JSON::Array;
			current->add(child);
			current = child;
		}
		std::string out = JsonText::writeAscii(root);
		CPPUNIT_ASSERT_EQUAL(std::string(depth, '[') + std::string(depth, ']'), out);
		// Let go of the chain from the innermost end: Poco's destructors recurse.
		std::vector<Poco::JSON::Array::Ptr> chain;
		chain.reserve(depth);
		for (Poco::JSON::Array::Ptr a = root; a->size() > 0; a = a->getArray(0)) chain.push_back(a);
		root.reset();
		current.reset();
		for (auto it = chain.rbegin(); it != chain.rend(); ++it) (*it)->clear();
	}
};


CPPUNIT_TEST_SUITE_REGISTRATION(JsonTextTest);
