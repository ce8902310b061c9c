//
// BackendHarness.cpp
//


#include "BackendHarness.h"
#include "TestEnvironment.h"
#include "Poco/JSON/Parser.h"
#include <cppunit/extensions/HelperMacros.h>


namespace NashTest {


BackendHarness::BackendHarness(const std::string& backendSection, const std::map<std::string, std::string>& env)
{
	ServerProcess::Options upstream;
	upstream.binary = NASH_FAKE_UPSTREAM_BINARY;
	_upstream.reset(new ServerProcess(upstream));
	_upstream->start();

	std::string section = backendSection;
	const std::string placeholder = "{upstream}";
	for (auto at = section.find(placeholder); at != std::string::npos; at = section.find(placeholder))
		section.replace(at, placeholder.size(), upstreamUrl());
	std::map<std::string, std::string> environment = env;
	for (auto& variable: environment)
	{
		for (auto at = variable.second.find(placeholder); at != std::string::npos; at = variable.second.find(placeholder))
			variable.second.replace(at, placeholder.size(), upstreamUrl());
	}

	ServerProcess::Options server;
	server.iniText = section;
	server.env = environment;
	_server.reset(new ServerProcess(server));
	_server->start();
}


HttpTestClient BackendHarness::client() const
{
	return HttpTestClient(_server->port());
}


HttpTestClient BackendHarness::upstreamClient() const
{
	return HttpTestClient(_upstream->port());
}


ServerProcess& BackendHarness::server()
{
	return *_server;
}


std::string BackendHarness::upstreamUrl() const
{
	return "http://127.0.0.1:" + std::to_string(_upstream->port());
}


std::vector<std::string> BackendHarness::chat(const std::string& model, const std::string& text)
{
	std::string body = "{\"messages\": [{\"role\": \"user\", \"content\": \"" + text + "\"}], \"model\": \"" + model + "\", \"session_id\": \"t-1\"}";
	HttpResult result = client().post("/v1/chat/completions/stream", body);
	if (result.status != 200) return {"HTTP " + std::to_string(result.status) + " " + result.body};
	return HttpTestClient::dataEvents(result.body);
}


Poco::JSON::Object::Ptr BackendHarness::stats() const
{
	return upstreamClient().get("/_stats").json();
}


std::string BackendHarness::joinedContent(const std::vector<std::string>& events)
{
	std::string text;
	for (const auto& event: events)
	{
		if (event.compare(0, 12, "{\"content\": ") != 0) continue;
		Poco::JSON::Parser parser;
		text += parser.parse(event).extract<Poco::JSON::Object::Ptr>()->getValue<std::string>("content");
	}
	return text;
}


std::string BackendHarness::errorOf(const std::vector<std::string>& events)
{
	for (const auto& event: events)
	{
		if (event.compare(0, 10, "{\"error\": ") != 0) continue;
		Poco::JSON::Parser parser;
		return parser.parse(event).extract<Poco::JSON::Object::Ptr>()->getValue<std::string>("error");
	}
	return std::string();
}


bool BackendHarness::closesProperly(const std::vector<std::string>& events, std::string& why)
{
	if (events.size() < 3) why = "fewer than three events";
	else if (events.back() != "[DONE]") why = "no [DONE] at the end";
	else if (events[events.size() - 2] != events.front()) why = "the closing session event differs from the first";
	else if (events.front().find("session_id") == std::string::npos) why = "no session event first";
	else return true;
	return false;
}


void BackendHarness::expectClosed(const std::vector<std::string>& events)
{
	std::string why;
	CPPUNIT_ASSERT_MESSAGE(why + ":\n" + describe(events), closesProperly(events, why));
}


std::string BackendHarness::describe(const std::vector<std::string>& events)
{
	std::string text;
	for (const auto& event: events) text += event.substr(0, 200) + "\n";
	return text;
}


} // namespace NashTest
