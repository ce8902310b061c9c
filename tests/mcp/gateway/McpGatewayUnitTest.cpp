//
// McpGatewayUnitTest.cpp
//
// The MCP gateway's parts on their own: the tool policy per token, the
// sessions' registry, and how a resource URI finds its template.
//


#include "core/mcp/gateway/McpGateway.h"
#include "core/mcp/gateway/McpGatewayPolicy.h"
#include "core/mcp/gateway/McpGatewaySessions.h"
#include <cppunit/extensions/HelperMacros.h>
#include <thread>
#include <vector>


using Nash::McpGateway;
using Nash::McpGatewayPolicy;
using Nash::McpGatewaySessions;
using Nash::ToolPolicy;


class McpGatewayUnitTest: public CppUnit::TestFixture
{
	CPPUNIT_TEST_SUITE(McpGatewayUnitTest);
	CPPUNIT_TEST(testPolicyForEveryoneAndForAToken);
	CPPUNIT_TEST(testSessionsBelongToTheirOwner);
	CPPUNIT_TEST(testIdleSessionsEnd);
	CPPUNIT_TEST(testFullRegistryEndsTheLongestIdle);
	CPPUNIT_TEST(testEndingCancelsWhatRuns);
	CPPUNIT_TEST(testTemplates);
	CPPUNIT_TEST(testErrorResponse);
	CPPUNIT_TEST_SUITE_END();

public:
	void testPolicyForEveryoneAndForAToken()
	{
		McpGatewayPolicy policy(ToolPolicy::parse({"*"}), ToolPolicy::parse({"files/write_*"}));
		policy.restrict("token-b", "reporting", ToolPolicy::parse({"github/search_*", "files/*"}), ToolPolicy::parse({"files/read_secret"}));
		CPPUNIT_ASSERT(policy.allows("token-a", "github", "delete_repo"));
		CPPUNIT_ASSERT(!policy.allows("token-a", "files", "write_file"));
		CPPUNIT_ASSERT(policy.allows("", "files", "read_file"));
		CPPUNIT_ASSERT(policy.allows("token-b", "github", "search_code"));
		CPPUNIT_ASSERT(!policy.allows("token-b", "github", "delete_repo"));
		CPPUNIT_ASSERT(policy.allows("token-b", "files", "read_file"));
		CPPUNIT_ASSERT(!policy.allows("token-b", "files", "read_secret"));
		// The list for everyone holds for the token too.
		CPPUNIT_ASSERT(!policy.allows("token-b", "files", "write_file"));
		CPPUNIT_ASSERT_EQUAL(std::string("reporting"), policy.nameOf("token-b"));
		CPPUNIT_ASSERT_EQUAL(std::string(), policy.nameOf("token-a"));

		// Nothing allowed for everyone: nothing for anyone.
		McpGatewayPolicy closed(ToolPolicy::parse({}), ToolPolicy::parse({}));
		closed.restrict("token-b", "b", ToolPolicy::parse({"*"}), ToolPolicy::parse({}));
		CPPUNIT_ASSERT(!closed.allows("token-b", "github", "search_code"));
	}

	void testSessionsBelongToTheirOwner()
	{
		std::vector<std::string> ended;
		McpGatewaySessions sessions(std::chrono::seconds(60), 10, [&](const std::string& id) { ended.push_back(id); });
		auto mine = sessions.create("Bearer one");
		CPPUNIT_ASSERT_EQUAL(std::size_t(36), mine->id.size());
		CPPUNIT_ASSERT(sessions.find(mine->id, "Bearer one") == mine);
		CPPUNIT_ASSERT(!sessions.find(mine->id, "Bearer two"));
		CPPUNIT_ASSERT(!sessions.end(mine->id, "Bearer two"));
		CPPUNIT_ASSERT(sessions.create("Bearer one")->id != mine->id);
		CPPUNIT_ASSERT(sessions.end(mine->id, "Bearer one"));
		CPPUNIT_ASSERT(!sessions.find(mine->id, "Bearer one"));
		CPPUNIT_ASSERT(!sessions.end(mine->id, "Bearer one"));
		CPPUNIT_ASSERT_EQUAL(std::size_t(1), ended.size());
		CPPUNIT_ASSERT_EQUAL(mine->id, ended.front());
	}

	void testIdleSessionsEnd()
	{
		std::vector<std::string> ended;
		McpGatewaySessions sessions(std::chrono::seconds(1), 10, [&](const std::string& id) { ended.push_back(id); });
		auto idle = sessions.create("");
		std::this_thread::sleep_for(std::chrono::milliseconds(1100));
		CPPUNIT_ASSERT(!sessions.find(idle->id, ""));
		// Ended sessions are swept when the next one starts.
		sessions.create("");
		CPPUNIT_ASSERT_EQUAL(std::size_t(1), sessions.size());
		CPPUNIT_ASSERT_EQUAL(std::size_t(1), ended.size());
	}

	void testFullRegistryEndsTheLongestIdle()
	{
		McpGatewaySessions sessions(std::chrono::seconds(60), 2);
		auto first = sessions.create("");
		std::this_thread::sleep_for(std::chrono::milliseconds(5));
		auto second = sessions.create("");
		std::this_thread::sleep_for(std::chrono::milliseconds(5));
		CPPUNIT_ASSERT(sessions.find(first->id, ""));
		auto third = sessions.create("");
		CPPUNIT_ASSERT_EQUAL(std::size_t(2), sessions.size());
		CPPUNIT_ASSERT(sessions.find(first->id, ""));
		CPPUNIT_ASSERT(!sessions.find(second->id, ""));
		CPPUNIT_ASSERT(sessions.find(third->id, ""));
	}

	void testEndingCancelsWhatRuns()
	{
		McpGatewaySessions sessions(std::chrono::seconds(60), 10);
		auto session = sessions.create("");
		auto running = std::make_shared<Nash::CancellationToken>();
		session->inFlight["1"] = running;
		sessions.end(session->id, "");
		CPPUNIT_ASSERT(running->isCancelled());
	}

	void testTemplates()
	{
		CPPUNIT_ASSERT(McpGateway::templateMatches("test://template/{id}/data", "test://template/42/data"));
		CPPUNIT_ASSERT(!McpGateway::templateMatches("test://template/{id}/data", "test://template/4/2/data"));
		CPPUNIT_ASSERT(!McpGateway::templateMatches("test://template/{id}/data", "test://template/42/data/more"));
		CPPUNIT_ASSERT(McpGateway::templateMatches("file:///{+path}", "file:///home/me/notes.md"));
		CPPUNIT_ASSERT(McpGateway::templateMatches("search://items{?q,limit}", "search://items?q=x&limit=3"));
		CPPUNIT_ASSERT(McpGateway::templateMatches("search://items{?q,limit}", "search://items"));
		// Literal parts are literal, regular-expression characters included.
		CPPUNIT_ASSERT(!McpGateway::templateMatches("a.b://{x}", "aXb://1"));
		CPPUNIT_ASSERT(McpGateway::templateMatches("a.b://{x}", "a.b://1"));
		CPPUNIT_ASSERT(!McpGateway::templateMatches("broken://{x", "broken://1"));
	}

	void testErrorResponse()
	{
		auto response = McpGateway::errorResponse(Poco::Dynamic::Var(7), -32602, "Unknown tool: x", Poco::Dynamic::Var(std::string("detail")));
		CPPUNIT_ASSERT_EQUAL(std::string("2.0"), response->getValue<std::string>("jsonrpc"));
		CPPUNIT_ASSERT_EQUAL(7, response->getValue<int>("id"));
		CPPUNIT_ASSERT_EQUAL(-32602, response->getObject("error")->getValue<int>("code"));
		CPPUNIT_ASSERT_EQUAL(std::string("detail"), response->getObject("error")->getValue<std::string>("data"));
	}
};


CPPUNIT_TEST_SUITE_REGISTRATION(McpGatewayUnitTest);
