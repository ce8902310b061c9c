//
// ToolPolicyTest.cpp
//


#include "core/chat/ToolPolicy.h"
#include "Poco/Exception.h"
#include <cppunit/extensions/HelperMacros.h>
#include <chrono>


class ToolPolicyTest: public CppUnit::TestFixture
{
	CPPUNIT_TEST_SUITE(ToolPolicyTest);
	CPPUNIT_TEST(testStarAllowsEverything);
	CPPUNIT_TEST(testServerWildcard);
	CPPUNIT_TEST(testOneTool);
	CPPUNIT_TEST(testGlobsOnEitherSide);
	CPPUNIT_TEST(testSeveralPatterns);
	CPPUNIT_TEST(testEmptyListAllowsNothing);
	CPPUNIT_TEST(testInvalidPatternsThrow);
	CPPUNIT_TEST(testHostilePatternIsFast);
	CPPUNIT_TEST_SUITE_END();

public:
	void testStarAllowsEverything()
	{
		Nash::ToolPolicy policy = Nash::ToolPolicy::parse({"*"});
		CPPUNIT_ASSERT(!policy.allowsNothing());
		CPPUNIT_ASSERT(policy.allows("demo", "add"));
		CPPUNIT_ASSERT(policy.allows("files", "read_file"));
		CPPUNIT_ASSERT(policy.allows("x", "y"));
		// Surrounding blanks are not part of a pattern.
		CPPUNIT_ASSERT(Nash::ToolPolicy::parse({"  *  "}).allows("demo", "add"));
	}

	void testServerWildcard()
	{
		Nash::ToolPolicy policy = Nash::ToolPolicy::parse({"demo/*"});
		CPPUNIT_ASSERT(policy.allows("demo", "add"));
		CPPUNIT_ASSERT(policy.allows("demo", "echo"));
		CPPUNIT_ASSERT(!policy.allows("other", "add"));
		CPPUNIT_ASSERT(!policy.allows("demox", "add"));
		CPPUNIT_ASSERT(!policy.allows("xdemo", "add"));
		CPPUNIT_ASSERT(!policy.allows("dem", "add"));
	}

	void testOneTool()
	{
		Nash::ToolPolicy policy = Nash::ToolPolicy::parse({"demo/add"});
		CPPUNIT_ASSERT(policy.allows("demo", "add"));
		CPPUNIT_ASSERT(!policy.allows("demo", "echo"));
		CPPUNIT_ASSERT(!policy.allows("demo", "addx"));
		CPPUNIT_ASSERT(!policy.allows("demo", "ad"));
		CPPUNIT_ASSERT(!policy.allows("other", "add"));
		CPPUNIT_ASSERT(!policy.allows("", "add"));
	}

	void testGlobsOnEitherSide()
	{
		Nash::ToolPolicy anyServer = Nash::ToolPolicy::parse({"*/add"});
		CPPUNIT_ASSERT(anyServer.allows("demo", "add"));
		CPPUNIT_ASSERT(anyServer.allows("math", "add"));
		CPPUNIT_ASSERT(!anyServer.allows("demo", "echo"));

		Nash::ToolPolicy question = Nash::ToolPolicy::parse({"de?o/a?d"});
		CPPUNIT_ASSERT(question.allows("demo", "add"));
		CPPUNIT_ASSERT(question.allows("dexo", "abd"));
		CPPUNIT_ASSERT(!question.allows("deo", "add"));
		CPPUNIT_ASSERT(!question.allows("demo", "ad"));
		CPPUNIT_ASSERT(!question.allows("demoo", "add"));

		Nash::ToolPolicy prefix = Nash::ToolPolicy::parse({"fs-*/read_*"});
		CPPUNIT_ASSERT(prefix.allows("fs-home", "read_file"));
		CPPUNIT_ASSERT(prefix.allows("fs-", "read_"));
		CPPUNIT_ASSERT(!prefix.allows("fs-home", "write_file"));
		CPPUNIT_ASSERT(!prefix.allows("fs", "read_file"));

		Nash::ToolPolicy middle = Nash::ToolPolicy::parse({"demo/a*d"});
		CPPUNIT_ASSERT(middle.allows("demo", "ad"));
		CPPUNIT_ASSERT(middle.allows("demo", "add"));
		CPPUNIT_ASSERT(middle.allows("demo", "abcdd"));
		CPPUNIT_ASSERT(!middle.allows("demo", "adx"));
		CPPUNIT_ASSERT(!middle.allows("demo", "bad"));

		Nash::ToolPolicy both = Nash::ToolPolicy::parse({"*/*"});
		CPPUNIT_ASSERT(both.allows("any", "thing"));
	}

	void testSeveralPatterns()
	{
		Nash::ToolPolicy policy = Nash::ToolPolicy::parse({"demo/add", "", "  ", "files/*"});
		CPPUNIT_ASSERT(policy.allows("demo", "add"));
		CPPUNIT_ASSERT(policy.allows("files", "read"));
		CPPUNIT_ASSERT(!policy.allows("demo", "echo"));
		CPPUNIT_ASSERT(!policy.allows("shell", "run"));
	}

	void testEmptyListAllowsNothing()
	{
		Nash::ToolPolicy none = Nash::ToolPolicy::parse({});
		CPPUNIT_ASSERT(none.allowsNothing());
		CPPUNIT_ASSERT(!none.allows("demo", "add"));
		CPPUNIT_ASSERT(!none.allows("", ""));

		Nash::ToolPolicy blank = Nash::ToolPolicy::parse({"", "   "});
		CPPUNIT_ASSERT(blank.allowsNothing());
		CPPUNIT_ASSERT(!blank.allows("demo", "add"));

		Nash::ToolPolicy defaulted;
		CPPUNIT_ASSERT(defaulted.allowsNothing());
		CPPUNIT_ASSERT(!defaulted.allows("demo", "add"));
	}

	void testInvalidPatternsThrow()
	{
		CPPUNIT_ASSERT_THROW(Nash::ToolPolicy::parse({"demo"}), Poco::InvalidArgumentException);
		CPPUNIT_ASSERT_THROW(Nash::ToolPolicy::parse({"/x"}), Poco::InvalidArgumentException);
		CPPUNIT_ASSERT_THROW(Nash::ToolPolicy::parse({"x/"}), Poco::InvalidArgumentException);
		CPPUNIT_ASSERT_THROW(Nash::ToolPolicy::parse({"a/b/c"}), Poco::InvalidArgumentException);
		CPPUNIT_ASSERT_THROW(Nash::ToolPolicy::parse({"/"}), Poco::InvalidArgumentException);
		CPPUNIT_ASSERT_THROW(Nash::ToolPolicy::parse({"**"}), Poco::InvalidArgumentException);
		// One bad entry spoils the list, wherever it is.
		CPPUNIT_ASSERT_THROW(Nash::ToolPolicy::parse({"demo/add", "demo"}), Poco::InvalidArgumentException);
		try
		{
			Nash::ToolPolicy::parse({"a/b/c"});
			CPPUNIT_FAIL("a/b/c must be refused");
		}
		catch (Poco::InvalidArgumentException& exc)
		{
			CPPUNIT_ASSERT(exc.message().find("a/b/c") != std::string::npos);
		}
	}

	void testHostilePatternIsFast()
	{
		Nash::ToolPolicy policy = Nash::ToolPolicy::parse({"*/*a*a*a*a*a*a*a*a*a*a*b"});
		auto start = std::chrono::steady_clock::now();
		CPPUNIT_ASSERT(!policy.allows("s", std::string(20000, 'a')));
		CPPUNIT_ASSERT(policy.allows("s", std::string(20000, 'a') + "b"));
		auto elapsed = std::chrono::steady_clock::now() - start;
		CPPUNIT_ASSERT(elapsed < std::chrono::seconds(5));
	}
};


CPPUNIT_TEST_SUITE_REGISTRATION(ToolPolicyTest);
