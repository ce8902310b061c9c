//
// McpElicitation.h
//
// How a server's elicitation/create is answered. A gateway has nobody to
// ask, so the answer is a per-server policy chosen in the configuration.
//


#ifndef Nash_McpElicitation_INCLUDED
#define Nash_McpElicitation_INCLUDED


#include "Poco/JSON/Object.h"
#include <string>
#include <vector>


namespace Nash {


enum class ElicitationPolicy
{
	None,
		/// The capability is not declared; elicitation/create gets -32601.
		/// The default: a server that knows we cannot ask takes its own
		/// path without a question, which is better than being told "no"
		/// to every question it asks.
	Decline,
		/// Declared; every elicitation is answered "decline". For servers
		/// that refuse to work with a client lacking the capability but
		/// cope with a refusal.
	Defaults
		/// Declared; a form is accepted with the default value of each field
		/// (SEP-1034), and declined when a required field has no usable
		/// default. URL mode is always declined.
};


class McpElicitation
{
public:
	struct Answer
	{
		std::string action;
			/// "accept" or "decline".
		Poco::JSON::Object::Ptr content;
			/// The form's values when accepted, otherwise null.
		std::vector<std::string> missing;
			/// Required fields without a usable default (why it declined).
	};

	static ElicitationPolicy parsePolicy(const std::string& text);
		/// "none", "decline" or "defaults" (any case). Throws
		/// Poco::InvalidArgumentException for anything else, with a message
		/// for the caller to prefix with the key.

	static std::string policyName(ElicitationPolicy policy);

	static Poco::JSON::Object::Ptr capability(ElicitationPolicy policy, const std::string& protocolVersion);
		/// The value of "elicitation" in the client capabilities, null when
		/// not declared. From 2025-11-25 on the modes are named ({"form": {}}:
		/// we never open URLs); 2025-06-18 knows only {}; older versions have
		/// no elicitation.

	static Answer answer(ElicitationPolicy policy, const Poco::JSON::Object::Ptr& params);
		/// The answer to elicitation/create with these params under policy
		/// (not None).

	static Poco::JSON::Object::Ptr defaults(const Poco::JSON::Object::Ptr& requestedSchema, std::vector<std::string>& missing);
		/// The default of every property of requestedSchema whose default
		/// fits its type (string, number, integer, boolean, single- or
		/// multi-select enum); the required ones without such a default are
		/// added to missing.
};


} // namespace Nash


#endif // Nash_McpElicitation_INCLUDED
