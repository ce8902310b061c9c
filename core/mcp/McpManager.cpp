//
// McpManager.cpp
//


#include "McpManager.h"
#include "McpClient.h"
#include "McpError.h"
#include "NashUpstream/Redaction.h"
#include "Poco/Util/MapConfiguration.h"
#include <typeinfo>


namespace Nash {


namespace {


Poco::JSON::Object::Ptr asObject(const Poco::Dynamic::Var& value)
{
	if (value.type() == typeid(Poco::JSON::Object::Ptr)) return value.extract<Poco::JSON::Object::Ptr>();
	return nullptr;
}


bool present(const Poco::JSON::Object::Ptr& args, const std::string& name)
	/// A null argument counts as absent, as in most JSON APIs.
{
	return args->has(name) && !args->get(name).isEmpty();
}


std::string chosenName(const Poco::JSON::Object::Ptr& args, const std::string& primary, const std::string& alias)
{
	if (present(args, primary)) return primary;
	if (!alias.empty() && present(args, alias)) return alias;
	return std::string();
}


std::string requiredString(const Poco::JSON::Object::Ptr& args, const std::string& primary, const std::string& alias)
{
	std::string name = chosenName(args, primary, alias);
	if (name.empty())
		throw McpError::badRequest("Missing required argument '" + primary + "'" + (alias.empty() ? std::string() : " (or '" + alias + "')"));
	Poco::Dynamic::Var value = args->get(name);
	if (!value.isString()) throw McpError::badRequest("Argument '" + name + "' must be a string");
	std::string text = value.extract<std::string>();
	if (text.empty()) throw McpError::badRequest("Argument '" + name + "' must not be empty");
	return text;
}


Poco::JSON::Object::Ptr optionalObject(const Poco::JSON::Object::Ptr& args, const std::string& primary, const std::string& alias)
{
	std::string name = chosenName(args, primary, alias);
	if (name.empty()) return new Poco::JSON::Object;
	Poco::JSON::Object::Ptr object = asObject(args->get(name));
	if (!object) throw McpError::badRequest("Argument '" + name + "' must be a JSON object");
	return object;
}


std::string joined(const std::vector<std::string>& items)
{
	std::string result;
	for (const auto& item: items)
	{
		if (!result.empty()) result += ", ";
		result += item;
	}
	return result;
}


Poco::JSON::Object::Ptr findByKey(const Poco::JSON::Array::Ptr& items, const std::string& key, const std::string& value)
{
	for (std::size_t i = 0; i < items->size(); ++i)
	{
		Poco::JSON::Object::Ptr item = items->getObject(static_cast<unsigned>(i));
		if (item && item->has(key) && item->get(key).isString() && item->get(key).extract<std::string>() == value) return item;
	}
	return nullptr;
}


std::string capitalized(const std::string& word)
{
	std::string result = word;
	if (!result.empty() && result[0] >= 'a' && result[0] <= 'z') result[0] = static_cast<char>(result[0] - 'a' + 'A');
	return result;
}


} // namespace


McpManager::McpManager(const std::vector<McpServerSettings>& servers, TransportFactory factory):
	_logger(Poco::Logger::get("Nash.Mcp"))
{
	for (const auto& settings: servers)
	{
		for (const auto& client: _clients)
		{
			if (client->name() == settings.name)
				throw Poco::InvalidArgumentException("MCP server '" + settings.name + "' is configured twice");
		}
		std::unique_ptr<McpTransport> transport;
		std::string setupError;
		if (!settings.enabled)
		{
			setupError = "disabled in the configuration";
		}
		else
		{
			try
			{
				transport = factory ? factory(settings.plugin) : nullptr;
				if (!transport) throw Poco::NotFoundException("no MCP transport plugin '" + settings.plugin + "'");
				Poco::AutoPtr<Poco::Util::AbstractConfiguration> section = settings.transportConfig;
				if (!section) section = new Poco::Util::MapConfiguration;
				transport->configure(settings.name, *section);
			}
			catch (Poco::Exception& exc)
			{
				transport.reset();
				setupError = "transport plugin '" + settings.plugin + "': " + exc.displayText();
			}
			catch (std::exception& exc)
			{
				transport.reset();
				setupError = "transport plugin '" + settings.plugin + "': " + exc.what();
			}
			// Logged and shown by /health: a plugin's message may quote a URL with credentials.
			setupError = NashUpstream::Redaction::text(setupError);
			if (!setupError.empty()) _logger.error("MCP server '%s' is not usable: %s", settings.name, setupError);
		}
		_clients.emplace_back(new McpClient(settings, std::move(transport), setupError));
	}
}


McpManager::~McpManager()
{
	stop();
}


void McpManager::setObserver(McpObserver* observer)
{
	// The clients report themselves: only they see each request, restart
	// and tool list.
	for (auto& client: _clients) client->setObserver(observer);
}


void McpManager::setServerEvents(McpServerEvents* events)
{
	for (auto& client: _clients) client->setServerEvents(events);
}


void McpManager::start()
{
	std::lock_guard<std::mutex> lock(_mutex);
	if (_stopToken && !_stopped) return; // already started
	_stopped = false;
	_stopToken.reset(new CancellationToken);
	const CancellationToken* token = _stopToken.get();
	for (auto& client: _clients)
	{
		if (!client->settings().enabled) continue;
		client->reopen();
		McpClient* target = client.get();
		// In the background: a slow or dead MCP server must not delay the
		// HTTP server's start. Listing the tools fills health()'s count.
		_starters.emplace_back([target, token, this]
		{
			try
			{
				target->connect(token);
				target->listTools(token);
			}
			catch (McpError& exc)
			{
				if (exc.httpStatus() != 499) _logger.warning("MCP server '%s': %s", target->name(), exc.message());
			}
			catch (Poco::Exception& exc)
			{
				_logger.warning("MCP server '%s': %s", target->name(), exc.displayText());
			}
			catch (std::exception& exc)
			{
				_logger.warning("MCP server '%s': %s", target->name(), std::string(exc.what()));
			}
		});
	}
}


void McpManager::stop()
{
	std::vector<std::thread> starters;
	{
		std::lock_guard<std::mutex> lock(_mutex);
		_stopped = true;
		if (_stopToken) _stopToken->cancel();
		starters.swap(_starters);
	}
	for (auto& thread: starters) thread.join();
	for (auto& client: _clients) client->shutdown();
}


std::vector<std::string> McpManager::serverNames() const
{
	std::vector<std::string> names;
	for (const auto& client: _clients) names.push_back(client->name());
	return names;
}


std::vector<McpClient*> McpManager::enabledClients() const
{
	std::vector<McpClient*> clients;
	for (const auto& client: _clients)
	{
		if (client->settings().enabled) clients.push_back(client.get());
	}
	return clients;
}


Poco::JSON::Array::Ptr McpManager::health() const
{
	Poco::JSON::Array::Ptr result = new Poco::JSON::Array;
	for (const auto& client: _clients) result->add(client->status());
	return result;
}


const std::vector<std::pair<std::string, McpManager::Handler>>& McpManager::table()
{
	// The fixed set of callable methods: nothing is looked up by reflection.
	static const std::vector<std::pair<std::string, Handler>> handlers = {
		{"list_tools", &McpManager::listTools},
		{"get_tool_schema", &McpManager::getToolSchema},
		{"execute_tool", &McpManager::callTool},
		{"call_tool", &McpManager::callTool},
		{"list_prompts", &McpManager::listPrompts},
		{"get_prompt", &McpManager::getPrompt},
		{"list_resources", &McpManager::listResources},
		{"list_resource_templates", &McpManager::listResourceTemplates},
		{"read_resource", &McpManager::readResource},
		{"ping", &McpManager::ping},
		{"send_ping", &McpManager::ping}};
	return handlers;
}


const std::vector<std::string>& McpManager::methods()
{
	static const std::vector<std::string> names = []
	{
		std::vector<std::string> result;
		for (const auto& entry: table()) result.push_back(entry.first);
		return result;
	}();
	return names;
}


Poco::Dynamic::Var McpManager::call(const std::string& method, const Poco::JSON::Object::Ptr& args, const CancellationToken& cancel)
{
	for (const auto& entry: table())
	{
		if (entry.first != method) continue;
		{
			std::lock_guard<std::mutex> lock(_mutex);
			if (_stopped) throw McpError::unavailable("The MCP client is stopped");
		}
		Poco::JSON::Object::Ptr arguments = args ? args : Poco::JSON::Object::Ptr(new Poco::JSON::Object);
		try
		{
			return (this->*entry.second)(arguments, &cancel);
		}
		catch (McpError& exc)
		{
			// The JSON-RPC error is reported under the method our caller
			// called, as PROTOCOL.md spells it.
			if (exc.isRpcError()) throw McpError::rpcFailure(method, exc.rpcCode(), exc.rpcMessage());
			throw;
		}
		catch (Poco::Exception& exc)
		{
			throw McpError(500, "error", "Error in MCP method '" + method + "': " + exc.displayText());
		}
		catch (std::exception& exc)
		{
			throw McpError(500, "error", "Error in MCP method '" + method + "': " + exc.what());
		}
	}
	throw McpError::badRequest("Method '" + method + "' not found on MCP client");
}


std::vector<McpClient*> McpManager::targets(const Poco::JSON::Object::Ptr& args) const
{
	std::vector<McpClient*> result;
	if (present(args, "server"))
	{
		Poco::Dynamic::Var value = args->get("server");
		if (!value.isString()) throw McpError::badRequest("Argument 'server' must be a string");
		std::string name = value.extract<std::string>();
		for (const auto& client: _clients)
		{
			if (client->name() != name) continue;
			if (!client->settings().enabled) throw McpError::unavailable("MCP server '" + name + "' is disabled in the configuration");
			result.push_back(client.get());
			return result;
		}
		throw McpError::badRequest("Unknown MCP server '" + name + "' (configured: " + joined(serverNames()) + ")");
	}
	for (const auto& client: _clients)
	{
		if (client->settings().enabled) result.push_back(client.get());
	}
	return result;
}


Poco::Dynamic::Var McpManager::listAll(const Poco::JSON::Object::Ptr& args, const std::string& key,
	const std::function<Poco::JSON::Array::Ptr(McpClient&)>& lister)
{
	std::vector<McpClient*> clients = targets(args);
	Poco::JSON::Array::Ptr all = new Poco::JSON::Array;
	std::unique_ptr<McpError> firstError;
	std::unique_ptr<McpError> notSupported;
	int answered = 0;
	for (McpClient* client: clients)
	{
		try
		{
			Poco::JSON::Array::Ptr items = lister(*client);
			++answered;
			for (std::size_t i = 0; i < items->size(); ++i)
			{
				Poco::JSON::Object::Ptr item = items->getObject(static_cast<unsigned>(i));
				if (!item) continue;
				// A copy: the item belongs to the client's cache.
				Poco::JSON::Object::Ptr copy = new Poco::JSON::Object(*item);
				copy->set("server", client->name());
				all->add(copy);
			}
		}
		catch (McpError& exc)
		{
			if (exc.httpStatus() == 499 || clients.size() == 1) throw;
			if (exc.httpStatus() == 501)
			{
				if (!notSupported) notSupported.reset(new McpError(exc));
				continue;
			}
			// One server down must not hide the others' lists.
			_logger.warning("Listing %s of MCP server '%s' failed: %s", key, client->name(), exc.message());
			if (!firstError) firstError.reset(new McpError(exc));
		}
	}
	if (answered == 0)
	{
		if (firstError) firstError->rethrow();
		if (notSupported) throw McpError::notSupported("No configured MCP server offers " + key);
	}
	Poco::JSON::Object::Ptr result = new Poco::JSON::Object;
	result->set(key, all);
	return result;
}


std::pair<McpClient*, Poco::JSON::Object::Ptr> McpManager::findNamed(const std::string& kind, const std::string& itemName,
	const Poco::JSON::Object::Ptr& args, const CancellationToken* cancel)
{
	std::vector<McpClient*> clients = targets(args);
	const std::string listMethod = kind == "tool" ? "tools/list" : "prompts/list";
	for (int round = 0; round < 2; ++round)
	{
		std::vector<std::pair<McpClient*, Poco::JSON::Object::Ptr>> matches;
		std::unique_ptr<McpError> firstError;
		std::unique_ptr<McpError> notSupported;
		int answered = 0;
		for (McpClient* client: clients)
		{
			try
			{
				if (round > 0) client->invalidate(listMethod);
				Poco::JSON::Array::Ptr items = kind == "tool" ? client->listTools(cancel) : client->listPrompts(cancel);
				++answered;
				Poco::JSON::Object::Ptr item = findByKey(items, "name", itemName);
				if (item) matches.emplace_back(client, item);
			}
			catch (McpError& exc)
			{
				if (exc.httpStatus() == 499 || clients.size() == 1) throw;
				if (exc.httpStatus() == 501)
				{
					if (!notSupported) notSupported.reset(new McpError(exc));
					continue;
				}
				if (!firstError) firstError.reset(new McpError(exc));
			}
		}
		if (matches.size() == 1) return matches.front();
		if (matches.size() > 1)
		{
			std::vector<std::string> names;
			for (const auto& match: matches) names.push_back(match.first->name());
			throw McpError::conflict(capitalized(kind) + " '" + itemName + "' is offered by several MCP servers (" + joined(names) +
				"); choose one with the 'server' argument");
		}
		// Unknown here, but maybe a server that is down has it.
		if (firstError) firstError->rethrow();
		if (answered == 0 && notSupported) throw McpError::notSupported("No configured MCP server offers " + kind + "s");
		// A list cached before the server changed it without telling us
		// (it may not declare listChanged): look once more, fresh.
	}
	throw McpError::notFound(capitalized(kind) + " '" + itemName + "' not found");
}


Poco::Dynamic::Var McpManager::listTools(const Poco::JSON::Object::Ptr& args, const CancellationToken* cancel)
{
	return listAll(args, "tools", [cancel](McpClient& client) { return client.listTools(cancel); });
}


Poco::Dynamic::Var McpManager::getToolSchema(const Poco::JSON::Object::Ptr& args, const CancellationToken* cancel)
{
	std::string name = requiredString(args, "tool_name", "name");
	auto found = findNamed("tool", name, args, cancel);
	return Poco::JSON::Object::Ptr(new Poco::JSON::Object(*found.second));
}


Poco::Dynamic::Var McpManager::callTool(const Poco::JSON::Object::Ptr& args, const CancellationToken* cancel)
{
	std::string name = requiredString(args, "tool_name", "name");
	Poco::JSON::Object::Ptr arguments = optionalObject(args, "args", "arguments");
	auto found = findNamed("tool", name, args, cancel);
	return found.first->callTool(name, arguments, cancel);
}


Poco::Dynamic::Var McpManager::listPrompts(const Poco::JSON::Object::Ptr& args, const CancellationToken* cancel)
{
	return listAll(args, "prompts", [cancel](McpClient& client) { return client.listPrompts(cancel); });
}


Poco::Dynamic::Var McpManager::getPrompt(const Poco::JSON::Object::Ptr& args, const CancellationToken* cancel)
{
	std::string name = requiredString(args, "prompt_name", "name");
	Poco::JSON::Object::Ptr given = optionalObject(args, "arguments", "args");
	// MCP prompt arguments are strings; numbers and booleans are turned
	// into their text rather than refused.
	Poco::JSON::Object::Ptr arguments = new Poco::JSON::Object;
	std::vector<std::string> keys;
	given->getNames(keys);
	for (const auto& key: keys)
	{
		Poco::Dynamic::Var value = given->get(key);
		if (value.isString()) arguments->set(key, value);
		else if (value.isNumeric() || value.isBoolean()) arguments->set(key, value.convert<std::string>());
		else throw McpError::badRequest("Argument 'arguments." + key + "' must be a string");
	}
	auto found = findNamed("prompt", name, args, cancel);
	return found.first->getPrompt(name, arguments, cancel);
}


Poco::Dynamic::Var McpManager::listResources(const Poco::JSON::Object::Ptr& args, const CancellationToken* cancel)
{
	return listAll(args, "resources", [cancel](McpClient& client) { return client.listResources(cancel); });
}


Poco::Dynamic::Var McpManager::listResourceTemplates(const Poco::JSON::Object::Ptr& args, const CancellationToken* cancel)
{
	return listAll(args, "resourceTemplates", [cancel](McpClient& client) { return client.listResourceTemplates(cancel); });
}


Poco::Dynamic::Var McpManager::readResource(const Poco::JSON::Object::Ptr& args, const CancellationToken* cancel)
{
	std::string uri = requiredString(args, "uri", "resource_path");
	std::vector<McpClient*> clients = targets(args);
	if (clients.empty()) throw McpError::unavailable("No MCP server is configured");
	if (clients.size() == 1) return clients.front()->readResource(uri, cancel);

	std::vector<McpClient*> candidates;
	std::unique_ptr<McpError> firstError;
	for (McpClient* client: clients)
	{
		try
		{
			if (client->supports("resources", cancel)) candidates.push_back(client);
		}
		catch (McpError& exc)
		{
			if (exc.httpStatus() == 499) throw;
			if (!firstError) firstError.reset(new McpError(exc));
		}
	}
	if (candidates.size() == 1 && !firstError) return candidates.front()->readResource(uri, cancel);
	if (candidates.empty())
	{
		if (firstError) firstError->rethrow();
		throw McpError::notSupported("No configured MCP server offers resources");
	}
	std::vector<McpClient*> listing;
	for (McpClient* client: candidates)
	{
		if (findByKey(client->listResources(cancel), "uri", uri)) listing.push_back(client);
	}
	if (listing.size() == 1) return listing.front()->readResource(uri, cancel);
	std::vector<std::string> names;
	for (McpClient* client: (listing.empty() ? candidates : listing)) names.push_back(client->name());
	if (listing.size() > 1)
		throw McpError::conflict("Resource '" + uri + "' is offered by several MCP servers (" + joined(names) + "); choose one with the 'server' argument");
	throw McpError::badRequest("Several MCP servers offer resources (" + joined(names) + ") and none lists '" + uri +
		"'; choose one with the 'server' argument");
}


Poco::Dynamic::Var McpManager::ping(const Poco::JSON::Object::Ptr& args, const CancellationToken* cancel)
{
	std::vector<McpClient*> clients = targets(args);
	if (clients.empty()) throw McpError::unavailable("No MCP server is configured");
	for (McpClient* client: clients) client->ping(cancel);
	return Poco::JSON::Object::Ptr(new Poco::JSON::Object);
}


} // namespace Nash
