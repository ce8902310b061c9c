//
// ConformanceClient.cpp
//
// mcp_conformance_client <server-url>
//
// The client the official MCP conformance suite drives
// (npx @modelcontextprotocol/conformance client --command ... --scenario
// ...): our McpManager with the Streamable HTTP transport, connected to the
// suite's test server. It does what a gateway does for its callers: it
// initializes, lists the tools and calls each of them once, with arguments
// made from the tool's input schema. The scenario's name is in
// MCP_CONFORMANCE_SCENARIO; the suite judges the traffic.
//
// Authorization: the suite's authorization servers approve at once, so the
// interactive step is the HeadlessAuthorizationAgent. What a scenario gives
// a client beforehand (pre-registered credentials, a signing key) comes as
// JSON in MCP_CONFORMANCE_CONTEXT and becomes the oauth.* keys an operator
// would configure; the client_credentials scenarios are named so.
//
// Exit code 0 when every step succeeded, 1 otherwise.
//


#include "HeadlessAuthorizationAgent.h"
#include "HttpTransport.h"
#include "McpError.h"
#include "McpManager.h"
#include "Poco/AutoPtr.h"
#include "Poco/ConsoleChannel.h"
#include "Poco/Environment.h"
#include "Poco/FileStream.h"
#include "Poco/JSON/Parser.h"
#include "Poco/JSON/Stringifier.h"
#include "Poco/Logger.h"
#include "Poco/TemporaryFile.h"
#include "Poco/Util/MapConfiguration.h"
#include <iostream>
#include <sstream>


namespace {


Poco::Dynamic::Var sampleValue(const Poco::JSON::Object::Ptr& schema)
	/// A value a schema accepts, for calling a tool nobody told us about.
{
	std::string type = schema ? schema->optValue<std::string>("type", "string") : "string";
	if (schema && schema->has("default")) return schema->get("default");
	if (schema && schema->getArray("enum") && schema->getArray("enum")->size() > 0) return schema->getArray("enum")->get(0);
	if (type == "number" || type == "integer") return 1;
	if (type == "boolean") return true;
	if (type == "array") return Poco::JSON::Array::Ptr(new Poco::JSON::Array);
	if (type == "object") return Poco::JSON::Object::Ptr(new Poco::JSON::Object);
	return std::string("test");
}


Poco::JSON::Object::Ptr argumentsFor(const Poco::JSON::Object::Ptr& tool)
{
	Poco::JSON::Object::Ptr arguments = new Poco::JSON::Object;
	Poco::JSON::Object::Ptr schema = tool->getObject("inputSchema");
	Poco::JSON::Object::Ptr properties = schema ? schema->getObject("properties") : nullptr;
	if (!properties) return arguments;
	std::vector<std::string> names;
	properties->getNames(names);
	for (const auto& name: names) arguments->set(name, sampleValue(properties->getObject(name)));
	return arguments;
}


// The Client ID Metadata Document URL the suite's authorization server
// expects in its CIMD scenario; others do not offer CIMD and ignore it.
const char* const CLIENT_METADATA_URL = "https://conformance-test.local/client-metadata.json";


void configureAuthorization(Poco::Util::MapConfiguration& section, const std::string& scenario, Poco::TemporaryFile& keyFile)
{
	// Never visited: the headless agent reads the redirect's Location.
	section.setString("oauth.redirect_uri", "http://127.0.0.1:9/callback");
	section.setString("oauth.client_metadata_url", CLIENT_METADATA_URL);
	section.setString("oauth.client_name", "nash-mcp-conformance-client");
	if (scenario.compare(0, 23, "auth/client-credentials") == 0) section.setString("oauth.grant", "client_credentials");
	std::string text = Poco::Environment::get("MCP_CONFORMANCE_CONTEXT", "");
	if (text.empty()) return;
	Poco::JSON::Parser parser;
	Poco::JSON::Object::Ptr context = parser.parse(text).extract<Poco::JSON::Object::Ptr>();
	if (context->has("client_id")) section.setString("oauth.client_id", context->getValue<std::string>("client_id"));
	if (context->has("client_secret")) section.setString("oauth.client_secret", context->getValue<std::string>("client_secret"));
	if (context->has("signing_algorithm")) section.setString("oauth.signing_algorithm", context->getValue<std::string>("signing_algorithm"));
	if (context->has("private_key_pem"))
	{
		Poco::FileOutputStream out(keyFile.path());
		out << context->getValue<std::string>("private_key_pem");
		out.close();
		section.setString("oauth.private_key_file", keyFile.path());
	}
}


std::string toJson(const Poco::Dynamic::Var& value)
{
	std::ostringstream out;
	Poco::JSON::Stringifier::condense(value, out);
	return out.str();
}


} // namespace


int main(int argc, char** argv)
{
	if (argc < 2)
	{
		std::cerr << "usage: mcp_conformance_client <server-url>" << std::endl;
		return 2;
	}
	Poco::Logger::root().setChannel(new Poco::ConsoleChannel(std::cerr));
	Poco::Logger::root().setLevel(Poco::Message::PRIO_INFORMATION);
	std::string url = argv[argc - 1];
	std::string scenario = Poco::Environment::get("MCP_CONFORMANCE_SCENARIO", "");
	std::cout << "scenario " << scenario << ", server " << url << std::endl;

	Nash::McpServerSettings settings;
	settings.name = "conformance";
	settings.transport = "http";
	settings.plugin = "mcp_http";
	settings.requestTimeout = std::chrono::seconds(10);
	settings.toolTimeout = std::chrono::seconds(20);
	// The suite's elicitation scenario checks that the form's defaults come back.
	settings.elicitation = Nash::ElicitationPolicy::Defaults;
	Poco::AutoPtr<Poco::Util::MapConfiguration> section(new Poco::Util::MapConfiguration);
	section->setString("url", url);
	Poco::TemporaryFile keyFile;
	configureAuthorization(*section, scenario, keyFile);
	settings.transportConfig = section;

	int failures = 0;
	{
		Nash::McpManager manager({settings}, [](const std::string&)
		{
			std::unique_ptr<Nash::HttpTransport> transport(new Nash::HttpTransport);
			transport->setAuthorizationAgent(std::make_shared<Nash::HeadlessAuthorizationAgent>());
			return std::unique_ptr<Nash::McpTransport>(std::move(transport));
		});
		Nash::CancellationToken token;
		try
		{
			Poco::JSON::Object::Ptr listed = manager.call("list_tools", nullptr, token).extract<Poco::JSON::Object::Ptr>();
			Poco::JSON::Array::Ptr tools = listed->getArray("tools");
			std::cout << "tools: " << toJson(tools) << std::endl;
			for (std::size_t i = 0; i < tools->size(); ++i)
			{
				Poco::JSON::Object::Ptr tool = tools->getObject(static_cast<unsigned>(i));
				Poco::JSON::Object::Ptr args = new Poco::JSON::Object;
				args->set("tool_name", tool->getValue<std::string>("name"));
				args->set("args", argumentsFor(tool));
				try
				{
					std::cout << "call " << toJson(args) << " -> " << toJson(manager.call("call_tool", args, token)) << std::endl;
				}
				catch (Nash::McpError& exc)
				{
					std::cout << "call " << toJson(args) << " failed: " << exc.httpStatus() << " " << exc.message() << std::endl;
					++failures;
				}
			}
		}
		catch (Nash::McpError& exc)
		{
			std::cout << "failed: " << exc.httpStatus() << " " << exc.message() << std::endl;
			++failures;
		}
		manager.stop();
	}
	return failures == 0 ? 0 : 1;
}
