//
// ModelsHandler.cpp
//


#include "core/app/ModelsHandler.h"
#include "core/json/JsonText.h"
#include "Poco/JSON/Array.h"


namespace Nash {


namespace {


Poco::JSON::Object::Ptr modelEntry(const std::string& id, const std::string& owner)
{
	Poco::JSON::Object::Ptr model = JsonText::object();
	model->set("id", id);
	model->set("object", std::string("model"));
	model->set("created", 0);
	model->set("owned_by", owner);
	return model;
}


} // namespace


ModelsHandler::ModelsHandler(ServerContext& context): JsonHandler(context)
{
}


void ModelsHandler::handle(Poco::Net::HTTPServerRequest& request, Poco::Net::HTTPServerResponse& response, AccessLog::Entry& entry)
{
	if (request.has("anthropic-version")) return sendAnthropicList(response, entry);

	Poco::JSON::Array::Ptr data = new Poco::JSON::Array;
	for (const auto& backend: context().backends.status())
	{
		if (!backend.available) continue;
		for (const auto& model: backend.models) data->add(modelEntry(backend.name + "/" + model, backend.name));
	}
	for (const auto& alias: context().backends.aliases())
	{
		Poco::JSON::Object::Ptr model = modelEntry(alias.first, "alias");
		model->set("alias_for", alias.second);
		data->add(model);
	}
	Poco::JSON::Object::Ptr list = JsonText::object();
	list->set("object", std::string("list"));
	list->set("data", data);
	list->set("default", context().backends.defaultModelSpec());
	sendJson(response, 200, JsonText::write(list), entry);
}


std::vector<std::string> ModelsHandler::modelIds()
{
	std::vector<std::string> ids;
	for (const auto& backend: context().backends.status())
	{
		if (!backend.available) continue;
		for (const auto& model: backend.models) ids.push_back(backend.name + "/" + model);
	}
	for (const auto& alias: context().backends.aliases()) ids.push_back(alias.first);
	return ids;
}


void ModelsHandler::sendAnthropicList(Poco::Net::HTTPServerResponse& response, AccessLog::Entry& entry)
{
	// Anthropic pages with after_id/before_id; the whole list is one page.
	std::vector<std::string> ids = modelIds();
	Poco::JSON::Array::Ptr data = new Poco::JSON::Array;
	for (const auto& id: ids)
	{
		Poco::JSON::Object::Ptr model = JsonText::object();
		model->set("type", std::string("model"));
		model->set("id", id);
		model->set("display_name", id);
		model->set("created_at", std::string("1970-01-01T00:00:00Z"));
		data->add(model);
	}
	Poco::JSON::Object::Ptr list = JsonText::object();
	list->set("data", data);
	list->set("has_more", false);
	list->set("first_id", ids.empty() ? Poco::Dynamic::Var() : Poco::Dynamic::Var(ids.front()));
	list->set("last_id", ids.empty() ? Poco::Dynamic::Var() : Poco::Dynamic::Var(ids.back()));
	sendJson(response, 200, JsonText::write(list), entry);
}


} // namespace Nash
