//
// PluginLoader.cpp
//


#include "core/app/PluginLoader.h"
#include "NashUpstream/ProviderExchange.h"
#include "Nash/Plugin.h"
#include "Poco/DirectoryIterator.h"
#include "Poco/Exception.h"
#include "Poco/File.h"
#include "Poco/Path.h"
#include "Poco/SharedLibrary.h"
#include <algorithm>


namespace Nash {


namespace {


using VersionFunction = int (*)();
using TextFunction = const char* (*)();


template <class Manifest>
void requireClass(const Manifest& manifest, const std::string& className)
{
	if (manifest.find(className) == manifest.end())
		throw Poco::NotFoundException("class " + className + " is not in the plugin's manifest");
}


} // namespace


PluginLoader::PluginLoader():
	_logger(Poco::Logger::get("nash.plugins"))
{
}


PluginLoader::~PluginLoader() = default;


std::string PluginLoader::fileName(const std::string& pluginName)
{
	return pluginName + Poco::SharedLibrary::suffix();
}


void PluginLoader::refuse(PluginInfo& info, const std::string& reason)
{
	info.loaded = false;
	info.error = reason;
	_logger.error("Plugin '%s' not loaded: %s", info.name, reason);
}


bool PluginLoader::load(const std::string& pluginName, const std::string& path)
{
	std::lock_guard<std::mutex> lock(_mutex);
	auto known = _index.find(pluginName);
	if (known != _index.end() && _plugins[known->second].loaded) return true;

	PluginInfo info;
	info.name = pluginName;
	info.path = path;

	if (!Poco::File(path).exists())
	{
		refuse(info, "file " + path + " does not exist");
	}
	else
	{
		// The identity check opens the library on its own, so that a plugin of
		// another SDK version is refused before any of its classes is touched.
		try
		{
			Poco::SharedLibrary library(path);
			if (!library.hasSymbol(NASH_PLUGIN_VERSION_SYMBOL) || !library.hasSymbol(NASH_PLUGIN_KIND_SYMBOL) || !library.hasSymbol(NASH_PLUGIN_CLASS_SYMBOL))
			{
				refuse(info, path + " is not a nash-llm-server plugin (it exports no SDK version)");
			}
			else
			{
				info.sdkVersion = reinterpret_cast<VersionFunction>(library.getSymbol(NASH_PLUGIN_VERSION_SYMBOL))();
				if (info.sdkVersion != NASH_SDK_VERSION)
				{
					// Version 1's backends did their own I/O; the move to 2 is
					// more than a rebuild, and the message says what it is.
					std::string change = info.sdkVersion == 1 && NASH_SDK_VERSION == 2
						? " (a version-1 backend implements streamChat() and complete() of ModelBackend; in version 2 it derives from "
						  "ProviderBackend, a translator whose HTTP exchange the server does, or from BlockingBackend: see the SDK's README)"
						: "";
					refuse(info, "built against SDK version " + std::to_string(info.sdkVersion) +
						", but this server supports SDK version " + std::to_string(NASH_SDK_VERSION) + "; rebuild the plugin against this server's SDK" + change);
				}
				else
				{
					info.kind = reinterpret_cast<TextFunction>(library.getSymbol(NASH_PLUGIN_KIND_SYMBOL))();
					info.className = reinterpret_cast<TextFunction>(library.getSymbol(NASH_PLUGIN_CLASS_SYMBOL))();
				}
			}
			library.unload();
		}
		catch (Poco::Exception& exc)
		{
			refuse(info, "cannot open " + path + ": " + exc.displayText());
		}

		if (info.error.empty())
		{
			try
			{
				if (info.kind == NASH_PLUGIN_KIND_MODEL_BACKEND)
				{
					_backendLoader.loadLibrary(path);
					requireClass(_backendLoader.manifestFor(path), info.className);
				}
				else if (info.kind == NASH_PLUGIN_KIND_MCP_TRANSPORT)
				{
					_transportLoader.loadLibrary(path);
					requireClass(_transportLoader.manifestFor(path), info.className);
				}
				else
				{
					throw Poco::InvalidArgumentException("unknown plugin kind '" + info.kind + "'");
				}
				info.loaded = true;
				_logger.information("Loaded %s plugin '%s' (%s, SDK version %d)", info.kind, info.name, path, info.sdkVersion);
			}
			catch (Poco::Exception& exc)
			{
				refuse(info, exc.displayText());
			}
		}
	}

	bool loaded = info.loaded;
	if (known != _index.end())
	{
		_plugins[known->second] = std::move(info);
	}
	else
	{
		_index[pluginName] = _plugins.size();
		_plugins.push_back(std::move(info));
	}
	return loaded;
}


std::size_t PluginLoader::loadFolder(const std::string& folder)
{
	std::vector<std::pair<std::string, std::string>> found;
	const std::string suffix = Poco::SharedLibrary::suffix();
	try
	{
		for (Poco::DirectoryIterator it(folder), end; it != end; ++it)
		{
			const std::string& name = it.name();
			if (name.size() > suffix.size() && name.compare(name.size() - suffix.size(), suffix.size(), suffix) == 0 && it->isFile())
				found.emplace_back(name.substr(0, name.size() - suffix.size()), it.path().toString());
		}
	}
	catch (Poco::Exception& exc)
	{
		_logger.warning("Cannot read the plugin folder %s: %s", folder, exc.displayText());
		return 0;
	}
	std::sort(found.begin(), found.end());
	std::size_t count = 0;
	for (const auto& plugin: found)
	{
		if (load(plugin.first, plugin.second)) ++count;
	}
	return count;
}


bool PluginLoader::isLoaded(const std::string& pluginName) const
{
	std::lock_guard<std::mutex> lock(_mutex);
	auto it = _index.find(pluginName);
	return it != _index.end() && _plugins[it->second].loaded;
}


std::string PluginLoader::kindOf(const std::string& pluginName) const
{
	std::lock_guard<std::mutex> lock(_mutex);
	auto it = _index.find(pluginName);
	if (it == _index.end() || !_plugins[it->second].loaded) return std::string();
	return _plugins[it->second].kind;
}


const PluginInfo& PluginLoader::loadedPlugin(const std::string& pluginName, const std::string& kind) const
{
	auto it = _index.find(pluginName);
	if (it == _index.end() || !_plugins[it->second].loaded)
		throw Poco::NotFoundException("plugin '" + pluginName + "' is not loaded");
	const PluginInfo& info = _plugins[it->second];
	if (info.kind != kind)
		throw Poco::InvalidArgumentException("plugin '" + pluginName + "' is a " + info.kind + " plugin, not a " + kind + " plugin");
	return info;
}


std::unique_ptr<BlockingBackend> PluginLoader::createBackend(const std::string& pluginName) const
{
	std::unique_ptr<ModelBackend> backend;
	{
		std::lock_guard<std::mutex> lock(_mutex);
		const PluginInfo& info = loadedPlugin(pluginName, NASH_PLUGIN_KIND_MODEL_BACKEND);
		auto meta = _backendLoader.manifestFor(info.path).find(info.className);
		backend.reset((*meta)->create());
	}
	if (auto* provider = dynamic_cast<ProviderBackend*>(backend.get()))
	{
		backend.release();
		return std::unique_ptr<BlockingBackend>(new NashUpstream::ProviderExchange(std::unique_ptr<ProviderBackend>(provider)));
	}
	if (auto* blocking = dynamic_cast<BlockingBackend*>(backend.get()))
	{
		backend.release();
		return std::unique_ptr<BlockingBackend>(blocking);
	}
	throw Poco::InvalidArgumentException("plugin '" + pluginName + "' offers a backend that is neither a ProviderBackend nor a BlockingBackend");
}


std::unique_ptr<McpTransport> PluginLoader::createTransport(const std::string& pluginName) const
{
	std::lock_guard<std::mutex> lock(_mutex);
	const PluginInfo& info = loadedPlugin(pluginName, NASH_PLUGIN_KIND_MCP_TRANSPORT);
	auto meta = _transportLoader.manifestFor(info.path).find(info.className);
	return std::unique_ptr<McpTransport>((*meta)->create());
}


std::vector<PluginInfo> PluginLoader::plugins() const
{
	std::lock_guard<std::mutex> lock(_mutex);
	return _plugins;
}


} // namespace Nash
