//
// OpenAiRequestCheck.h
//


#ifndef FakeUpstream_OpenAiRequestCheck_INCLUDED
#define FakeUpstream_OpenAiRequestCheck_INCLUDED


#include "Poco/JSON/Object.h"
#include <string>


namespace FakeUpstream {


class OpenAiRequestCheck
	/// The checks by which the real Chat Completions API refuses a request
	/// (400 invalid_request_error), as far as a tool loop can get them wrong:
	///
	///   - messages is a non-empty array of objects with a known role;
	///   - an assistant message's tool_calls (a non-empty array of function
	///     calls with an id, a name and string arguments) are followed by
	///     tool messages that answer every id before any other message;
	///   - a tool message answers an id of the assistant message that its
	///     run of tool messages follows;
	///   - every tools entry is {"type": "function", "function": {"name":
	///     ...}} with a valid, unique name.
	///
	/// The messages follow the real API's where it is known, so that a test
	/// may look for them.
{
public:
	static std::string problem(const Poco::JSON::Object& body);
		/// The first rule body breaks, as the error message; empty when none.
};


} // namespace FakeUpstream


#endif // FakeUpstream_OpenAiRequestCheck_INCLUDED
