//
// McpMessageText.h
//
// How the text of one message of an MCP server is read, the same way by the
// MCP client and by the transport plugins.
//


#ifndef Nash_McpMessageText_INCLUDED
#define Nash_McpMessageText_INCLUDED


#include "Poco/Dynamic/Var.h"
#include <cstddef>
#include <string>


namespace Nash {


class McpMessageText
	/// The JSON of a message from an MCP server, and what can still be told
	/// of a message that is not usable JSON: the request it answered, so
	/// that the request fails at once instead of at its timeout.
	///
	/// Built into the server and into the mcp_stdio and mcp_http plugins
	/// alike (a static library of its own), so that all of them accept the
	/// same messages and tell the same ids.
{
public:
	static constexpr std::size_t MAX_DEPTH = 1000;
		/// Levels of objects and arrays a result (or the params of a
		/// server's request) may nest: as deep as MCP servers write JSON
		/// (Python's json module, behind many of them, stops near 1000).
		/// parse() allows two levels more, for the message around the
		/// result and a batch around the message.

	static constexpr std::size_t ENDS_KEPT = 256;
		/// Bytes of each end of a message that responseId() looks at.

	static Poco::Dynamic::Var parse(const std::string& text);
		/// text as JSON. Throws Poco::JSON::JSONException or
		/// Poco::SyntaxException when it is not valid JSON or nests deeper
		/// than MAX_DEPTH + 2 levels; problemOf() then says which.
		///
		/// The parser recurses about 120 bytes of stack a level: a message
		/// of the deepest kind takes some 120 KB.

	static std::string problemOf(const std::string& text);
		/// Why parse() refused text, to end a sentence about the message:
		/// "was nested deeper than ..." or "was not valid JSON".

	static Poco::Dynamic::Var idValue(const std::string& idText);
		/// An id told by responseId() as a value: a std::string, or a
		/// Poco::Int64 for a number; empty when idText is neither. (Poco's
		/// JSON parser reads objects and arrays only, not a lone scalar.)

	static std::string responseId(const std::string& text);
		/// responseId() of the first and last ENDS_KEPT bytes of text.

	static std::string responseId(const std::string& head, const std::string& tail);
		/// The id of the request a message answers, as JSON text (a number
		/// or a string), told from its first bytes (head) or its last
		/// (tail) alone: a message beginning {"jsonrpc":"2.0","id":...,
		/// "result" or "error" (the two first members in either order), or
		/// ending ..."jsonrpc":"2.0","id":...} (the two last in either
		/// order), as JSON-RPC writers put them. Empty when the id cannot be
		/// told for sure, or when the head shows a "method" member (a
		/// request or notification of the server, whose id is not ours).
};


} // namespace Nash


#endif // Nash_McpMessageText_INCLUDED
