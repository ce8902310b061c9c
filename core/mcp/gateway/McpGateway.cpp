//
// McpGateway.cpp
//


#include "core/mcp/gateway/McpGateway.h"
#include "core/mcp/McpClient.h"
#include "core/mcp/McpError.h"
#include "core/mcp/McpManager.h"
#include "core/json/JsonText.h"
#include "Poco/NumberParser.h"
#include "Poco/RegularExpression.h"
#include <map>
#include <typeinfo>


namespace Nash {


namespace {


Poco::JSON::Object::Ptr asObject(const Poco::Dynamic::Var& value)
{
	if (value.type() == typeid(Poco::JSON::Object::Ptr)) return value.extract<Poco::JSON::Object::Ptr>();
	return nullptr;
}


std::string stringParam(const Poco::JSON::Object::Ptr& params, const std::string& key)
{
	if (!params || !params->has(key) || !params->get(key).isString() || params->get(key).extract<std::string>().empty())
		throw McpError::badRequest("params." + key + " must be a non-empty string");
	return params->get(key).extract<std::string>();
}


struct KindInfo
{
	const char* listMethod;
	const char* resultKey;
	const char* nameKey;
	const char* capability;
};


const KindInfo& infoOf(int kind)
{
	static const KindInfo infos[] = {
		{"tools/list", "tools", "name", "tools"},
		{"prompts/list", "prompts", "name", "prompts"},
		{"resources/list", "resources", "uri", "resources"},
		{"resources/templates/list", "resourceTemplates", "uriTemplate", "resources"},
	};
	return infos[kind];
}


} // namespace


McpGateway::McpGateway(McpManager& manager, McpGatewayPolicy policy, std::string version):
	_manager(manager),
	_policy(std::move(policy)),
	_version(std::move(version)),
	_logger(Poco::Logger::get("Nash.McpGateway"))
{
}


McpGateway::~McpGateway()
{
	// A server still waiting for a client's answer gets none now.
	std::lock_guard<std::mutex> lock(_routingMutex);
	_pending.clear();
}


const std::vector<std::string>& McpGateway::protocolVersions()
{
	return McpClient::supportedProtocolVersions();
}


bool McpGateway::isRequest(const Poco::JSON::Object::Ptr& message)
{
	return message && message->has("method") && message->has("id");
}


Poco::JSON::Object::Ptr McpGateway::errorResponse(const Poco::Dynamic::Var& id, int code, const std::string& message, const Poco::Dynamic::Var& data)
{
	Poco::JSON::Object::Ptr error = new Poco::JSON::Object;
	error->set("code", code);
	error->set("message", message);
	if (!data.isEmpty()) error->set("data", data);
	Poco::JSON::Object::Ptr response = new Poco::JSON::Object;
	response->set("jsonrpc", "2.0");
	response->set("id", id);
	response->set("error", error);
	return response;
}


Poco::JSON::Object::Ptr McpGateway::answer(const Poco::JSON::Object::Ptr& message, Caller& caller, const CancellationToken& cancel, Sink* sink)
{
	if (!message) return errorResponse(Poco::Dynamic::Var(), INVALID_REQUEST, "A JSON-RPC message must be a JSON object");
	Poco::Dynamic::Var id = message->has("id") ? message->get("id") : Poco::Dynamic::Var();
	bool hasMethod = message->has("method") && message->get("method").isString();
	if (!hasMethod)
	{
		// A client's answer to a server's request we passed on.
		if (message->has("result") || message->has("error"))
		{
			deliverResponse(message);
			return nullptr;
		}
		return errorResponse(id, INVALID_REQUEST, "A JSON-RPC request needs a 'method' string");
	}
	std::string method = message->get("method").extract<std::string>();
	// "params": null is taken for none, as lenient JSON-RPC servers do.
	bool noParams = !message->has("params") || message->get("params").isEmpty();
	Poco::JSON::Object::Ptr params = noParams ? Poco::JSON::Object::Ptr(new Poco::JSON::Object) : asObject(message->get("params"));
	if (!message->has("id"))
	{
		// Notifications: initialized and cancelled need nothing here (a
		// cancelled HTTP request is ended by its transport).
		return nullptr;
	}
	if (!id.isString() && !id.isInteger())
		return errorResponse(Poco::Dynamic::Var(), INVALID_REQUEST, "A JSON-RPC id must be a string or an integer");
	if (!params) return errorResponse(id, INVALID_PARAMS, "params must be a JSON object");
	if (caller.protocolVersion.empty() && method != "initialize" && method != "ping")
		return errorResponse(id, INVALID_REQUEST, "The session is not initialized: send initialize first");

	try
	{
		Poco::Dynamic::Var result = dispatch(method, params, caller, cancel, sink);
		Poco::JSON::Object::Ptr response = new Poco::JSON::Object;
		response->set("jsonrpc", "2.0");
		response->set("id", id);
		response->set("result", result);
		return response;
	}
	catch (McpError& exc)
	{
		return rpcErrorOf(id, exc);
	}
	catch (Poco::Exception& exc)
	{
		_logger.error("%s failed: %s", method, exc.displayText());
		return errorResponse(id, INTERNAL_ERROR, exc.displayText());
	}
	catch (std::exception& exc)
	{
		_logger.error("%s failed: %s", method, std::string(exc.what()));
		return errorResponse(id, INTERNAL_ERROR, exc.what());
	}
}


Poco::Dynamic::Var McpGateway::dispatch(const std::string& method, const Poco::JSON::Object::Ptr& params, Caller& caller, const CancellationToken& cancel, Sink* sink)
{
	if (method == "initialize") return initialize(params, caller);
	if (method == "ping") return Poco::JSON::Object::Ptr(new Poco::JSON::Object);
	if (method == "tools/list") return listPage(Kind::Tools, params, caller, cancel);
	if (method == "prompts/list") return listPage(Kind::Prompts, params, caller, cancel);
	if (method == "resources/list") return listPage(Kind::Resources, params, caller, cancel);
	if (method == "resources/templates/list") return listPage(Kind::Templates, params, caller, cancel);
	if (method == "tools/call") return callNamed(Kind::Tools, method, params, caller, cancel, sink);
	if (method == "prompts/get") return callNamed(Kind::Prompts, method, params, caller, cancel, sink);
	if (method == "resources/read") return readResource(params, caller, cancel, sink);
	if (method == "completion/complete") return complete(params, caller, cancel);
	if (method == "logging/setLevel") return setLevel(params, cancel);
	if (method == "resources/subscribe") return subscribe(params, caller, true, cancel);
	if (method == "resources/unsubscribe") return subscribe(params, caller, false, cancel);
	throw McpError::notSupported("Method not found: " + method);
}


Poco::JSON::Object::Ptr McpGateway::initialize(const Poco::JSON::Object::Ptr& params, Caller& caller)
{
	// The client's version when we speak it, else our newest: the client
	// then decides whether it can go on.
	std::string offered = params->optValue<std::string>("protocolVersion", "");
	const auto& versions = protocolVersions();
	caller.protocolVersion = versions.front();
	for (const auto& version: versions)
	{
		if (version == offered) caller.protocolVersion = version;
	}
	caller.clientInfo = params->getObject("clientInfo");
	caller.capabilities = params->getObject("capabilities");

	// The changes come on the stream of GET /mcp (or standard output).
	Poco::JSON::Object::Ptr listChanged = new Poco::JSON::Object;
	listChanged->set("listChanged", true);
	Poco::JSON::Object::Ptr resources = new Poco::JSON::Object;
	resources->set("listChanged", true);
	resources->set("subscribe", true);
	Poco::JSON::Object::Ptr capabilities = new Poco::JSON::Object;
	capabilities->set("tools", listChanged);
	capabilities->set("prompts", listChanged);
	capabilities->set("resources", resources);
	capabilities->set("logging", Poco::JSON::Object::Ptr(new Poco::JSON::Object));
	capabilities->set("completions", Poco::JSON::Object::Ptr(new Poco::JSON::Object));

	Poco::JSON::Object::Ptr info = new Poco::JSON::Object;
	info->set("name", "nash-llm-server");
	info->set("title", "nash-llm-server MCP gateway");
	info->set("version", _version);

	Poco::JSON::Object::Ptr result = new Poco::JSON::Object;
	result->set("protocolVersion", caller.protocolVersion);
	result->set("capabilities", capabilities);
	result->set("serverInfo", info);
	std::string servers;
	for (McpClient* client: _manager.enabledClients()) servers += (servers.empty() ? "" : ", ") + client->name();
	result->set("instructions", "The tools, prompts and resources of the MCP servers " + (servers.empty() ? std::string("(none configured)") : servers) +
		". A name two servers share is shown as <server>__<name>.");
	return result;
}


std::string McpGateway::qualified(const std::string& server, const std::string& name)
{
	return server + "__" + name;
}


Poco::JSON::Object::Ptr McpGateway::copyOf(const Poco::JSON::Object::Ptr& object)
{
	// The clients' cached lists are shared: a renamed item is a new object.
	Poco::JSON::Object::Ptr copy = new Poco::JSON::Object;
	for (const auto& member: *object) copy->set(member.first, member.second);
	return copy;
}


std::vector<McpGateway::Item> McpGateway::catalog(Kind kind, const Caller& caller, const CancellationToken& cancel)
{
	const KindInfo& info = infoOf(static_cast<int>(kind));
	bool named = kind == Kind::Tools || kind == Kind::Prompts;
	std::vector<Item> items;
	std::map<std::string, int> owners;
	for (McpClient* client: _manager.enabledClients())
	{
		Poco::JSON::Array::Ptr list;
		try
		{
			if (!client->supports(info.capability, &cancel)) continue;
			switch (kind)
			{
			case Kind::Tools: list = client->listTools(&cancel); break;
			case Kind::Prompts: list = client->listPrompts(&cancel); break;
			case Kind::Resources: list = client->listResources(&cancel); break;
			case Kind::Templates: list = client->listResourceTemplates(&cancel); break;
			}
		}
		catch (McpError& exc)
		{
			if (exc.httpStatus() == 499) throw;
			// One server down must not hide the others' items.
			_logger.warning("%s leaves out MCP server '%s': %s", std::string(info.listMethod), client->name(), exc.message());
			continue;
		}
		if (!list) continue;
		for (std::size_t i = 0; i < list->size(); ++i)
		{
			Poco::JSON::Object::Ptr object = list->getObject(static_cast<unsigned>(i));
			if (!object || !object->has(info.nameKey)) continue;
			std::string name = object->get(info.nameKey).convert<std::string>();
			if (kind == Kind::Tools && !_policy.allows(caller.token, client->name(), name)) continue;
			items.push_back(Item{client, name, object});
			if (named) ++owners[name];
		}
	}
	if (named)
	{
		for (auto& item: items)
		{
			if (owners[item.name] < 2) continue;
			item.object = copyOf(item.object);
			item.object->set(info.nameKey, qualified(item.client->name(), item.name));
		}
	}
	return items;
}


Poco::JSON::Object::Ptr McpGateway::listPage(Kind kind, const Poco::JSON::Object::Ptr& params, const Caller& caller, const CancellationToken& cancel)
{
	std::size_t offset = 0;
	if (params->has("cursor") && !params->get("cursor").isEmpty())
	{
		Poco::UInt64 parsed = 0;
		std::string cursor = params->get("cursor").convert<std::string>();
		if (cursor.compare(0, 5, "page-") != 0 || !Poco::NumberParser::tryParseUnsigned64(cursor.substr(5), parsed))
			throw McpError::badRequest("Invalid cursor: '" + cursor + "'");
		offset = static_cast<std::size_t>(parsed);
	}
	std::vector<Item> items = catalog(kind, caller, cancel);
	if (offset > items.size()) throw McpError::badRequest("Invalid cursor: the list is shorter now");
	Poco::JSON::Array::Ptr page = new Poco::JSON::Array;
	std::size_t end = std::min(items.size(), offset + static_cast<std::size_t>(PAGE_SIZE));
	for (std::size_t i = offset; i < end; ++i) page->add(items[i].object);
	Poco::JSON::Object::Ptr result = new Poco::JSON::Object;
	result->set(infoOf(static_cast<int>(kind)).resultKey, page);
	if (end < items.size()) result->set("nextCursor", "page-" + std::to_string(end));
	return result;
}


McpGateway::Item McpGateway::resolve(Kind kind, const std::string& name, const Caller& caller, const CancellationToken& cancel)
{
	const KindInfo& info = infoOf(static_cast<int>(kind));
	std::vector<Item> items = catalog(kind, caller, cancel);
	for (const auto& item: items)
	{
		if (item.object->get(info.nameKey).convert<std::string>() == name) return item;
	}
	// "<server>__<name>" is good for every name, collision or not.
	for (const auto& item: items)
	{
		if (qualified(item.client->name(), item.name) == name) return item;
	}
	std::string what = kind == Kind::Tools ? "tool" : "prompt";
	throw McpError::notFound("Unknown " + what + ": " + name);
}


Poco::JSON::Object::Ptr McpGateway::callNamed(Kind kind, const std::string& method, const Poco::JSON::Object::Ptr& params, Caller& caller, const CancellationToken& cancel, Sink* sink)
{
	std::string name = stringParam(params, "name");
	Item item = resolve(kind, name, caller, cancel);
	Poco::JSON::Object::Ptr forwarded = copyOf(params);
	forwarded->set("name", item.name);
	// Who called what, never with what: arguments may hold anything.
	if (kind == Kind::Tools)
	{
		std::string who = _policy.nameOf(caller.token);
		if (who.empty()) who = caller.identity.empty() ? std::string("a client") : caller.identity;
		_logger.information("%s calls tool '%s' of MCP server '%s'", who, item.name, item.client->name());
	}
	return forwardCall(*item.client, method, forwarded, infoOf(static_cast<int>(kind)).capability, caller, cancel, sink);
}


bool McpGateway::templateMatches(const std::string& uriTemplate, const std::string& uri)
{
	// RFC 6570 expressions become wildcards: "{id}" stops at a slash,
	// "{+path}" and "{#frag}" take anything, "{?q}" the rest of the query.
	std::string pattern = "^";
	std::size_t at = 0;
	while (at < uriTemplate.size())
	{
		std::size_t open = uriTemplate.find('{', at);
		std::string literal = uriTemplate.substr(at, open == std::string::npos ? std::string::npos : open - at);
		for (char c: literal)
		{
			if (std::string("\\^$.|?*+()[]{}").find(c) != std::string::npos) pattern += '\\';
			pattern += c;
		}
		if (open == std::string::npos) break;
		std::size_t close = uriTemplate.find('}', open);
		if (close == std::string::npos) return false;
		char op = open + 1 < close ? uriTemplate[open + 1] : ' ';
		if (op == '+' || op == '#') pattern += ".*";
		else if (op == '?' || op == '&') pattern += "(?:[?&].*)?";
		else pattern += "[^/?#]*";
		at = close + 1;
	}
	pattern += "$";
	try
	{
		return Poco::RegularExpression(pattern).match(uri);
	}
	catch (Poco::Exception&)
	{
		return false;
	}
}


McpClient* McpGateway::ownerOfUri(const std::string& uri, const Caller& caller, const CancellationToken& cancel)
{
	for (const auto& item: catalog(Kind::Resources, caller, cancel))
	{
		if (item.name == uri) return item.client;
	}
	for (const auto& item: catalog(Kind::Templates, caller, cancel))
	{
		if (templateMatches(item.name, uri)) return item.client;
	}
	return nullptr;
}


Poco::JSON::Object::Ptr McpGateway::readResource(const Poco::JSON::Object::Ptr& params, const Caller& caller, const CancellationToken& cancel, Sink* sink)
{
	std::string uri = stringParam(params, "uri");
	if (McpClient* owner = ownerOfUri(uri, caller, cancel)) return forwardCall(*owner, "resources/read", params, "resources", caller, cancel, sink);
	// Servers may serve URIs they do not list: ask each in turn.
	std::unique_ptr<McpError> first;
	for (McpClient* client: _manager.enabledClients())
	{
		try
		{
			if (!client->supports("resources", &cancel)) continue;
			return client->forward("resources/read", params, "resources", &cancel);
		}
		catch (McpError& exc)
		{
			if (exc.httpStatus() == 499) throw;
			if (!first) first.reset(new McpError(exc));
		}
	}
	if (first) throw *first;
	McpError notFound = McpError::rpcFailure("resources/read", RESOURCE_NOT_FOUND, "Resource not found: " + uri);
	throw notFound;
}


Poco::JSON::Object::Ptr McpGateway::complete(const Poco::JSON::Object::Ptr& params, const Caller& caller, const CancellationToken& cancel)
{
	Poco::JSON::Object::Ptr ref = params->getObject("ref");
	if (!ref) throw McpError::badRequest("params.ref must be an object");
	std::string type = ref->optValue<std::string>("type", "");
	Poco::JSON::Object::Ptr forwarded = copyOf(params);
	McpClient* owner = nullptr;
	if (type == "ref/prompt")
	{
		Item item = resolve(Kind::Prompts, stringParam(ref, "name"), caller, cancel);
		Poco::JSON::Object::Ptr renamed = copyOf(ref);
		renamed->set("name", item.name);
		forwarded->set("ref", renamed);
		owner = item.client;
	}
	else if (type == "ref/resource")
	{
		std::string uri = stringParam(ref, "uri");
		for (const auto& item: catalog(Kind::Templates, caller, cancel))
		{
			if (item.name == uri) owner = item.client;
		}
		if (!owner) owner = ownerOfUri(uri, caller, cancel);
		if (!owner) throw McpError::notFound("Unknown resource template: " + uri);
	}
	else
	{
		throw McpError::badRequest("params.ref.type must be 'ref/prompt' or 'ref/resource'");
	}
	if (!owner->supports("completions", &cancel))
	{
		// A server without completions has none to offer: an empty answer,
		// as the specification has it for no suggestions.
		Poco::JSON::Object::Ptr completion = new Poco::JSON::Object;
		completion->set("values", Poco::JSON::Array::Ptr(new Poco::JSON::Array));
		completion->set("total", 0);
		completion->set("hasMore", false);
		Poco::JSON::Object::Ptr result = new Poco::JSON::Object;
		result->set("completion", completion);
		return result;
	}
	return owner->forward("completion/complete", forwarded, "completions", &cancel);
}


Poco::JSON::Object::Ptr McpGateway::setLevel(const Poco::JSON::Object::Ptr& params, const CancellationToken& cancel)
{
	stringParam(params, "level");
	for (McpClient* client: _manager.enabledClients())
	{
		try
		{
			if (client->supports("logging", &cancel)) client->forward("logging/setLevel", params, "logging", &cancel);
		}
		catch (McpError& exc)
		{
			if (exc.httpStatus() == 499) throw;
			_logger.warning("logging/setLevel: MCP server '%s': %s", client->name(), exc.message());
		}
	}
	return new Poco::JSON::Object;
}


bool McpGateway::declared(const Caller& caller, const std::string& capability)
{
	return caller.capabilities && caller.capabilities->has(capability);
}


Poco::JSON::Object::Ptr McpGateway::forwardCall(McpClient& client, const std::string& method, const Poco::JSON::Object::Ptr& params,
	const std::string& capability, const Caller& caller, const CancellationToken& cancel, Sink* sink)
{
	if (!sink) return client.forward(method, params, capability, &cancel);
	std::string token;
	Poco::JSON::Object::Ptr meta = params->getObject("_meta");
	if (meta && meta->has("progressToken")) token = JsonText::write(meta->get("progressToken"));
	CallRegistration running(*this, RunningCall{client.name(), token, sink, declared(caller, "sampling"), declared(caller, "elicitation")});
	return client.forward(method, params, capability, &cancel);
}


McpGateway::CallRegistration::CallRegistration(McpGateway& gateway, RunningCall call):
	_gateway(gateway)
{
	std::lock_guard<std::mutex> lock(_gateway._routingMutex);
	_entry = _gateway._calls.insert(_gateway._calls.end(), std::move(call));
}


McpGateway::CallRegistration::~CallRegistration()
{
	std::vector<Reply> abandoned;
	{
		std::lock_guard<std::mutex> lock(_gateway._routingMutex);
		// The server's questions to this call's client can no longer be answered.
		for (auto it = _gateway._pending.begin(); it != _gateway._pending.end();)
		{
			if (it->second.call == &*_entry)
			{
				abandoned.push_back(std::move(it->second.reply));
				it = _gateway._pending.erase(it);
			}
			else
			{
				++it;
			}
		}
		_gateway._calls.erase(_entry);
	}
	for (auto& reply: abandoned)
	{
		Poco::JSON::Object::Ptr error = new Poco::JSON::Object;
		error->set("code", INTERNAL_ERROR);
		error->set("message", "The client's call ended before it answered");
		Poco::JSON::Object::Ptr answer = new Poco::JSON::Object;
		answer->set("error", error);
		reply(answer);
	}
}


void McpGateway::serverNotification(const std::string& server, const std::string& method, const Poco::JSON::Object::Ptr& params)
{
	Poco::JSON::Object::Ptr notification = new Poco::JSON::Object;
	notification->set("jsonrpc", "2.0");
	notification->set("method", method);
	if (params) notification->set("params", params);
	std::lock_guard<std::mutex> lock(_routingMutex);
	if (method == "notifications/progress")
	{
		if (!params || !params->has("progressToken")) return;
		std::string token = JsonText::write(params->get("progressToken"));
		for (const auto& call: _calls)
		{
			if (call.server == server && call.progressToken == token)
			{
				call.sink->send(notification);
				return;
			}
		}
	}
	else if (method == "notifications/message")
	{
		// Log messages name no call: every call running on the server gets
		// them, or, between calls, every client that listens.
		bool sent = false;
		for (const auto& call: _calls)
		{
			if (call.server != server) continue;
			call.sink->send(notification);
			sent = true;
		}
		if (sent) return;
		for (const auto& listener: _listeners)
		{
			if (listener.second.sink) listener.second.sink->send(notification);
		}
	}
	else if (method == "notifications/resources/updated")
	{
		std::string uri = params ? params->optValue<std::string>("uri", "") : std::string();
		for (const auto& listener: _listeners)
		{
			if (listener.second.sink && listener.second.subscriptions.count(uri)) listener.second.sink->send(notification);
		}
	}
	else if (method == "notifications/tools/list_changed" || method == "notifications/prompts/list_changed" || method == "notifications/resources/list_changed")
	{
		// The merged list changed with the server's (its cache is gone already).
		for (const auto& listener: _listeners)
		{
			if (listener.second.sink) listener.second.sink->send(notification);
		}
	}
}


bool McpGateway::serverRequest(const std::string& server, const std::string& method, const Poco::JSON::Object::Ptr& params, Reply reply)
{
	bool sampling = method == "sampling/createMessage";
	bool elicitation = method == "elicitation/create";
	if (!sampling && !elicitation) return false;
	std::string id = "nash-gateway-" + std::to_string(++_nextRequestId);
	Poco::JSON::Object::Ptr request = new Poco::JSON::Object;
	request->set("jsonrpc", "2.0");
	request->set("id", id);
	request->set("method", method);
	request->set("params", params);
	std::lock_guard<std::mutex> lock(_routingMutex);
	for (auto it = _calls.rbegin(); it != _calls.rend(); ++it)
	{
		if (it->server != server || (sampling && !it->sampling) || (elicitation && !it->elicitation)) continue;
		_pending[id] = PendingRequest{std::move(reply), &*it};
		it->sink->send(request);
		return true;
	}
	return false;
}


void McpGateway::deliverResponse(const Poco::JSON::Object::Ptr& response)
{
	if (!response->has("id") || !response->get("id").isString()) return;
	Reply reply;
	{
		std::lock_guard<std::mutex> lock(_routingMutex);
		auto it = _pending.find(response->get("id").extract<std::string>());
		if (it == _pending.end()) return;
		reply = std::move(it->second.reply);
		_pending.erase(it);
	}
	reply(response);
}


Poco::JSON::Object::Ptr McpGateway::relayedCapabilities() const
{
	Poco::JSON::Object::Ptr capabilities = new Poco::JSON::Object;
	capabilities->set("sampling", Poco::JSON::Object::Ptr(new Poco::JSON::Object));
	capabilities->set("elicitation", Poco::JSON::Object::Ptr(new Poco::JSON::Object));
	return capabilities;
}


Poco::JSON::Object::Ptr McpGateway::subscribe(const Poco::JSON::Object::Ptr& params, const Caller& caller, bool on, const CancellationToken& cancel)
{
	std::string uri = stringParam(params, "uri");
	if (on)
	{
		McpClient* owner = ownerOfUri(uri, caller, cancel);
		if (!owner)
		{
			McpError notFound = McpError::rpcFailure("resources/subscribe", RESOURCE_NOT_FOUND, "Resource not found: " + uri);
			throw notFound;
		}
		bool first = true;
		{
			std::lock_guard<std::mutex> lock(_routingMutex);
			for (const auto& listener: _listeners) first = first && !listener.second.subscriptions.count(uri);
		}
		// One subscription upstream serves every client that wants the URI.
		if (first) owner->forward("resources/subscribe", params, "resources", &cancel);
		std::lock_guard<std::mutex> lock(_routingMutex);
		_listeners[caller.key].subscriptions.insert(uri);
	}
	else
	{
		{
			std::lock_guard<std::mutex> lock(_routingMutex);
			auto it = _listeners.find(caller.key);
			if (it != _listeners.end()) it->second.subscriptions.erase(uri);
		}
		unsubscribeUnwanted({uri}, caller, cancel);
	}
	return new Poco::JSON::Object;
}


void McpGateway::unsubscribeUnwanted(const std::vector<std::string>& uris, const Caller& caller, const CancellationToken& cancel)
{
	for (const auto& uri: uris)
	{
		{
			std::lock_guard<std::mutex> lock(_routingMutex);
			bool wanted = false;
			for (const auto& listener: _listeners) wanted = wanted || listener.second.subscriptions.count(uri);
			if (wanted) continue;
		}
		try
		{
			McpClient* owner = ownerOfUri(uri, caller, cancel);
			Poco::JSON::Object::Ptr params = new Poco::JSON::Object;
			params->set("uri", uri);
			if (owner) owner->forward("resources/unsubscribe", params, "resources", &cancel);
		}
		catch (McpError& exc)
		{
			_logger.information("resources/unsubscribe of %s: %s", uri, exc.message());
		}
	}
}


bool McpGateway::attach(const std::string& key, Sink* sink)
{
	std::lock_guard<std::mutex> lock(_routingMutex);
	Listener& listener = _listeners[key];
	if (listener.sink) return false;
	listener.sink = sink;
	return true;
}


void McpGateway::detach(const std::string& key, Sink* sink)
{
	std::lock_guard<std::mutex> lock(_routingMutex);
	auto it = _listeners.find(key);
	if (it == _listeners.end() || it->second.sink != sink) return;
	it->second.sink = nullptr;
	if (it->second.subscriptions.empty()) _listeners.erase(it);
}


void McpGateway::forget(const std::string& key)
{
	std::vector<std::string> uris;
	{
		std::lock_guard<std::mutex> lock(_routingMutex);
		auto it = _listeners.find(key);
		if (it == _listeners.end()) return;
		uris.assign(it->second.subscriptions.begin(), it->second.subscriptions.end());
		_listeners.erase(it);
	}
	CancellationToken never;
	unsubscribeUnwanted(uris, Caller(), never);
}


Poco::JSON::Object::Ptr McpGateway::rpcErrorOf(const Poco::Dynamic::Var& id, const McpError& error)
{
	if (error.isRpcError()) return errorResponse(id, error.rpcCode(), error.rpcMessage(), error.rpcData());
	switch (error.httpStatus())
	{
	case 400:
	case 404:
	case 409:
		return errorResponse(id, INVALID_PARAMS, error.message());
	case 501:
		return errorResponse(id, METHOD_NOT_FOUND, error.message());
	case 499:
		return errorResponse(id, REQUEST_CANCELLED, error.message());
	case 504:
		return errorResponse(id, TIMED_OUT_OR_NO_SESSION, error.message());
	default:
		return errorResponse(id, INTERNAL_ERROR, error.message());
	}
}


} // namespace Nash
