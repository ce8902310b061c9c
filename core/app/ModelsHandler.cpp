//
// ModelsHandler.cpp
//


#include "core/app/ModelsHandler.h"
#include "core/api/anthropic/AnthropicErrors.h"
#include "core/api/openai/OpenAiErrors.h"
#include "core/http/HttpError.h"
#include "core/json/JsonText.h"


namespace Nash {


ModelsHandler::ModelsHandler(ServerContext& context, const std::string& model): JsonHandler(context), _model(model)
{
}


void ModelsHandler::begin(const Poco::Net::HTTPServerRequest& request)
{
	_anthropic = request.has("anthropic-version");
}


ErrorAnswer ModelsHandler::errorAnswer(const ErrorReply& reply) const
{
	return _anthropic ? AnthropicErrors::answer(reply) : OpenAiErrors::answer(reply);
}


std::vector<ModelsHandler::Model> ModelsHandler::models()
{
	std::vector<Model> result;
	for (const auto& backend: context().backends.status())
	{
		if (!backend.available) continue;
		for (const auto& model: backend.models) result.push_back({backend.name + "/" + model, backend.name, std::string()});
	}
	for (const auto& alias: context().backends.aliases()) result.push_back({alias.first, "alias", alias.second});
	return result;
}


std::string ModelsHandler::entryJson(const Model& model) const
{
	Poco::JSON::Object::Ptr entry = JsonText::object();
	if (_anthropic)
	{
		entry->set("type", std::string("model"));
		entry->set("id", model.id);
		entry->set("display_name", model.id);
		entry->set("created_at", std::string("1970-01-01T00:00:00Z"));
	}
	else
	{
		entry->set("id", model.id);
		entry->set("object", std::string("model"));
		entry->set("created", 0);
		entry->set("owned_by", model.owner);
		if (!model.aliasFor.empty()) entry->set("alias_for", model.aliasFor);
	}
	return JsonText::write(entry);
}


void ModelsHandler::handle(Poco::Net::HTTPServerRequest&, Poco::Net::HTTPServerResponse& response, AccessLog::Entry& entry)
{
	std::vector<Model> list = models();
	if (!_model.empty())
	{
		for (const auto& model: list)
		{
			if (model.id == _model) return sendJson(response, 200, entryJson(model), entry);
		}
		// A name chat requests may use (a bare model name, a model of a
		// backend that takes any) is one this server has.
		BackendRoute route;
		try
		{
			route = context().backends.resolve(_model);
		}
		catch (HttpError&)
		{
			throw HttpError(404, "Unknown model '" + _model + "'; GET /v1/models lists the models of this server");
		}
		return sendJson(response, 200, entryJson({_model, route.backendName, std::string()}), entry);
	}

	std::string data = "[";
	for (std::size_t i = 0; i < list.size(); ++i) data += (i ? ", " : "") + entryJson(list[i]);
	data += "]";
	std::string out;
	if (_anthropic)
	{
		// Anthropic pages with after_id/before_id; the whole list is one page.
		out = "{\"data\": " + data + ", \"has_more\": false, \"first_id\": ";
		out += list.empty() ? "null" : JsonText::quote(list.front().id);
		out += ", \"last_id\": ";
		out += list.empty() ? "null" : JsonText::quote(list.back().id);
		out += "}";
	}
	else
	{
		out = "{\"object\": \"list\", \"data\": " + data + ", \"default\": " + JsonText::quote(context().backends.defaultModelSpec()) + "}";
	}
	sendJson(response, 200, out, entry);
}


} // namespace Nash
