//
// ChatEvents.h
//
// The pieces of a streamed answer other than text.
//


#ifndef Nash_ChatEvents_INCLUDED
#define Nash_ChatEvents_INCLUDED


#include "Poco/Nullable.h"
#include <string>


namespace Nash {


struct ToolCallDelta
	/// A fragment of a tool call the model is making. Fragments with the
	/// same index belong to one call; id and name usually come with the
	/// first fragment only, arguments arrive in pieces of a JSON text.
{
	int index = 0;
	std::string id;
	std::string name;
	std::string argumentsFragment;
};


struct Usage
	/// Token counts as the upstream reported them.
{
	Poco::Nullable<long long> promptTokens;
	Poco::Nullable<long long> completionTokens;
};


struct ChatResult
	/// The whole answer of a non-streaming call.
{
	std::string content;
	std::string finishReason;
	Usage usage;
};


} // namespace Nash


#endif // Nash_ChatEvents_INCLUDED
