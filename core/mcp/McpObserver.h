//
// McpObserver.h
//


#ifndef Nash_McpObserver_INCLUDED
#define Nash_McpObserver_INCLUDED


#include <string>


namespace Nash {


class McpObserver
	/// What the server counts of its MCP servers (its metrics). Called from
	/// many threads at once; must not throw and must be cheap. Server names
	/// are the configured ones; methods are the MCP method names; a tool
	/// is named only when its server listed it ("other" otherwise), so that
	/// what a client sends cannot grow the label sets.
{
public:
	virtual ~McpObserver() = default;

	virtual void mcpCall(const std::string& server, const std::string& method, const std::string& outcome, double seconds) = 0;
		/// One request to server finished: outcome is "ok", "error" (a
		/// JSON-RPC error answer), "timeout", "unavailable" (not connected,
		/// or the connection failed) or "cancelled".
	virtual void mcpRestart(const std::string& server) = 0;
		/// server's connection was started again after it ended or failed.
	virtual void mcpToolCall(const std::string& server, const std::string& tool, const std::string& outcome) = 0;
		/// One tools/call finished: outcome is "ok", "tool_error" (the result
		/// has isError) or the outcome of the call as in mcpCall().
};


} // namespace Nash


#endif // Nash_McpObserver_INCLUDED
