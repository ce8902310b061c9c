//
// BackendRegistryTest.cpp
//


#include "TestBackends.h"
#include "core/chat/BackendRegistry.h"
#include "core/http/HttpError.h"
#include <cppunit/extensions/HelperMacros.h>


namespace {


int statusOf(const Nash::BackendRegistry& registry, const std::string& spec)
{
	try
	{
		registry.resolve(spec);
	}
	catch (Nash::HttpError& error)
	{
		return error.status();
	}
	return 200;
}


} // namespace


class BackendRegistryTest: public CppUnit::TestFixture
{
	CPPUNIT_TEST_SUITE(BackendRegistryTest);
	CPPUNIT_TEST(testDefaultModel);
	CPPUNIT_TEST(testExplicitBackend);
	CPPUNIT_TEST(testBareModelName);
	CPPUNIT_TEST(testUnknownIs400);
	CPPUNIT_TEST(testUnavailableIs503);
	CPPUNIT_TEST(testUnavailableErrorShowsNoCredentials);
	CPPUNIT_TEST(testAnyModelBackendAndSlashInModelNames);
	CPPUNIT_TEST_SUITE_END();

public:
	void setUp() override
	{
		_registry.reset(new Nash::BackendRegistry("echo"));
		_registry->add("echo", "echo", std::unique_ptr<Nash::BlockingBackend>(new NashTest::ScriptedBackend({"echo", "echo-2"})));
		_registry->add("other", "scripted", std::unique_ptr<Nash::BlockingBackend>(new NashTest::ScriptedBackend({"big", "small"})));
	}

	void testDefaultModel()
	{
		Nash::BackendRoute route = _registry->resolve("");
		CPPUNIT_ASSERT_EQUAL(std::string("echo"), route.backendName);
		CPPUNIT_ASSERT_EQUAL(std::string("echo"), route.model);
		CPPUNIT_ASSERT(route.backend != nullptr);
	}

	void testExplicitBackend()
	{
		CPPUNIT_ASSERT_EQUAL(std::string("small"), _registry->resolve("other/small").model);
		CPPUNIT_ASSERT_EQUAL(std::string("big"), _registry->resolve("other/").model);
		CPPUNIT_ASSERT_EQUAL(std::string("big"), _registry->resolve("other").model);
		CPPUNIT_ASSERT_EQUAL(std::string("echo-2"), _registry->resolve("echo/echo-2").model);
	}

	void testBareModelName()
	{
		Nash::BackendRoute route = _registry->resolve("small");
		CPPUNIT_ASSERT_EQUAL(std::string("other"), route.backendName);
		CPPUNIT_ASSERT_EQUAL(std::string("small"), route.model);
	}

	void testUnknownIs400()
	{
		CPPUNIT_ASSERT_EQUAL(400, statusOf(*_registry, "gpt-4"));
		CPPUNIT_ASSERT_EQUAL(400, statusOf(*_registry, "other/huge"));
		CPPUNIT_ASSERT_EQUAL(400, statusOf(*_registry, "nobackend/model"));
		try
		{
			_registry->resolve("gpt-4");
		}
		catch (Nash::HttpError& error)
		{
			CPPUNIT_ASSERT(error.message().find("gpt-4") != std::string::npos);
			CPPUNIT_ASSERT(error.message().find("other/small") != std::string::npos);
		}
	}

	void testUnavailableIs503()
	{
		_registry->addUnavailable("broken", "openai", "configuration failed: no key");
		CPPUNIT_ASSERT_EQUAL(503, statusOf(*_registry, "broken/x"));
		CPPUNIT_ASSERT_EQUAL(503, statusOf(*_registry, "broken"));
		CPPUNIT_ASSERT_EQUAL(200, statusOf(*_registry, ""));
	}

	void testUnavailableErrorShowsNoCredentials()
	{
		// /health and every 503 show the error: the URL's host stays, its
		// password and api_key do not.
		_registry->addUnavailable("leaky", "openai", "cannot reach http://user:s3cretpw@[::1]:9/v1?api_key=k3y&x=1");
		const std::string shown = "cannot reach http://***@[::1]:9/v1?api_key=***&x=1";
		bool found = false;
		for (const auto& status: _registry->status())
		{
			if (status.name != "leaky") continue;
			found = true;
			CPPUNIT_ASSERT_EQUAL(shown, status.error);
		}
		CPPUNIT_ASSERT(found);
		try
		{
			_registry->resolve("leaky");
			CPPUNIT_FAIL("an unavailable backend must be refused");
		}
		catch (Nash::HttpError& error)
		{
			CPPUNIT_ASSERT_EQUAL(503, error.status());
			CPPUNIT_ASSERT_EQUAL(std::string("Backend 'leaky' is not available: ") + shown, error.message());
		}
	}

	void testAnyModelBackendAndSlashInModelNames()
	{
		_registry->add("open", "openai", std::unique_ptr<Nash::BlockingBackend>(new NashTest::ScriptedBackend({"m"}, true)));
		CPPUNIT_ASSERT_EQUAL(std::string("meta-llama/Llama-3"), _registry->resolve("open/meta-llama/Llama-3").model);
		CPPUNIT_ASSERT_EQUAL(400, statusOf(*_registry, "meta-llama/Llama-3"));
	}

private:
	std::unique_ptr<Nash::BackendRegistry> _registry;
};


CPPUNIT_TEST_SUITE_REGISTRATION(BackendRegistryTest);
