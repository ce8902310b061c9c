//
// ConnectionPoller.cpp
//


#include "core/http/ConnectionPoller.h"
#include "core/http/AccessLog.h"
#include "core/http/HttpServer.h"
#include "core/json/JsonText.h"
#include "Poco/Exception.h"
#include "Poco/Logger.h"
#include "Poco/Net/NetException.h"
#include "Poco/Timespan.h"
#include <vector>


namespace Nash {


namespace {


const auto deadlineCheckInterval = std::chrono::milliseconds(250);
const int acceptsPerTurn = 64;


} // namespace


ConnectionPoller::ConnectionPoller(HttpServer& server, const Poco::Net::ServerSocket& listener):
	_server(server),
	_listener(listener),
	_waker(Poco::Net::SocketAddress("127.0.0.1", 0), false)
{
	// Workers hand connections back from other threads: a datagram to this
	// socket ends the poller's wait (portable, unlike an eventfd).
	_wakerAddress = _waker.address();
	_waker.setBlocking(false);
}


ConnectionPoller::~ConnectionPoller()
{
	stop();
}


void ConnectionPoller::start()
{
	_listener.setBlocking(false);
	_pollSet.add(_listener, Poco::Net::PollSet::POLL_READ);
	_pollSet.add(_waker, Poco::Net::PollSet::POLL_READ);
	_listening = true;
	_lastDeadlineCheck = Clock::now();
	_thread.setName("http-poller");
	_thread.start(*this);
	_started = true;
}


void ConnectionPoller::stopAccepting()
{
	{
		std::lock_guard<std::mutex> lock(_mutex);
		_stopAccepting = true;
	}
	wake();
}


void ConnectionPoller::stop()
{
	{
		std::lock_guard<std::mutex> lock(_mutex);
		if (_stop) return;
		_stop = true;
	}
	wake();
	// Joined even when it already ended: the join is what orders its last
	// steps before the clean-up here.
	if (_started)
	{
		_thread.join();
		_started = false;
	}
	for (auto& entry: _connections)
	{
		try
		{
			_pollSet.remove(entry.second->socket());
		}
		catch (Poco::Exception&)
		{
		}
	}
	_connections.clear();
	_lingering.clear();
	std::lock_guard<std::mutex> lock(_mutex);
	_handedBack.clear();
}


void ConnectionPoller::wake()
{
	try
	{
		_waker.sendTo("w", 1, _wakerAddress);
	}
	catch (Poco::Exception&)
	{
		// The socket buffer is full of wake-ups already: the poller wakes.
	}
}


void ConnectionPoller::handBack(const std::shared_ptr<HttpConnection>& connection, HttpConnection::Next next)
{
	if (next == HttpConnection::Next::Close || next == HttpConnection::Next::Detached) return;
	{
		// Under the lock, so that nothing is queued after stop() emptied
		// the queue (a connection must not outlive the server).
		std::lock_guard<std::mutex> lock(_mutex);
		if (_stop) return;
		_handedBack.emplace_back(connection, next);
	}
	wake();
}


void ConnectionPoller::run()
{
	Poco::Logger& log = Poco::Logger::get("nash.http");
	char drain[64];
	while (!_stop)
	{
		Poco::Net::PollSet::SocketModeMap ready;
		try
		{
			ready = _pollSet.poll(Poco::Timespan(0, 250 * 1000));
		}
		catch (Poco::Exception& exc)
		{
			log.error("Waiting for connections failed: %s", exc.displayText());
			Poco::Thread::sleep(50);
		}
		Clock::time_point now = Clock::now();
		for (const auto& entry: ready)
		{
			const Poco::Net::Socket& socket = entry.first;
			if (_listening && socket == _listener)
			{
				acceptAll(now);
			}
			else if (socket == _waker)
			{
				try
				{
					while (_waker.receiveBytes(drain, sizeof(drain)) > 0)
					{
					}
				}
				catch (Poco::Exception&)
				{
				}
			}
			else
			{
				readable(socket.impl()->sockfd(), now);
			}
		}
		takeHandedBack(now);
		bool stopAccepting = false;
		{
			std::lock_guard<std::mutex> lock(_mutex);
			stopAccepting = _stopAccepting;
		}
		if (stopAccepting && _listening)
		{
			_listening = false;
			try
			{
				_pollSet.remove(_listener);
				_listener.close();
			}
			catch (Poco::Exception&)
			{
			}
			closeWaiting();
		}
		if (now - _lastDeadlineCheck >= deadlineCheckInterval)
		{
			_lastDeadlineCheck = now;
			enforceDeadlines(now);
		}
	}
}


void ConnectionPoller::acceptAll(Clock::time_point)
{
	for (int i = 0; i < acceptsPerTurn; ++i)
	{
		Poco::Net::StreamSocket socket;
		try
		{
			socket = _listener.acceptConnection();
		}
		catch (Poco::Exception&)
		{
			// Nothing more to accept (or the descriptor limit): next turn.
			return;
		}
		std::string client;
		try
		{
			client = socket.peerAddress().host().toString();
		}
		catch (Poco::Exception&)
		{
			continue;
		}
		std::string refusal;
		if (!_server.admit(client, refusal))
		{
			refuseConnection(socket, client, refusal);
			continue;
		}
		std::shared_ptr<HttpConnection> connection;
		try
		{
			socket.setBlocking(false);
			connection = std::make_shared<HttpConnection>(socket, client, _server);
		}
		catch (Poco::Exception& exc)
		{
			_server.release(client);
			Poco::Logger::get("nash.http").warning("A connection from %s could not be set up: %s", client, exc.displayText());
			continue;
		}
		try
		{
			watch(connection);
		}
		catch (Poco::Exception& exc)
		{
			Poco::Logger::get("nash.http").warning("A connection from %s could not be watched: %s", client, exc.displayText());
		}
	}
}


void ConnectionPoller::refuseConnection(Poco::Net::StreamSocket& socket, const std::string& client, const std::string& reason)
{
	auto now = Clock::now();
	// A flood of refusals would be a flood of log lines: one a second, with
	// the count of those left out.
	if (now - _lastRefusalLog >= std::chrono::seconds(1))
	{
		std::string more = _refusalsNotLogged > 0 ? " (and " + std::to_string(_refusalsNotLogged) + " more refused in the last second)" : "";
		AccessLog::refused("-", "-", client, 503, reason + more);
		_lastRefusalLog = now;
		_refusalsNotLogged = 0;
	}
	else
	{
		++_refusalsNotLogged;
	}
	std::string body = "{\"error\": " + JsonText::quote(reason) + "}";
	std::string answer = "HTTP/1.1 503 Service Unavailable\r\nContent-Type: application/json\r\nContent-Length: " +
		std::to_string(body.size()) + "\r\nRetry-After: 1\r\nConnection: close\r\n\r\n" + body;
	try
	{
		// A fresh socket's buffer takes the answer at once; never wait here.
		socket.setBlocking(false);
		socket.sendBytes(answer.data(), static_cast<int>(answer.size()));
		socket.shutdownSend();
	}
	catch (Poco::Exception&)
	{
	}
	socket.close();
}


void ConnectionPoller::watch(const std::shared_ptr<HttpConnection>& connection)
{
	poco_socket_t fd = connection->socket().impl()->sockfd();
	if (fd == POCO_INVALID_SOCKET) return;
	_pollSet.add(connection->socket(), Poco::Net::PollSet::POLL_READ);
	_connections[fd] = connection;
}


void ConnectionPoller::unwatch(poco_socket_t fd)
{
	auto it = _connections.find(fd);
	if (it == _connections.end()) return;
	try
	{
		_pollSet.remove(it->second->socket());
	}
	catch (Poco::Exception&)
	{
	}
	_lingering.erase(fd);
	_connections.erase(it);
}


void ConnectionPoller::dispatch(const std::shared_ptr<HttpConnection>& connection)
{
	_server.dispatch(connection);
}


void ConnectionPoller::readable(poco_socket_t fd, Clock::time_point now)
{
	auto it = _connections.find(fd);
	if (it == _connections.end()) return;
	std::shared_ptr<HttpConnection> connection = it->second;
	if (_lingering.count(fd))
	{
		if (!connection->drainLingering()) unwatch(fd);
		return;
	}
	switch (connection->readHead(now))
	{
	case HttpConnection::Next::Wait:
		return;
	case HttpConnection::Next::Serve:
		unwatch(fd);
		dispatch(connection);
		return;
	case HttpConnection::Next::Linger:
	case HttpConnection::Next::Close:
	case HttpConnection::Next::Detached:
		unwatch(fd);
		return;
	}
}


void ConnectionPoller::takeHandedBack(Clock::time_point now)
{
	std::vector<std::pair<std::shared_ptr<HttpConnection>, HttpConnection::Next>> handedBack;
	bool stopAccepting = false;
	{
		std::lock_guard<std::mutex> lock(_mutex);
		handedBack.swap(_handedBack);
		stopAccepting = _stopAccepting;
	}
	for (auto& entry: handedBack)
	{
		std::shared_ptr<HttpConnection>& connection = entry.first;
		try
		{
			if (entry.second == HttpConnection::Next::Wait)
			{
				if (!stopAccepting) watch(connection);
			}
			else if (entry.second == HttpConnection::Next::Linger)
			{
				connection->startLingering(now);
				watch(connection);
				_lingering[connection->socket().impl()->sockfd()] = true;
			}
		}
		catch (Poco::Exception&)
		{
			unwatch(connection->socket().impl()->sockfd());
		}
	}
}


void ConnectionPoller::enforceDeadlines(Clock::time_point now)
{
	std::vector<poco_socket_t> expired;
	for (const auto& entry: _connections)
	{
		if (entry.second->deadline() <= now) expired.push_back(entry.first);
	}
	for (poco_socket_t fd: expired)
	{
		auto it = _connections.find(fd);
		if (it == _connections.end()) continue;
		std::shared_ptr<HttpConnection> connection = it->second;
		bool lingering = _lingering.count(fd) > 0;
		unwatch(fd);
		if (!lingering && connection->expire(now) == HttpConnection::Next::Serve) dispatch(connection);
	}
}


void ConnectionPoller::closeWaiting()
{
	std::vector<poco_socket_t> waiting;
	for (const auto& entry: _connections)
	{
		if (!_lingering.count(entry.first)) waiting.push_back(entry.first);
	}
	for (poco_socket_t fd: waiting) unwatch(fd);
}


} // namespace Nash
