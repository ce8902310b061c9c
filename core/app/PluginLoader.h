//
// PluginLoader.h
//


#ifndef Nash_PluginLoader_INCLUDED
#define Nash_PluginLoader_INCLUDED


#include "Nash/McpTransport.h"
#include "Nash/BlockingBackend.h"
#include "Nash/ModelBackend.h"
#include "Poco/ClassLoader.h"
#include "Poco/Logger.h"
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>


namespace Nash {


struct PluginInfo
	/// What the server knows of one plugin file, loaded or refused.
{
	std::string name;
	std::string path;
	std::string kind;
		/// "model-backend", "mcp-transport", or empty when unknown.
	std::string className;
	int sdkVersion = 0;
	bool loaded = false;
	std::string error;
		/// Why the plugin was refused; empty when loaded.
};


class PluginLoader
	/// Loads plugin libraries with Poco's ClassLoader, after checking that
	/// each was built against this server's SDK version, and creates the
	/// objects they export.
	///
	/// Objects created from a plugin must be destroyed before the loader:
	/// its destructor unloads the libraries their code lives in.
{
public:
	PluginLoader();
	~PluginLoader();

	PluginLoader(const PluginLoader&) = delete;
	PluginLoader& operator = (const PluginLoader&) = delete;

	static std::string fileName(const std::string& pluginName);
		/// The file a plugin is kept in: its name and the platform's shared
		/// library suffix ("echo" -> "echo.so", "echo.dll").

	bool load(const std::string& pluginName, const std::string& path);
		/// Loads the plugin in path under pluginName. Returns false, logs the
		/// reason naming the plugin, and records it in plugins() when the file
		/// is missing, is no plugin, or was built for another SDK version.
		/// Loading a name twice does nothing more.

	std::size_t loadFolder(const std::string& folder);
		/// Loads every plugin file (by suffix) in folder; returns the number
		/// loaded.

	bool isLoaded(const std::string& pluginName) const;
	std::string kindOf(const std::string& pluginName) const;
		/// The plugin's kind, or empty when not loaded.

	std::unique_ptr<BlockingBackend> createBackend(const std::string& pluginName) const;
		/// A new backend object from a loaded model-backend plugin, ready to
		/// be configured: a BlockingBackend as the plugin made it, a
		/// ProviderBackend in the server's exchange with its upstream
		/// (NashUpstream::ProviderExchange). Throws
		/// Poco::NotFoundException when no such plugin is loaded and
		/// Poco::InvalidArgumentException when it is of another kind.

	std::unique_ptr<McpTransport> createTransport(const std::string& pluginName) const;
		/// Likewise for an MCP transport plugin.

	std::vector<PluginInfo> plugins() const;
		/// Every plugin tried so far, in the order it was tried.

private:
	const PluginInfo& loadedPlugin(const std::string& pluginName, const std::string& kind) const;
	void refuse(PluginInfo& info, const std::string& reason);

	mutable std::mutex _mutex;
	Poco::ClassLoader<ModelBackend> _backendLoader;
	Poco::ClassLoader<McpTransport> _transportLoader;
	std::vector<PluginInfo> _plugins;
	std::map<std::string, std::size_t> _index;
	Poco::Logger& _logger;
};


} // namespace Nash


#endif // Nash_PluginLoader_INCLUDED
