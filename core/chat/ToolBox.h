//
// ToolBox.h
//
// The tools a model may call during one chat request.
//


#ifndef Nash_ToolBox_INCLUDED
#define Nash_ToolBox_INCLUDED


#include "Nash/CancellationToken.h"
#include "Poco/JSON/Object.h"
#include <string>
#include <vector>


namespace Nash {


struct ToolDefinition
	/// One tool as the model is offered it.
{
	std::string name;
		/// Unique among the offered tools and valid for every provider
		/// (^[a-zA-Z0-9_-]{1,64}$).
	std::string description;
	Poco::JSON::Object::Ptr inputSchema;
		/// A JSON Schema object; never null.
};


struct ToolOutcome
	/// What a tool call gives the model back.
{
	std::string text;
	bool isError = false;
};


class ToolBox
	/// The tools of one request, listed once when it starts. Used by one
	/// request's thread only.
{
public:
	virtual ~ToolBox() = default;

	virtual const std::vector<ToolDefinition>& tools() const = 0;

	virtual ToolOutcome call(const std::string& name, const Poco::JSON::Object::Ptr& arguments, CancellationToken& cancellation) = 0;
		/// Runs one call. Never throws for the tool's own failure (unknown,
		/// not allowed, refused, timed out, its server gone): that is an
		/// error outcome, which the model sees and may act on.
};


} // namespace Nash


#endif // Nash_ToolBox_INCLUDED
