//
// EventStreamCheck.h
//
// Reads one answer of POST /v1/chat/completions/stream and checks it
// against the wire contract.
//


#ifndef NashSoak_EventStreamCheck_INCLUDED
#define NashSoak_EventStreamCheck_INCLUDED


#include <cstddef>
#include <istream>
#include <string>


namespace NashSoak {


class EventStreamCheck
	/// The contract for an answer without warning or error:
	///
	///     data: {"session_id": "<id>"}\n\n
	///     data: {"content": "<text>"}\n\n      (zero or more)
	///     data: {"session_id": "<id>"}\n\n
	///     data: [DONE]\n\n
	///
	/// and then the end of the body. Each event is one "data: " line of JSON
	/// followed by an empty line; both session events carry the requested id,
	/// or the same new UUID v4 when none was requested; the content pieces
	/// joined are the expected text. Anything else throws CheckFailedException.
{
public:
	struct Expectation
	{
		std::string sessionId;
			/// Empty: the server must make a new UUID v4.
		std::string content;
			/// The whole text the pieces must add up to.
		bool leaveAfterFirstContent = false;
			/// Stop reading (and check nothing further) after the first
			/// content event: the caller then drops the connection.
	};

	struct Result
	{
		std::string sessionId;
		std::string content;
		std::size_t contentEvents = 0;
	};

	static Result read(std::istream& in, const Expectation& expectation);
		/// Reads until the end of the body (or the first content event).
		/// Errors of the connection (a timeout, a reset) are thrown as they are.

	static bool isUuidV4(const std::string& id);
		/// Lowercase, 36 characters, version 4, RFC 4122 variant.

private:
	static std::string readEvent(std::istream& in, std::size_t index);
		/// The data of the next event; throws at the end of the body.
};


} // namespace NashSoak


#endif // NashSoak_EventStreamCheck_INCLUDED
