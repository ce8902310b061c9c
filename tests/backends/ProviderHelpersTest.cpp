//
// ProviderHelpersTest.cpp
//
// The NashUpstream helpers added for the provider backends: JsonFields and
// UpstreamSettings::readInteger.
//


#include "NashUpstream/JsonFields.h"
#include "NashUpstream/UpstreamSettings.h"
#include "TestCall.h"
#include "Poco/AutoPtr.h"
#include "Poco/Util/MapConfiguration.h"
#include <cppunit/extensions/HelperMacros.h>


using NashUpstream::JsonFields;
using NashTest::TestCall;


class ProviderHelpersTest: public CppUnit::TestFixture
{
	CPPUNIT_TEST_SUITE(ProviderHelpersTest);
	CPPUNIT_TEST(testString);
	CPPUNIT_TEST(testInteger);
	CPPUNIT_TEST(testParseObject);
	CPPUNIT_TEST(testReadInteger);
	CPPUNIT_TEST_SUITE_END();

public:
	void testString()
	{
		Poco::JSON::Object::Ptr object = TestCall::json(R"({"s":"text","n":5,"z":null,"o":{}})");
		CPPUNIT_ASSERT_EQUAL(std::string("text"), JsonFields::string(object, "s"));
		CPPUNIT_ASSERT_EQUAL(std::string(), JsonFields::string(object, "n"));
		CPPUNIT_ASSERT_EQUAL(std::string(), JsonFields::string(object, "z"));
		CPPUNIT_ASSERT_EQUAL(std::string(), JsonFields::string(object, "o"));
		CPPUNIT_ASSERT_EQUAL(std::string(), JsonFields::string(object, "missing"));
		CPPUNIT_ASSERT_EQUAL(std::string(), JsonFields::string(nullptr, "s"));
	}

	void testInteger()
	{
		Poco::JSON::Object::Ptr object = TestCall::json(R"({"i":42,"big":9007199254740993,"d":1.5,"s":"7","b":true,"z":null})");
		CPPUNIT_ASSERT_EQUAL(42LL, JsonFields::integer(object, "i").value());
		CPPUNIT_ASSERT_EQUAL(9007199254740993LL, JsonFields::integer(object, "big").value());
		CPPUNIT_ASSERT(JsonFields::integer(object, "d").isNull());
		CPPUNIT_ASSERT(JsonFields::integer(object, "s").isNull());
		CPPUNIT_ASSERT(JsonFields::integer(object, "b").isNull());
		CPPUNIT_ASSERT(JsonFields::integer(object, "z").isNull());
		CPPUNIT_ASSERT(JsonFields::integer(object, "missing").isNull());
		CPPUNIT_ASSERT(JsonFields::integer(nullptr, "i").isNull());
	}

	void testParseObject()
	{
		Poco::JSON::Object::Ptr object = JsonFields::parseObject(R"({"city":"Paris"})");
		CPPUNIT_ASSERT(object);
		CPPUNIT_ASSERT_EQUAL(std::string("Paris"), object->getValue<std::string>("city"));
		CPPUNIT_ASSERT(!JsonFields::parseObject("[1,2]"));
		CPPUNIT_ASSERT(!JsonFields::parseObject("\"text\""));
		CPPUNIT_ASSERT(!JsonFields::parseObject("{\"open\":"));
		CPPUNIT_ASSERT(!JsonFields::parseObject(""));
	}

	void testReadInteger()
	{
		Poco::AutoPtr<Poco::Util::MapConfiguration> config = new Poco::Util::MapConfiguration;
		CPPUNIT_ASSERT_EQUAL(7LL, NashUpstream::UpstreamSettings::readInteger(*config, "n", 7, 1, 10));
		config->setString("n", " 10 ");
		CPPUNIT_ASSERT_EQUAL(10LL, NashUpstream::UpstreamSettings::readInteger(*config, "n", 7, 1, 10));
		for (const char* bad: {"11", "0", "ten", "2.5", ""})
		{
			config->setString("n", bad);
			try
			{
				NashUpstream::UpstreamSettings::readInteger(*config, "n", 7, 1, 10);
				CPPUNIT_FAIL(std::string("accepted '") + bad + "'");
			}
			catch (Poco::InvalidArgumentException& exc)
			{
				CPPUNIT_ASSERT_EQUAL(std::string("'n' must be a whole number from 1 to 10, not '") + bad + "'", exc.message());
			}
		}
	}
};


CPPUNIT_TEST_SUITE_REGISTRATION(ProviderHelpersTest);
