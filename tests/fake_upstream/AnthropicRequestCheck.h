//
// AnthropicRequestCheck.h
//


#ifndef FakeUpstream_AnthropicRequestCheck_INCLUDED
#define FakeUpstream_AnthropicRequestCheck_INCLUDED


#include "Poco/JSON/Object.h"
#include <string>


namespace FakeUpstream {


class AnthropicRequestCheck
	/// The checks by which the real Messages API refuses a request (400
	/// invalid_request_error), as far as a tool loop can get them wrong:
	///
	///   - max_tokens is required; messages is a non-empty array;
	///   - the first message is the user's, and user and assistant turns
	///     alternate (no "system" role: the system prompt is "system");
	///   - no content is an empty string or an empty array, no text block
	///     has empty text;
	///   - tool_use blocks only in assistant turns, with a unique id and an
	///     object as input; tool_result blocks only in user turns;
	///   - every tool_use id is answered by a tool_result in the very next
	///     (user) turn, and every tool_result answers a tool_use of the turn
	///     before it;
	///   - every tools entry has a valid, unique name, an input_schema object
	///     and no members but name, description, input_schema, cache_control
	///     and type;
	///   - system is a string or an array of non-empty text blocks.
	///
	/// The messages follow the real API's where it is known, so that a test
	/// may look for them.
{
public:
	static std::string problem(const Poco::JSON::Object& body);
		/// The first rule body breaks, as the error message; empty when none.
};


} // namespace FakeUpstream


#endif // FakeUpstream_AnthropicRequestCheck_INCLUDED
