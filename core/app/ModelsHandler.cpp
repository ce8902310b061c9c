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


void ModelsHandler::handle(Poco::Net::HTTPServerRequest&, Poco::Net::HTTPServerResponse& response, AccessLog::Entry& entry)
{
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


} // namespace Nash
