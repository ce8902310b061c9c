//
// McpGatewaySessions.cpp
//


#include "core/mcp/gateway/McpGatewaySessions.h"
#include "core/chat/SessionId.h"
#include <vector>


namespace Nash {


namespace {


void cancelAll(McpGatewaySessions::Session& session)
{
	std::lock_guard<std::mutex> lock(session.mutex);
	for (auto& request: session.inFlight) request.second->cancel();
	if (session.own) session.own->finish();
}


} // namespace


McpGatewaySessions::McpGatewaySessions(std::chrono::seconds idleLimit, std::size_t countLimit, EndHandler onEnd):
	_idleLimit(idleLimit),
	_countLimit(countLimit),
	_onEnd(std::move(onEnd))
{
}


std::shared_ptr<McpGatewaySessions::Session> McpGatewaySessions::create(const std::string& owner)
{
	auto session = std::make_shared<Session>();
	session->id = SessionId::generate();
	session->owner = owner;
	auto now = std::chrono::steady_clock::now();
	session->lastUsed = now;
	std::vector<std::shared_ptr<Session>> ended;
	{
		std::lock_guard<std::mutex> lock(_mutex);
		for (auto it = _sessions.begin(); it != _sessions.end();)
		{
			if (now - it->second->lastUsed > _idleLimit)
			{
				ended.push_back(it->second);
				it = _sessions.erase(it);
			}
			else
			{
				++it;
			}
		}
		if (_sessions.size() >= _countLimit && !_sessions.empty())
		{
			auto oldest = _sessions.begin();
			for (auto it = _sessions.begin(); it != _sessions.end(); ++it)
			{
				if (it->second->lastUsed < oldest->second->lastUsed) oldest = it;
			}
			ended.push_back(oldest->second);
			_sessions.erase(oldest);
		}
		_sessions[session->id] = session;
	}
	for (auto& old: ended)
	{
		cancelAll(*old);
		if (_onEnd) _onEnd(old->id);
	}
	return session;
}


std::shared_ptr<McpGatewaySessions::Session> McpGatewaySessions::find(const std::string& id, const std::string& owner)
{
	std::lock_guard<std::mutex> lock(_mutex);
	auto it = _sessions.find(id);
	if (it == _sessions.end() || it->second->owner != owner) return nullptr;
	auto now = std::chrono::steady_clock::now();
	if (now - it->second->lastUsed > _idleLimit) return nullptr;
	it->second->lastUsed = now;
	return it->second;
}


bool McpGatewaySessions::end(const std::string& id, const std::string& owner)
{
	std::shared_ptr<Session> session;
	{
		std::lock_guard<std::mutex> lock(_mutex);
		auto it = _sessions.find(id);
		if (it == _sessions.end() || it->second->owner != owner) return false;
		session = it->second;
		_sessions.erase(it);
	}
	cancelAll(*session);
	if (_onEnd) _onEnd(session->id);
	return true;
}


std::size_t McpGatewaySessions::size() const
{
	std::lock_guard<std::mutex> lock(_mutex);
	return _sessions.size();
}


} // namespace Nash
