//
// ServerSettingsTest.cpp
//


#include "core/app/ServerSettings.h"
#include "Poco/AutoPtr.h"
#include "Poco/Util/MapConfiguration.h"
#include <cppunit/extensions/HelperMacros.h>


namespace {


Nash::ServerSettings read(const std::map<std::string, std::string>& values)
{
	Poco::AutoPtr<Poco::Util::MapConfiguration> config(new Poco::Util::MapConfiguration);
	for (const auto& value: values) config->setString(value.first, value.second);
	return Nash::ServerSettings::fromConfig(*config);
}


std::string refusal(const std::map<std::string, std::string>& values)
{
	try
	{
		read(values);
	}
	catch (Poco::InvalidArgumentException& exc)
	{
		return exc.message();
	}
	CPPUNIT_FAIL("accepted a bad configuration");
	return std::string();
}


} // namespace


class ServerSettingsTest: public CppUnit::TestFixture
{
	CPPUNIT_TEST_SUITE(ServerSettingsTest);
	CPPUNIT_TEST(testDefaults);
	CPPUNIT_TEST(testValues);
	CPPUNIT_TEST(testBadValuesNameTheKey);
	CPPUNIT_TEST_SUITE_END();

public:
	void testDefaults()
	{
		Nash::ServerSettings s = read({});
		CPPUNIT_ASSERT_EQUAL(std::string("127.0.0.1"), s.host);
		CPPUNIT_ASSERT_EQUAL(8001, s.port);
		CPPUNIT_ASSERT_EQUAL(20LL, s.maxMessages);
		CPPUNIT_ASSERT_EQUAL(50000LL, s.maxTokens);
		CPPUNIT_ASSERT_EQUAL(std::string("You are a helpful AI assistant."), s.chatSystemPrompt);
		CPPUNIT_ASSERT(s.maxThreads >= 256);
		CPPUNIT_ASSERT(s.loadAllPlugins);
	}

	void testValues()
	{
		Nash::ServerSettings s = read({{"server.port", "9000"}, {"chat.limits.max_messages", "5"}, {"plugins.load", "echo, openai"},
			{"backend.fast.plugin", "echo"}, {"backend.fast.required", "yes"}, {"backend.off.enabled", "false"}});
		CPPUNIT_ASSERT_EQUAL(9000, s.port);
		CPPUNIT_ASSERT_EQUAL(5LL, s.maxMessages);
		CPPUNIT_ASSERT(!s.loadAllPlugins);
		CPPUNIT_ASSERT_EQUAL(std::size_t(2), s.pluginLoad.size());
		CPPUNIT_ASSERT_EQUAL(std::string("openai"), s.pluginLoad[1]);
		CPPUNIT_ASSERT_EQUAL(std::size_t(1), s.backends.size());
		CPPUNIT_ASSERT_EQUAL(std::string("fast"), s.backends[0].name);
		CPPUNIT_ASSERT_EQUAL(std::string("echo"), s.backends[0].plugin);
		CPPUNIT_ASSERT(s.backends[0].required);
	}

	void testBadValuesNameTheKey()
	{
		CPPUNIT_ASSERT(refusal({{"server.port", "eighty"}}).find("server.port") != std::string::npos);
		CPPUNIT_ASSERT(refusal({{"server.port", "70000"}}).find("server.port") != std::string::npos);
		CPPUNIT_ASSERT(refusal({{"server.keepalive", "maybe"}}).find("server.keepalive") != std::string::npos);
		CPPUNIT_ASSERT(refusal({{"server.threads.min", "50"}, {"server.threads.max", "10"}}).find("server.threads.min") != std::string::npos);
	}
};


CPPUNIT_TEST_SUITE_REGISTRATION(ServerSettingsTest);
