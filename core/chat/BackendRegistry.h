//
// BackendRegistry.h
//


#ifndef Nash_BackendRegistry_INCLUDED
#define Nash_BackendRegistry_INCLUDED


#include "Nash/BlockingBackend.h"
#include <memory>
#include <string>
#include <vector>


namespace Nash {


struct BackendRoute
	/// Where one request goes: a backend and the model name it understands.
{
	BlockingBackend* backend = nullptr;
	std::string backendName;
	std::string model;
	std::string modelLabel;
		/// model when the backend lists it, else "other": what metrics
		/// name, so that the names clients send cannot grow them.
};


struct BackendStatus
	/// One configured backend, as /health shows it.
{
	std::string name;
	std::string plugin;
	bool available = false;
	std::vector<std::string> models;
	std::string defaultModel;
	std::string error;
};


class BackendRegistry
	/// The configured backend instances, and the routing of a request's
	/// "model" to one of them. Filled once at start, read-only afterwards.
{
public:
	explicit BackendRegistry(std::string defaultModelSpec);
	~BackendRegistry();

	void setDefaultModelSpec(const std::string& spec);
		/// The model for requests that name none.

	void setDefaultBackend(const std::string& backendName);
		/// The backend for bare model names no backend lists, when it accepts
		/// any model (empty: none).

	void addAlias(const std::string& alias, const std::string& target);
		/// A model name that stands for target ("backend/model" or a model).

	void add(const std::string& name, const std::string& pluginName, std::unique_ptr<BlockingBackend> backend);
		/// Adds a configured backend. Its models are read once, here.

	void addUnavailable(const std::string& name, const std::string& pluginName, const std::string& error);
		/// Records a backend whose plugin did not load or whose configuration
		/// failed: requests for it are answered 503 with error, which is kept
		/// without the credentials of the URLs in it (NashUpstream::Redaction).

	BackendRoute resolve(const std::string& modelSpec) const;
		/// The backend and model for a request's "model": empty means the
		/// configured default; an alias stands for its target; "backend/model"
		/// picks the backend explicitly ("backend/" or "backend" alone: its
		/// default model); a bare model name goes to the first backend that
		/// lists it, else to the default backend. Throws HttpError:
		/// 400 for an unknown model or backend, 503 for a backend that is
		/// configured but not available.

	std::vector<BackendStatus> status() const;
	std::string defaultModelSpec() const;
	std::string defaultBackend() const;
	std::vector<std::pair<std::string, std::string>> aliases() const;
	bool isAvailable(const std::string& backendName) const;

	void clear();
		/// Destroys the backend objects (before their plugins are unloaded).

private:
	struct Entry
	{
		BackendStatus status;
		std::unique_ptr<BlockingBackend> backend;
	};

	const Entry* find(const std::string& name) const;
	BackendRoute routeTo(const Entry& entry, const std::string& model, const std::string& spec) const;
	std::string availableModels() const;

	BackendRoute resolveName(const std::string& spec) const;

	std::string _defaultModelSpec;
	std::string _defaultBackend;
	std::vector<std::pair<std::string, std::string>> _aliases;
	std::vector<Entry> _entries;
};


} // namespace Nash


#endif // Nash_BackendRegistry_INCLUDED
