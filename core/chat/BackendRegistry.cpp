//
// BackendRegistry.cpp
//


#include "core/chat/BackendRegistry.h"
#include "core/metrics/Metrics.h"
#include "core/http/HttpError.h"
#include "NashUpstream/Redaction.h"
#include <algorithm>


namespace Nash {


BackendRegistry::BackendRegistry(std::string defaultModelSpec):
	_defaultModelSpec(std::move(defaultModelSpec))
{
}


BackendRegistry::~BackendRegistry()
{
	clear();
}


void BackendRegistry::setDefaultModelSpec(const std::string& spec)
{
	_defaultModelSpec = spec;
}


void BackendRegistry::setDefaultBackend(const std::string& backendName)
{
	_defaultBackend = backendName;
}


void BackendRegistry::addAlias(const std::string& alias, const std::string& target)
{
	_aliases.emplace_back(alias, target);
}


void BackendRegistry::add(const std::string& name, const std::string& pluginName, std::unique_ptr<BlockingBackend> backend)
{
	Metrics::observeBackend(*backend, name);
	Entry entry;
	entry.status.name = name;
	entry.status.plugin = pluginName;
	entry.status.available = true;
	entry.status.models = backend->models();
	entry.status.defaultModel = backend->defaultModel();
	entry.backend = std::move(backend);
	_entries.push_back(std::move(entry));
}


void BackendRegistry::addUnavailable(const std::string& name, const std::string& pluginName, const std::string& error)
{
	Entry entry;
	entry.status.name = name;
	entry.status.plugin = pluginName;
	entry.status.available = false;
	// Shown by /health, which needs no token, and in every 503 for the
	// backend: a base_url's password or api_key parameter must not be.
	entry.status.error = NashUpstream::Redaction::text(error);
	_entries.push_back(std::move(entry));
}


const BackendRegistry::Entry* BackendRegistry::find(const std::string& name) const
{
	for (const auto& entry: _entries)
	{
		if (entry.status.name == name) return &entry;
	}
	return nullptr;
}


BackendRoute BackendRegistry::routeTo(const Entry& entry, const std::string& model, const std::string& spec) const
{
	if (!entry.status.available)
		throw HttpError(503, "Backend '" + entry.status.name + "' is not available: " + entry.status.error, "error");
	BackendRoute route;
	route.backend = entry.backend.get();
	route.backendName = entry.status.name;
	route.model = model.empty() ? entry.status.defaultModel : model;
	const auto& models = entry.status.models;
	bool listed = std::find(models.begin(), models.end(), route.model) != models.end();
	if (!entry.backend->acceptsAnyModel() && !listed)
		throw HttpError::badRequest("Unknown model '" + spec + "': backend '" + entry.status.name + "' has no model '" + route.model + "'. Available models: " + availableModels());
	route.modelLabel = listed ? route.model : std::string("other");
	return route;
}


BackendRoute BackendRegistry::resolve(const std::string& modelSpec) const
{
	std::string spec = modelSpec.empty() ? _defaultModelSpec : modelSpec;
	if (spec.empty())
	{
		for (const auto& entry: _entries)
		{
			if (entry.status.available) return routeTo(entry, std::string(), entry.status.name);
		}
		throw HttpError(503, "No model backend is available", "error");
	}
	for (const auto& alias: _aliases)
	{
		if (alias.first == spec) return resolveName(alias.second);
	}
	return resolveName(spec);
}


BackendRoute BackendRegistry::resolveName(const std::string& spec) const
{
	auto slash = spec.find('/');
	if (slash != std::string::npos)
	{
		if (const Entry* entry = find(spec.substr(0, slash)))
			return routeTo(*entry, spec.substr(slash + 1), spec);
	}
	if (const Entry* entry = find(spec))
		return routeTo(*entry, std::string(), spec);
	for (const auto& entry: _entries)
	{
		if (entry.status.available && std::find(entry.status.models.begin(), entry.status.models.end(), spec) != entry.status.models.end())
			return routeTo(entry, spec, spec);
	}
	if (!_defaultBackend.empty())
	{
		const Entry* entry = find(_defaultBackend);
		if (entry && entry->status.available && entry->backend->acceptsAnyModel()) return routeTo(*entry, spec, spec);
	}
	throw HttpError::badRequest("Unknown model '" + spec + "'. Available models: " + availableModels());
}


std::string BackendRegistry::availableModels() const
{
	std::string list;
	for (const auto& entry: _entries)
	{
		if (!entry.status.available) continue;
		for (const auto& model: entry.status.models)
		{
			if (!list.empty()) list += ", ";
			list += entry.status.name + "/" + model;
		}
	}
	return list.empty() ? std::string("none") : list;
}


std::vector<BackendStatus> BackendRegistry::status() const
{
	std::vector<BackendStatus> result;
	for (const auto& entry: _entries) result.push_back(entry.status);
	return result;
}


std::string BackendRegistry::defaultModelSpec() const
{
	return _defaultModelSpec;
}


std::string BackendRegistry::defaultBackend() const
{
	return _defaultBackend;
}


std::vector<std::pair<std::string, std::string>> BackendRegistry::aliases() const
{
	return _aliases;
}


bool BackendRegistry::isAvailable(const std::string& backendName) const
{
	const Entry* entry = find(backendName);
	return entry && entry->status.available;
}


void BackendRegistry::clear()
{
	_entries.clear();
}


} // namespace Nash
