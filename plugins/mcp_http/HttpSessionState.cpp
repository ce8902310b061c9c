//
// HttpSessionState.cpp
//


#include "HttpSessionState.h"


namespace Nash {


void HttpSessionState::configure(const std::map<std::string, std::string>& headers, std::shared_ptr<OAuthClient> oauth)
{
	std::lock_guard<std::mutex> lock(_mutex);
	_headers = headers;
	_oauth = std::move(oauth);
}


void HttpSessionState::reset()
{
	std::lock_guard<std::mutex> lock(_mutex);
	_sessionId.clear();
	_protocolVersion.clear();
	_initializeMessage.clear();
	_initializedMessage.clear();
}


void HttpSessionState::remember(const std::string& method, const std::string& message)
{
	std::lock_guard<std::mutex> lock(_mutex);
	if (method == "initialize")
	{
		_initializeMessage = message;
		_sessionId.clear();
	}
	else if (method == "notifications/initialized")
	{
		_initializedMessage = message;
	}
}


std::string HttpSessionState::prepare(Poco::Net::HTTPRequest& request, const std::string& sessionId) const
{
	std::shared_ptr<OAuthClient> oauth;
	{
		std::lock_guard<std::mutex> lock(_mutex);
		for (const auto& header: _headers) request.set(header.first, header.second);
		if (!sessionId.empty()) request.set("Mcp-Session-Id", sessionId);
		if (!_protocolVersion.empty()) request.set("MCP-Protocol-Version", _protocolVersion);
		oauth = _oauth;
	}
	// Outside the lock: the OAuth client may refresh the token first.
	std::string token = oauth ? oauth->accessToken() : std::string();
	if (!token.empty()) request.set("Authorization", "Bearer " + token);
	return token;
}


std::string HttpSessionState::sessionId() const
{
	std::lock_guard<std::mutex> lock(_mutex);
	return _sessionId;
}


void HttpSessionState::setSessionId(const std::string& sessionId)
{
	std::lock_guard<std::mutex> lock(_mutex);
	_sessionId = sessionId;
}


void HttpSessionState::setProtocolVersion(const std::string& version)
{
	std::lock_guard<std::mutex> lock(_mutex);
	_protocolVersion = version;
}


HttpSessionState::Replay HttpSessionState::replay(const std::string& expiredId)
{
	Replay replay;
	std::lock_guard<std::mutex> lock(_mutex);
	if (_sessionId != expiredId) return replay;
	replay.needed = true;
	if (_initializeMessage.empty()) return replay;
	replay.initialize = _initializeMessage;
	replay.initialized = _initializedMessage;
	replay.protocolVersion = _protocolVersion;
	replay.number = ++_renewals;
	return replay;
}


} // namespace Nash
