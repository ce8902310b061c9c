//
// McpError.cpp
//


#include "McpError.h"
#include "NashUpstream/Redaction.h"
#include <typeinfo>


namespace Nash {


McpError::McpError(int httpStatus, const std::string& bodyField, const std::string& message):
	// Every MCP error is answered to a client and logged: a server's URL in
	// it keeps its host but loses its user information and credentials.
	Poco::Exception(NashUpstream::Redaction::text(message)),
	_httpStatus(httpStatus),
	_bodyField(bodyField)
{
}


McpError::McpError(const McpError& other) = default;
McpError::~McpError() noexcept = default;
McpError& McpError::operator = (const McpError& other) = default;


int McpError::httpStatus() const
{
	return _httpStatus;
}


const std::string& McpError::bodyField() const
{
	return _bodyField;
}


bool McpError::isRpcError() const
{
	return _rpcError;
}


int McpError::rpcCode() const
{
	return _rpcCode;
}


const std::string& McpError::rpcMessage() const
{
	return _rpcMessage;
}


const Poco::Dynamic::Var& McpError::rpcData() const
{
	return _rpcData;
}


McpError McpError::badRequest(const std::string& detail)
{
	return McpError(400, "detail", detail);
}


McpError McpError::notFound(const std::string& error)
{
	return McpError(404, "error", error);
}


McpError McpError::conflict(const std::string& detail)
{
	return McpError(409, "detail", detail);
}


McpError McpError::notSupported(const std::string& error)
{
	return McpError(501, "error", error);
}


McpError McpError::rpcFailure(const std::string& method, int code, const std::string& message, const Poco::Dynamic::Var& data)
{
	McpError error(502, "error", "Error calling MCP method '" + method + "': " + std::to_string(code) + " " + message);
	error._rpcError = true;
	error._rpcCode = code;
	error._rpcMessage = message;
	error._rpcData = data;
	return error;
}


McpError McpError::invalidAnswer(const std::string& serverName, const std::string& method, const std::string& problem)
{
	return McpError(502, "error", "The answer of MCP server '" + serverName + "' to '" + method + "' " + problem);
}


McpError McpError::unavailable(const std::string& error)
{
	return McpError(503, "error", error);
}


McpError McpError::timeout(const std::string& error)
{
	return McpError(504, "error", error);
}


McpError McpError::cancelled(const std::string& error)
{
	return McpError(499, "error", error);
}


const char* McpError::name() const noexcept
{
	return "MCP error";
}


const char* McpError::className() const noexcept
{
	return typeid(*this).name();
}


Poco::Exception* McpError::clone() const
{
	return new McpError(*this);
}


void McpError::rethrow() const
{
	throw *this;
}


} // namespace Nash
