//
// McpElicitation.cpp
//


#include "McpElicitation.h"
#include "Poco/Exception.h"
#include "Poco/JSON/Array.h"
#include "Poco/String.h"
#include <cmath>
#include <set>


namespace Nash {


namespace {


bool allowedValues(const Poco::JSON::Object::Ptr& schema, std::set<std::string>& values)
	/// The choices of an enum schema: "enum", or the "const" of each entry of
	/// "oneOf"/"anyOf" (titled enums of 2025-11-25). False when it has none.
{
	bool found = false;
	Poco::JSON::Array::Ptr list = schema->getArray("enum");
	if (list)
	{
		found = true;
		for (std::size_t i = 0; i < list->size(); ++i)
		{
			Poco::Dynamic::Var value = list->get(static_cast<unsigned>(i));
			if (value.isString()) values.insert(value.extract<std::string>());
		}
	}
	for (const char* key: {"oneOf", "anyOf"})
	{
		Poco::JSON::Array::Ptr options = schema->getArray(key);
		if (!options) continue;
		found = true;
		for (std::size_t i = 0; i < options->size(); ++i)
		{
			Poco::JSON::Object::Ptr option = options->getObject(static_cast<unsigned>(i));
			if (option && option->has("const") && option->get("const").isString())
				values.insert(option->get("const").extract<std::string>());
		}
	}
	return found;
}


bool fits(const Poco::JSON::Object::Ptr& schema, const Poco::Dynamic::Var& value)
	/// A default the server declared is passed back only when it is what
	/// the field asks for: an accepted form must validate on the server.
{
	std::string type = schema->optValue<std::string>("type", "");
	if (type == "string")
	{
		if (!value.isString()) return false;
		std::set<std::string> values;
		if (allowedValues(schema, values)) return values.count(value.extract<std::string>()) > 0;
		return true;
	}
	if (type == "boolean") return value.isBoolean();
	if (type == "integer")
	{
		if (value.isInteger()) return true;
		if (!value.isNumeric()) return false;
		double number = value.convert<double>();
		return std::isfinite(number) && number == std::floor(number);
	}
	if (type == "number") return value.isNumeric() && !value.isBoolean();
	if (type == "array")
	{
		if (value.type() != typeid(Poco::JSON::Array::Ptr)) return false;
		Poco::JSON::Array::Ptr chosen = value.extract<Poco::JSON::Array::Ptr>();
		Poco::JSON::Object::Ptr items = schema->getObject("items");
		std::set<std::string> values;
		bool restricted = items && allowedValues(items, values);
		for (std::size_t i = 0; i < chosen->size(); ++i)
		{
			Poco::Dynamic::Var item = chosen->get(static_cast<unsigned>(i));
			if (!item.isString()) return false;
			if (restricted && values.count(item.extract<std::string>()) == 0) return false;
		}
		return true;
	}
	return false;
}


} // namespace


ElicitationPolicy McpElicitation::parsePolicy(const std::string& text)
{
	std::string lower = Poco::toLower(Poco::trim(text));
	if (lower == "none") return ElicitationPolicy::None;
	if (lower == "decline") return ElicitationPolicy::Decline;
	if (lower == "defaults") return ElicitationPolicy::Defaults;
	throw Poco::InvalidArgumentException("must be none, decline or defaults, not '" + text + "'");
}


std::string McpElicitation::policyName(ElicitationPolicy policy)
{
	switch (policy)
	{
	case ElicitationPolicy::Decline: return "decline";
	case ElicitationPolicy::Defaults: return "defaults";
	case ElicitationPolicy::None: break;
	}
	return "none";
}


Poco::JSON::Object::Ptr McpElicitation::capability(ElicitationPolicy policy, const std::string& protocolVersion)
{
	if (policy == ElicitationPolicy::None) return nullptr;
	// Versions are dates, so they compare as strings.
	if (protocolVersion < "2025-06-18") return nullptr;
	Poco::JSON::Object::Ptr elicitation = new Poco::JSON::Object;
	if (protocolVersion >= "2025-11-25") elicitation->set("form", Poco::JSON::Object::Ptr(new Poco::JSON::Object));
	return elicitation;
}


Poco::JSON::Object::Ptr McpElicitation::defaults(const Poco::JSON::Object::Ptr& requestedSchema, std::vector<std::string>& missing)
{
	Poco::JSON::Object::Ptr content = new Poco::JSON::Object;
	Poco::JSON::Object::Ptr properties = requestedSchema ? requestedSchema->getObject("properties") : nullptr;
	std::set<std::string> required;
	Poco::JSON::Array::Ptr requiredList = requestedSchema ? requestedSchema->getArray("required") : nullptr;
	if (requiredList)
	{
		for (std::size_t i = 0; i < requiredList->size(); ++i)
		{
			Poco::Dynamic::Var name = requiredList->get(static_cast<unsigned>(i));
			if (name.isString()) required.insert(name.extract<std::string>());
		}
	}
	if (properties)
	{
		std::vector<std::string> names;
		properties->getNames(names);
		for (const auto& name: names)
		{
			Poco::JSON::Object::Ptr schema = properties->getObject(name);
			if (schema && schema->has("default") && fits(schema, schema->get("default")))
			{
				content->set(name, schema->get("default"));
				required.erase(name);
			}
		}
	}
	// What is left is required but has no default, or is not described at all.
	missing.insert(missing.end(), required.begin(), required.end());
	return content;
}


McpElicitation::Answer McpElicitation::answer(ElicitationPolicy policy, const Poco::JSON::Object::Ptr& params)
{
	Answer result;
	result.action = "decline";
	if (policy != ElicitationPolicy::Defaults || !params) return result;
	// We declare form mode only; a URL would need a person to open it.
	std::string mode = params->optValue<std::string>("mode", "form");
	if (mode != "form") return result;
	Poco::JSON::Object::Ptr content = defaults(params->getObject("requestedSchema"), result.missing);
	if (!result.missing.empty()) return result;
	result.action = "accept";
	result.content = content;
	return result;
}


} // namespace Nash
