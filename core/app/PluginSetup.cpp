//
// PluginSetup.cpp
//


#include "core/app/PluginSetup.h"
#include "Nash/Plugin.h"
#include "core/http/HttpError.h"
#include "NashUpstream/Redaction.h"
#include "Poco/File.h"
#ifdef NASH_WITH_MCP
#include "core/mcp/McpManager.h"
#include "core/mcp/McpServerSettings.h"
#endif
#include "Poco/Logger.h"
#include "Poco/Path.h"
#include "Poco/Util/MapConfiguration.h"
#include <algorithm>
#include <set>


namespace Nash {


namespace {


Poco::Logger& log()
{
	return Poco::Logger::get("nash.plugins");
}


std::vector<std::string> existingFolders(const ServerSettings& settings)
{
	std::vector<std::string> folders;
	for (const auto& path: settings.pluginPaths)
	{
		try
		{
			Poco::File folder(path);
			if (folder.exists() && folder.isDirectory()) folders.push_back(Poco::Path(path).makeAbsolute().toString());
		}
		catch (Poco::Exception&)
		{
		}
	}
	return folders;
}


bool loadByName(const ServerSettings& settings, PluginLoader& plugins, const std::string& name)
{
	if (plugins.isLoaded(name)) return true;
	std::string file = PluginSetup::findPluginFile(settings, name);
	if (file.empty())
	{
		// Not found anywhere: the refusal names where it was expected first.
		Poco::Path expected(settings.pluginPaths.empty() ? std::string(".") : settings.pluginPaths.front());
		file = expected.makeDirectory().setFileName(PluginLoader::fileName(name)).toString();
	}
	return plugins.load(name, file);
}


} // namespace


void PluginSetup::chooseRouting(const ServerSettings& settings, BackendRegistry& backends)
{
	for (const auto& alias: settings.aliases) backends.addAlias(alias.first, alias.second);
	if (!settings.defaultBackend.empty()) backends.setDefaultBackend(settings.defaultBackend);
	if (!settings.defaultModel.empty())
	{
		backends.setDefaultModelSpec(settings.defaultModel);
		if (settings.defaultBackend.empty())
		{
			// Bare model names nobody lists go where the default model goes.
			try
			{
				backends.setDefaultBackend(backends.resolve(std::string()).backendName);
			}
			catch (Poco::Exception&)
			{
			}
		}
		return;
	}

	const std::set<std::string> providerPlugins = {"openai", "anthropic", "ollama"};
	std::vector<std::string> candidates;
	for (const auto& backend: settings.backends)
	{
		if (providerPlugins.count(backend.plugin)) candidates.push_back(backend.name);
	}
	candidates.insert(candidates.end(), {"openai", "anthropic", "ollama"});
	for (const auto& name: candidates)
	{
		if (!backends.isAvailable(name)) continue;
		backends.setDefaultModelSpec(name);
		if (settings.defaultBackend.empty()) backends.setDefaultBackend(name);
		log().information("Default model: backend '%s' with its default model (set chat.default_model to choose another)", name);
		return;
	}
	backends.setDefaultModelSpec(backends.isAvailable("echo") ? "echo" : "");
	log().information("Default model: echo, the stand-in that repeats the last message; configure a backend for real answers");
}


std::string PluginSetup::findPluginFile(const ServerSettings& settings, const std::string& pluginName)
{
	for (const auto& folder: existingFolders(settings))
	{
		Poco::Path path(folder);
		path.makeDirectory().setFileName(PluginLoader::fileName(pluginName));
		if (Poco::File(path).exists()) return path.toString();
	}
	return std::string();
}


bool PluginSetup::loadPlugins(const ServerSettings& settings, PluginLoader& plugins)
{
	std::vector<std::string> folders = existingFolders(settings);
	if (folders.empty())
	{
		std::string searched;
		for (const auto& path: settings.pluginPaths) searched += (searched.empty() ? "" : ", ") + path;
		log().warning("No plugin folder found (searched: %s)", searched);
	}
	if (settings.loadAllPlugins)
	{
		for (const auto& folder: folders) plugins.loadFolder(folder);
	}
	else
	{
		for (const auto& name: settings.pluginLoad) loadByName(settings, plugins, name);
	}

	bool ok = true;
	for (const auto& name: settings.requiredPlugins)
	{
		if (!loadByName(settings, plugins, name))
		{
			log().fatal("Required plugin '%s' did not load", name);
			ok = false;
		}
	}
	return ok;
}


bool PluginSetup::createBackends(const ServerSettings& settings, const Poco::Util::AbstractConfiguration& config,
	PluginLoader& plugins, BackendRegistry& backends)
{
	bool ok = true;
	std::set<std::string> usedPlugins;
	std::set<std::string> names;
	auto fail = [&](const BackendSettings& backend, const std::string& failure) {
		// The log gets what /health shows: a plugin's message may quote its
		// base_url, password and all.
		std::string reason = NashUpstream::Redaction::text(failure);
		backends.addUnavailable(backend.name, backend.plugin, reason);
		if (backend.required)
		{
			log().fatal("Required backend '%s' is not available: %s", backend.name, reason);
			ok = false;
		}
		else
		{
			log().error("Backend '%s' is not available: %s", backend.name, reason);
		}
	};

	for (const auto& backend: settings.backends)
	{
		usedPlugins.insert(backend.plugin);
		names.insert(backend.name);
		if (!loadByName(settings, plugins, backend.plugin))
		{
			fail(backend, "its plugin '" + backend.plugin + "' did not load");
			continue;
		}
		if (plugins.kindOf(backend.plugin) != NASH_PLUGIN_KIND_MODEL_BACKEND)
		{
			fail(backend, "plugin '" + backend.plugin + "' is not a model backend");
			continue;
		}
		try
		{
			std::unique_ptr<BlockingBackend> instance = plugins.createBackend(backend.plugin);
			Poco::AutoPtr<Poco::Util::AbstractConfiguration> section(const_cast<Poco::Util::AbstractConfiguration&>(config).createView("backend." + backend.name));
			instance->configure(backend.name, *section);
			backends.add(backend.name, backend.plugin, std::move(instance));
			log().information("Backend '%s' ready (plugin '%s')", backend.name, backend.plugin);
		}
		catch (Poco::Exception& exc)
		{
			fail(backend, "configuration failed: " + exc.displayText());
		}
		catch (std::exception& exc)
		{
			fail(backend, std::string("configuration failed: ") + exc.what());
		}
	}

	Poco::AutoPtr<Poco::Util::MapConfiguration> empty(new Poco::Util::MapConfiguration);
	for (const auto& info: plugins.plugins())
	{
		if (!info.loaded || info.kind != NASH_PLUGIN_KIND_MODEL_BACKEND) continue;
		if (usedPlugins.count(info.name) || names.count(info.name)) continue;
		try
		{
			std::unique_ptr<BlockingBackend> instance = plugins.createBackend(info.name);
			instance->configure(info.name, *empty);
			backends.add(info.name, info.name, std::move(instance));
			log().information("Backend '%s' ready (plugin found in the plugin folder, default configuration)", info.name);
		}
		catch (Poco::Exception& exc)
		{
			// Not configured by anyone, so not an error: a provider plugin without its key, say.
			std::string reason = NashUpstream::Redaction::text(exc.message());
			backends.addUnavailable(info.name, info.name, reason);
			log().warning("Backend '%s' (a plugin in the plugin folder, no [backend.%s] section) is not available: %s", info.name, info.name, reason);
		}
	}
	return ok;
}


#ifdef NASH_WITH_MCP
std::unique_ptr<McpManager> PluginSetup::createMcpManager(const Poco::Util::AbstractConfiguration& config, const PluginLoader& plugins)
{
	std::vector<McpServerSettings> servers = McpServerSettings::fromConfiguration(config, "mcp");
	std::string file = config.getString("mcp_config.file", "");
	if (!file.empty())
	{
		std::vector<McpServerSettings> more = McpServerSettings::fromJsonFile(file);
		for (auto& server: more)
		{
			// A server of the file replaces one of the same name in the ini.
			servers.erase(std::remove_if(servers.begin(), servers.end(), [&](const McpServerSettings& s) { return s.name == server.name; }), servers.end());
			servers.push_back(std::move(server));
		}
	}
	for (const auto& server: servers)
	{
		log().information("MCP server '%s' (%s)%s", server.name, server.transport, std::string(server.enabled ? "" : ", disabled"));
	}
	return std::unique_ptr<McpManager>(new McpManager(servers, [&plugins](const std::string& pluginName) {
		return plugins.createTransport(pluginName);
	}));
}
#endif


} // namespace Nash
