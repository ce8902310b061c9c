//
// OversizedMessage.h
//


#ifndef Nash_OversizedMessage_INCLUDED
#define Nash_OversizedMessage_INCLUDED


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
		/// A JSON-RPC error answer to the dropped line's request id, or an
		/// empty string when no id can be told for sure.

	static std::string idOf(const std::string& head, const std::string& tail);
		/// The request id as JSON text (a number or a string), from a line
		/// beginning {"jsonrpc":"2.0","id":... or ending ..."id":...}.

private:
	static constexpr std::size_t KEPT = 256;
	std::string _head;
	std::string _tail;
	std::size_t _size = 0;
};


} // namespace Nash


#endif // Nash_OversizedMessage_INCLUDED
