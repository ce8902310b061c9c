//
// OversizedMessage.h
//


#ifndef Nash_OversizedMessage_INCLUDED
#define Nash_OversizedMessage_INCLUDED


#include "McpMessageText.h"
#include <cstddef>
#include <string>


namespace Nash {


class OversizedMessage
	/// A line longer than the transport's limit, dropped while it streams
	/// by, but with its first and last bytes kept: when it was the answer to
	/// one of our requests, its id is almost always there (JSON-RPC writers
	/// put "jsonrpc" and "id" first or last), and the caller can be told at
	/// once instead of waiting out its timeout.
{
public:
	void begin(const std::string& head);
		/// The line so far, when it went over the limit.

	void append(const char* data, std::size_t size);
		/// More of the dropped line.

	std::size_t size() const;

	std::string errorResponse(const std::string& serverName, std::size_t limit) const;
		/// A JSON-RPC error answer to the dropped line's request id (told
		/// by McpMessageText::responseId()), or an empty string when no id
		/// can be told for sure.

private:
	static constexpr std::size_t KEPT = McpMessageText::ENDS_KEPT;
	std::string _head;
	std::string _tail;
	std::size_t _size = 0;
};


} // namespace Nash


#endif // Nash_OversizedMessage_INCLUDED
