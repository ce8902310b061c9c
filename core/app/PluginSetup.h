//
// PluginSetup.h
//


#ifndef Nash_PluginSetup_INCLUDED
#define Nash_PluginSetup_INCLUDED


#include "core/chat/BackendRegistry.h"
#include "core/app/PluginLoader.h"
#include "core/app/ServerSettings.h"
#include "Poco/Util/AbstractConfiguration.h"
#include <memory>
#include <string>


namespace Nash {


class McpManager;


class PluginSetup
	/// Start-up steps that turn the configuration into loaded plugins and
	/// configured backends. Each failure is logged naming the plugin or
	/// backend; only what the configuration marks as required stops the
	/// server.
{
public:
	static std::string findPluginFile(const ServerSettings& settings, const std::string& pluginName);
		/// The first file for pluginName in the plugin folders, or empty.

	static bool loadPlugins(const ServerSettings& settings, PluginLoader& plugins);
		/// Loads every plugin of the plugin folders (or those plugins.load
		/// names). Returns false when a required plugin did not load.

	static bool createBackends(const ServerSettings& settings, const Poco::Util::AbstractConfiguration& config,
		PluginLoader& plugins, BackendRegistry& backends);
		/// Creates and configures a backend for each [backend.<name>] section,
		/// and one with an empty configuration for each loaded model-backend
		/// plugin that no section uses (a plugin dropped into the folder
		/// works at once). Returns false when a required backend failed.

	static void chooseRouting(const ServerSettings& settings, BackendRegistry& backends);
		/// Aliases, the default backend and the default model. With no
		/// chat.default_model configured, the default is the first available
		/// backend of a provider plugin: configured sections first, then
		/// openai, anthropic and ollama (which are available when their
		/// variables are set, or when a local Ollama answers); else echo.

#ifdef NASH_WITH_MCP
	static std::unique_ptr<McpManager> createMcpManager(const Poco::Util::AbstractConfiguration& config, const PluginLoader& plugins);
		/// The MCP servers of the configuration and of --mcp-config; null
		/// when there are none.
#endif
};


} // namespace Nash


#endif // Nash_PluginSetup_INCLUDED
