//
// OversizedMessage.cpp
//


#include "OversizedMessage.h"


namespace Nash {


void OversizedMessage::begin(const std::string& head)
{
	_head = head.substr(0, KEPT);
	_tail = head.size() > KEPT ? head.substr(head.size() - KEPT) : head;
	_size = head.size();
}


void OversizedMessage::append(const char* data, std::size_t size)
{
	_size += size;
	if (size >= KEPT)
	{
		_tail.assign(data + size - KEPT, KEPT);
		return;
	}
	_tail.append(data, size);
	if (_tail.size() > KEPT) _tail.erase(0, _tail.size() - KEPT);
}


std::size_t OversizedMessage::size() const
{
	return _size;
}


std::string OversizedMessage::errorResponse(const std::string& serverName, std::size_t limit) const
{
	std::string id = McpMessageText::responseId(_head, _tail);
	if (id.empty()) return std::string();
	return "{\"jsonrpc\":\"2.0\",\"id\":" + id + ",\"error\":{\"code\":-32603,\"message\":\"The answer of MCP server '" + serverName +
		"' was " + std::to_string(_size) + " bytes, more than max_message_size (" + std::to_string(limit) + "); it was dropped\"}}";
}


} // namespace Nash
