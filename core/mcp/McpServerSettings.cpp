//
// McpServerSettings.cpp
//


#include "McpServerSettings.h"
#include "EnvironmentExpansion.h"
#include "Poco/Exception.h"
#include "Poco/FileStream.h"
#include "Poco/File.h"
#include "Poco/JSON/Object.h"
#include "Poco/JSON/Parser.h"
#include "Poco/NumberFormatter.h"
#include "Poco/StreamCopier.h"
#include "Poco/String.h"
#include "Poco/Util/MapConfiguration.h"
#include <cmath>
#include <set>


namespace Nash {


namespace {


bool isSecretBranch(const std::string& relativeKey)
	/// env and header values may name other variables (${TOKEN}); those are
	/// the values we expand.
{
	return relativeKey.compare(0, 4, "env.") == 0 || relativeKey.compare(0, 8, "headers.") == 0;
}


void copyBranch(const Poco::Util::AbstractConfiguration& config, const std::string& key, const std::string& relative, Poco::Util::MapConfiguration& target)
	/// Copies key and everything below it. Raw strings: Poco's own ${...}
	/// expansion refers to other configuration keys, ours to the environment.
{
	if (config.has(key))
	{
		std::string value = config.getRawString(key);
		target.setString(relative, isSecretBranch(relative) ? McpServerSettings::expandEnvironment(value) : value);
	}
	Poco::Util::AbstractConfiguration::Keys children;
	config.keys(key, children);
	for (const auto& child: children)
	{
		copyBranch(config, key + "." + child, relative + "." + child, target);
	}
}


std::chrono::milliseconds seconds(double value, const std::string& key)
{
	if (!(value > 0) || !std::isfinite(value) || value > 86400.0 * 365)
		throw Poco::InvalidArgumentException("MCP setting '" + key + "' must be a positive number of seconds");
	return std::chrono::milliseconds(static_cast<long long>(std::llround(value * 1000.0)));
}


std::chrono::milliseconds readSeconds(const Poco::Util::AbstractConfiguration& config, const std::string& key, std::chrono::milliseconds defaultValue)
{
	if (!config.has(key)) return defaultValue;
	double value = 0;
	try
	{
		value = config.getDouble(key);
	}
	catch (Poco::Exception&)
	{
		throw Poco::InvalidArgumentException("MCP setting '" + key + "' must be a number of seconds, not '" + config.getRawString(key) + "'");
	}
	return seconds(value, key);
}


void checkName(const std::string& name, const std::string& where)
{
	if (name.empty())
		throw Poco::InvalidArgumentException(where + ": an MCP server needs a non-empty name");
	for (char c: name)
	{
		if (static_cast<unsigned char>(c) < 0x20 || c == '.')
			throw Poco::InvalidArgumentException(where + ": MCP server name '" + name + "' must not contain '.' or control characters");
	}
}


std::string jsonString(const Poco::Dynamic::Var& value, const std::string& key, const std::string& origin)
{
	if (value.isString()) return value.extract<std::string>();
	if (value.isNumeric() || value.isBoolean()) return value.convert<std::string>();
	throw Poco::DataFormatException(origin + ": '" + key + "' must be a string");
}


} // namespace


std::string McpServerSettings::pluginForTransport(const std::string& transport)
{
	std::string lower = Poco::toLower(transport);
	if (lower == "stdio") return "mcp_stdio";
	if (lower == "http" || lower == "sse" || lower == "streamable-http" || lower == "streamablehttp" || lower == "streamable_http")
		return "mcp_http";
	return transport;
}


McpServerSettings McpServerSettings::stdioServer(const std::string& name, const std::string& command, const std::vector<std::string>& args)
{
	McpServerSettings settings;
	settings.name = name;
	settings.transport = "stdio";
	settings.plugin = "mcp_stdio";
	Poco::AutoPtr<Poco::Util::MapConfiguration> section(new Poco::Util::MapConfiguration);
	section->setString("transport", "stdio");
	section->setString("command", command);
	for (std::size_t i = 0; i < args.size(); ++i) section->setString("args." + std::to_string(i), args[i]);
	settings.transportConfig = section;
	return settings;
}


std::string McpServerSettings::expandEnvironment(const std::string& value)
{
	return EnvironmentExpansion::expand(value);
}


std::vector<std::string> McpServerSettings::splitCommandLine(const std::string& line)
{
	std::vector<std::string> args;
	std::string current;
	bool inWord = false;
	char quote = 0;
	for (std::string::size_type i = 0; i < line.size(); ++i)
	{
		char c = line[i];
		if (quote == '\'')
		{
			if (c == '\'') quote = 0; else current += c;
		}
		else if (c == '\\' && i + 1 < line.size())
		{
			current += line[++i];
			inWord = true;
		}
		else if (quote == '"')
		{
			if (c == '"') quote = 0; else current += c;
		}
		else if (c == '"' || c == '\'')
		{
			quote = c;
			inWord = true;
		}
		else if (c == ' ' || c == '\t')
		{
			if (inWord) args.push_back(current);
			current.clear();
			inWord = false;
		}
		else
		{
			current += c;
			inWord = true;
		}
	}
	if (quote) throw Poco::SyntaxException("Unclosed quote in '" + line + "'");
	if (inWord) args.push_back(current);
	return args;
}


std::vector<McpServerSettings> McpServerSettings::fromConfiguration(const Poco::Util::AbstractConfiguration& config, const std::string& prefix)
{
	std::vector<McpServerSettings> result;
	Poco::Util::AbstractConfiguration::Keys names;
	config.keys(prefix, names);
	std::set<std::string> sorted(names.begin(), names.end());
	for (const auto& name: sorted)
	{
		std::string base = prefix + "." + name;
		Poco::Util::AbstractConfiguration::Keys children;
		config.keys(base, children);
		if (children.empty()) continue; // a plain value such as "mcp.enabled", not a server

		McpServerSettings settings;
		settings.name = name;
		checkName(name, "[" + base + "]");
		Poco::AutoPtr<Poco::Util::MapConfiguration> section(new Poco::Util::MapConfiguration);
		for (const auto& child: children) copyBranch(config, base + "." + child, child, *section);

		if (config.has(base + ".transport"))
		{
			settings.transport = config.getRawString(base + ".transport");
			if (settings.transport.empty())
				throw Poco::InvalidArgumentException("MCP setting '" + base + ".transport' is empty");
		}
		else
		{
			settings.transport = config.has(base + ".url") ? "http" : "stdio";
		}
		settings.plugin = config.getRawString(base + ".plugin", pluginForTransport(settings.transport));
		try
		{
			settings.enabled = config.getBool(base + ".enabled", true);
		}
		catch (Poco::Exception&)
		{
			throw Poco::InvalidArgumentException("MCP setting '" + base + ".enabled' must be true or false");
		}
		settings.toolTimeout = readSeconds(config, base + ".timeout", settings.toolTimeout);
		settings.requestTimeout = readSeconds(config, base + ".request_timeout", settings.requestTimeout);
		settings.restartBackoff = readSeconds(config, base + ".restart_backoff", settings.restartBackoff);
		settings.restartBackoffMax = readSeconds(config, base + ".restart_backoff_max", settings.restartBackoffMax);
		if (settings.restartBackoffMax < settings.restartBackoff) settings.restartBackoffMax = settings.restartBackoff;
		if (config.has(base + ".elicitation"))
		{
			try
			{
				settings.elicitation = McpElicitation::parsePolicy(config.getRawString(base + ".elicitation"));
			}
			catch (Poco::InvalidArgumentException& exc)
			{
				throw Poco::InvalidArgumentException("MCP setting '" + base + ".elicitation' " + exc.message());
			}
		}

		// A disabled server need not be complete ("[mcp.demo] enabled = false"
		// is how the built-in demo server is turned off).
		if (settings.enabled && settings.plugin == "mcp_stdio" && !section->has("command"))
			throw Poco::InvalidArgumentException("MCP setting '" + base + ".command' is required for a stdio server");
		if (settings.enabled && settings.plugin == "mcp_http" && !section->has("url"))
			throw Poco::InvalidArgumentException("MCP setting '" + base + ".url' is required for an http server");
		if (settings.transport == "sse") section->setString("legacy_sse", "true");
		if (section->has("args") && !section->has("args.0"))
		{
			// Transports read numbered arguments only; the one-line form is
			// split here, once, with shell-like quoting.
			std::vector<std::string> args;
			try
			{
				args = splitCommandLine(section->getRawString("args"));
			}
			catch (Poco::SyntaxException& exc)
			{
				throw Poco::InvalidArgumentException("MCP setting '" + base + ".args': " + exc.message());
			}
			section->remove("args");
			for (std::size_t i = 0; i < args.size(); ++i) section->setString("args." + std::to_string(i), args[i]);
		}
		settings.transportConfig = section;
		result.push_back(std::move(settings));
	}
	return result;
}


std::vector<McpServerSettings> McpServerSettings::fromJson(const std::string& text, const std::string& origin)
{
	Poco::Dynamic::Var root;
	try
	{
		Poco::JSON::Parser parser;
		root = parser.parse(text);
	}
	catch (Poco::Exception& exc)
	{
		throw Poco::DataFormatException(origin + " is not JSON: " + exc.displayText());
	}
	Poco::JSON::Object::Ptr object = root.type() == typeid(Poco::JSON::Object::Ptr) ? root.extract<Poco::JSON::Object::Ptr>() : nullptr;
	if (!object) throw Poco::DataFormatException(origin + ": expected a JSON object with \"mcpServers\"");
	Poco::JSON::Object::Ptr servers = object->getObject("mcpServers");
	if (!servers)
	{
		if (object->has("mcpServers")) throw Poco::DataFormatException(origin + ": \"mcpServers\" must be an object");
		throw Poco::DataFormatException(origin + ": no \"mcpServers\" object");
	}

	std::vector<McpServerSettings> result;
	std::vector<std::string> names;
	servers->getNames(names);
	for (const auto& name: names)
	{
		std::string where = "mcpServers." + name;
		McpServerSettings settings;
		settings.name = name;
		try
		{
			checkName(name, origin);
		}
		catch (Poco::InvalidArgumentException& exc)
		{
			throw Poco::DataFormatException(exc.message());
		}
		Poco::JSON::Object::Ptr entry = servers->getObject(name);
		if (!entry) throw Poco::DataFormatException(origin + ": '" + where + "' must be an object");
		Poco::AutoPtr<Poco::Util::MapConfiguration> section(new Poco::Util::MapConfiguration);

		std::string type;
		if (entry->has("type")) type = jsonString(entry->get("type"), where + ".type", origin);
		else if (entry->has("transport")) type = jsonString(entry->get("transport"), where + ".transport", origin);
		else type = entry->has("url") ? "http" : "stdio";
		std::string lowerType = Poco::toLower(type);
		if (lowerType != "stdio" && McpServerSettings::pluginForTransport(type) != "mcp_http")
			throw Poco::DataFormatException(origin + ": '" + where + ".type' must be \"stdio\", \"http\" or \"sse\", not '" + type + "'");
		settings.transport = lowerType == "stdio" ? "stdio" : (lowerType == "sse" ? "sse" : "http");
		settings.plugin = pluginForTransport(settings.transport);
		section->setString("transport", settings.transport);

		if (settings.transport == "stdio")
		{
			if (!entry->has("command")) throw Poco::DataFormatException(origin + ": '" + where + ".command' is required for a stdio server");
			section->setString("command", jsonString(entry->get("command"), where + ".command", origin));
			if (entry->has("args"))
			{
				Poco::JSON::Array::Ptr args = entry->getArray("args");
				if (!args) throw Poco::DataFormatException(origin + ": '" + where + ".args' must be an array of strings");
				for (std::size_t i = 0; i < args->size(); ++i)
				{
					std::string key = "args." + std::to_string(i);
					section->setString(key, jsonString(args->get(static_cast<unsigned>(i)), where + "." + key, origin));
				}
			}
			if (entry->has("env"))
			{
				Poco::JSON::Object::Ptr env = entry->getObject("env");
				if (!env) throw Poco::DataFormatException(origin + ": '" + where + ".env' must be an object of strings");
				std::vector<std::string> envNames;
				env->getNames(envNames);
				for (const auto& envName: envNames)
					section->setString("env." + envName, expandEnvironment(jsonString(env->get(envName), where + ".env." + envName, origin)));
			}
			if (entry->has("cwd")) section->setString("cwd", jsonString(entry->get("cwd"), where + ".cwd", origin));
			if (entry->has("show_args"))
			{
				Poco::Dynamic::Var show = entry->get("show_args");
				if (show.type() != typeid(bool))
					throw Poco::DataFormatException(origin + ": '" + where + ".show_args' must be true or false");
				section->setString("show_args", show.extract<bool>() ? "true" : "false");
			}
		}
		else
		{
			if (!entry->has("url")) throw Poco::DataFormatException(origin + ": '" + where + ".url' is required for an http or sse server");
			section->setString("url", jsonString(entry->get("url"), where + ".url", origin));
			if (entry->has("headers"))
			{
				Poco::JSON::Object::Ptr headers = entry->getObject("headers");
				if (!headers) throw Poco::DataFormatException(origin + ": '" + where + ".headers' must be an object of strings");
				std::vector<std::string> headerNames;
				headers->getNames(headerNames);
				for (const auto& headerName: headerNames)
					section->setString("headers." + headerName, expandEnvironment(jsonString(headers->get(headerName), where + ".headers." + headerName, origin)));
			}
			if (entry->has("oauth"))
			{
				// The keys of [mcp.<name>] oauth.*, as they are; the transport
				// reads and checks them (and expands ${VAR} in them).
				Poco::JSON::Object::Ptr oauth = entry->getObject("oauth");
				if (!oauth) throw Poco::DataFormatException(origin + ": '" + where + ".oauth' must be an object");
				std::vector<std::string> oauthKeys;
				oauth->getNames(oauthKeys);
				for (const auto& oauthKey: oauthKeys)
				{
					Poco::Dynamic::Var value = oauth->get(oauthKey);
					if (!value.isString() && !value.isNumeric() && !value.isBoolean())
						throw Poco::DataFormatException(origin + ": '" + where + ".oauth." + oauthKey + "' must be a string, number or boolean");
					section->setString("oauth." + oauthKey, value.convert<std::string>());
				}
			}
			if (settings.transport == "sse") section->setString("legacy_sse", "true");
		}

		if (entry->has("timeout"))
		{
			Poco::Dynamic::Var timeout = entry->get("timeout");
			if (!timeout.isNumeric()) throw Poco::DataFormatException(origin + ": '" + where + ".timeout' must be a number of seconds");
			try
			{
				settings.toolTimeout = seconds(timeout.convert<double>(), where + ".timeout");
			}
			catch (Poco::InvalidArgumentException& exc)
			{
				throw Poco::DataFormatException(origin + ": " + exc.message());
			}
		}
		if (entry->has("disabled"))
		{
			Poco::Dynamic::Var disabled = entry->get("disabled");
			if (!disabled.isBoolean()) throw Poco::DataFormatException(origin + ": '" + where + ".disabled' must be true or false");
			settings.enabled = !disabled.extract<bool>();
		}
		if (entry->has("elicitation"))
		{
			try
			{
				settings.elicitation = McpElicitation::parsePolicy(jsonString(entry->get("elicitation"), where + ".elicitation", origin));
			}
			catch (Poco::InvalidArgumentException& exc)
			{
				throw Poco::DataFormatException(origin + ": '" + where + ".elicitation' " + exc.message());
			}
		}
		settings.transportConfig = section;
		result.push_back(std::move(settings));
	}
	return result;
}


std::vector<McpServerSettings> McpServerSettings::fromJsonFile(const std::string& path)
{
	if (!Poco::File(path).exists()) throw Poco::FileNotFoundException("MCP config file " + path);
	Poco::FileInputStream in(path);
	std::string text;
	Poco::StreamCopier::copyToString(in, text);
	return fromJson(text, path);
}


} // namespace Nash
