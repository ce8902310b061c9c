//
// RequestKind.h
//
// The kinds of request in the soak mix.
//


#ifndef NashSoak_RequestKind_INCLUDED
#define NashSoak_RequestKind_INCLUDED


#include <array>
#include <cstddef>


namespace NashSoak {


enum class RequestKind
{
	STREAM,         /// a chat stream from the instant echo model, read to the end
	STREAM_SLOW,    /// a chat stream from the paced echo model, read to the end
	STREAM_CANCEL,  /// a paced chat stream the client leaves after its first content event
	SUMMARIZE,
	MCP_LIST_TOOLS,
	MCP_ECHO,
	MCP_ADD,
	HEALTH,
	BAD_JSON,       /// a body that is not JSON: must be 400
	NOT_FOUND       /// an unknown path: must be 404
};


constexpr std::size_t REQUEST_KIND_COUNT = 10;


inline const char* kindName(RequestKind kind)
{
	static const std::array<const char*, REQUEST_KIND_COUNT> names = {{
		"stream", "stream_slow", "stream_cancel", "summarize", "mcp_list_tools",
		"mcp_echo", "mcp_add", "health", "bad_json", "not_found"}};
	return names[static_cast<std::size_t>(kind)];
}


inline RequestKind kindAt(std::size_t index)
{
	return static_cast<RequestKind>(index);
}


} // namespace NashSoak


#endif // NashSoak_RequestKind_INCLUDED
