//
// HealthHandler.cpp
//


#include "core/app/HealthHandler.h"
#include "core/json/JsonText.h"
#include "Nash/SdkVersion.h"
#include "Poco/JSON/Array.h"
#ifdef NASH_WITH_MCP
#include "core/mcp/McpManager.h"
#endif


namespace Nash {


HealthHandler::HealthHandler(ServerContext& context): JsonHandler(context)
{
}


void HealthHandler::handle(Poco::Net::HTTPServerRequest&, Poco::Net::HTTPServerResponse& response, AccessLog::Entry& entry)
{
	Poco::JSON::Array::Ptr plugins = new Poco::JSON::Array;
	for (const auto& info: context().plugins.plugins())
	{
		Poco::JSON::Object::Ptr plugin = JsonText::object();
		plugin->set("name", info.name);
		plugin->set("kind", info.kind);
		plugin->set("loaded", info.loaded);
		if (info.sdkVersion != 0) plugin->set("sdk_version", info.sdkVersion);
		if (!info.error.empty()) plugin->set("error", info.error);
		plugins->add(plugin);
	}

	Poco::JSON::Array::Ptr backends = new Poco::JSON::Array;
	for (const auto& status: context().backends.status())
	{
		Poco::JSON::Object::Ptr backend = JsonText::object();
		backend->set("name", status.name);
		backend->set("plugin", status.plugin);
		backend->set("available", status.available);
		if (status.available)
		{
			Poco::JSON::Array::Ptr models = new Poco::JSON::Array;
			for (const auto& model: status.models) models->add(model);
			backend->set("models", models);
			backend->set("default_model", status.defaultModel);
		}
		else
		{
			backend->set("error", status.error);
		}
		backends->add(backend);
	}

	Poco::JSON::Object::Ptr health = JsonText::object();
	health->set("status", std::string("ok"));
	health->set("version", std::string(NASH_SERVER_VERSION));
	health->set("sdk_version", NASH_SDK_VERSION);
	health->set("uptime_seconds", context().started.elapsed() / 1000000);
	health->set("default_model", context().backends.defaultModelSpec());
	health->set("open_streams", static_cast<Poco::UInt64>(context().watcher.watchedCount()));
	health->set("plugins", plugins);
	health->set("backends", backends);
#ifdef NASH_WITH_MCP
	if (context().mcp) health->set("mcp_servers", context().mcp->health());
	else health->set("mcp_servers", Poco::JSON::Array::Ptr(new Poco::JSON::Array));
#else
	health->set("mcp_servers", Poco::JSON::Array::Ptr(new Poco::JSON::Array));
#endif
	sendJson(response, 200, JsonText::write(health), entry);
}


} // namespace Nash
