//
// LoopbackAuthorizationAgent.cpp
//


#include "LoopbackAuthorizationAgent.h"
#include "Poco/Exception.h"
#include "Poco/Logger.h"
#include "Poco/Net/SocketAddress.h"
#include "Poco/Net/SocketStream.h"
#include "Poco/String.h"
#include <sstream>


namespace Nash {


namespace {


const char* const DONE_PAGE =
	"<!DOCTYPE html><html><head><title>Authorization</title></head>"
	"<body><p>The authorization went back to the gateway. This window can be closed.</p></body></html>";


void answer(Poco::Net::StreamSocket& client, int status, const std::string& reason, const std::string& body)
{
	std::ostringstream out;
	out << "HTTP/1.1 " << status << ' ' << reason << "\r\n"
		<< "Content-Type: text/html; charset=utf-8\r\n"
		<< "Cache-Control: no-store\r\n"
		<< "Connection: close\r\n"
		<< "Content-Length: " << body.size() << "\r\n\r\n" << body;
	std::string text = out.str();
	client.sendBytes(text.data(), static_cast<int>(text.size()));
}


} // namespace


LoopbackAuthorizationAgent::LoopbackAuthorizationAgent()
{
}


LoopbackAuthorizationAgent::~LoopbackAuthorizationAgent()
{
	std::unique_lock<std::mutex> lock(_mutex);
	close(lock);
}


void LoopbackAuthorizationAgent::open(const Request& request)
	/// Called with _mutex held and no listener running.
{
	std::string host = Poco::toLower(request.redirectUri.getHost());
	std::string address = "0.0.0.0";
	if (host == "127.0.0.1" || host == "localhost") address = "127.0.0.1";
	else if (host == "::1") address = "::1";
	auto socket = std::make_shared<Poco::Net::ServerSocket>();
	socket->bind(Poco::Net::SocketAddress(address, request.redirectUri.getPort()), true);
	socket->listen(8);
	_socket = socket;
	_closing = false;
	_redirect.clear();
	_pendingUrl = request.authorizationUrl.toString();
	_deadline = std::chrono::steady_clock::now() + request.timeout;
	_thread = std::thread(&LoopbackAuthorizationAgent::accept, this, socket, request);
	Poco::Logger::get("Nash.Mcp." + request.serverName).warning("MCP server %s needs authorization: open %s", request.serverName, _pendingUrl);
}


void LoopbackAuthorizationAgent::close(std::unique_lock<std::mutex>& lock)
{
	_closing = true;
	std::thread thread;
	thread.swap(_thread);
	lock.unlock();
	_condition.notify_all();
	if (thread.joinable()) thread.join();
	lock.lock();
	_socket.reset();
	_pendingUrl.clear();
}


void LoopbackAuthorizationAgent::accept(std::shared_ptr<Poco::Net::ServerSocket> socket, Request request)
	/// The listener's thread: until the redirect came, the deadline passed
	/// or close() was called.
{
	Poco::Logger& logger = Poco::Logger::get("Nash.Mcp." + request.serverName);
	for (;;)
	{
		{
			std::lock_guard<std::mutex> lock(_mutex);
			if (_closing || std::chrono::steady_clock::now() >= _deadline) break;
		}
		try
		{
			if (!socket->poll(Poco::Timespan(0, 200000), Poco::Net::Socket::SELECT_READ)) continue;
			Poco::Net::StreamSocket client = socket->acceptConnection();
			std::string redirect;
			if (serve(client, request, redirect))
			{
				std::lock_guard<std::mutex> lock(_mutex);
				_redirect = redirect;
				break;
			}
		}
		catch (Poco::Exception& exc)
		{
			logger.debug("MCP server %s: a connection to the redirect listener failed: %s", request.serverName, exc.displayText());
		}
	}
	try
	{
		socket->close();
	}
	catch (Poco::Exception&)
	{
	}
	_condition.notify_all();
}


bool LoopbackAuthorizationAgent::serve(Poco::Net::StreamSocket& client, const Request& request, std::string& redirect)
	/// Reads one request of the browser. True when it was the redirect.
{
	client.setReceiveTimeout(Poco::Timespan(5, 0));
	Poco::Net::SocketStream stream(client);
	std::string line;
	if (!std::getline(stream, line)) return false;
	if (!line.empty() && line.back() == '\r') line.pop_back();
	std::string header;
	while (std::getline(stream, header) && header != "\r" && !header.empty())
	{
	}
	std::istringstream words(line);
	std::string method;
	std::string target;
	words >> method >> target;
	Poco::URI received;
	try
	{
		received = Poco::URI(target);
	}
	catch (Poco::SyntaxException&)
	{
		answer(client, 400, "Bad Request", "");
		return false;
	}
	std::string expectedPath = request.redirectUri.getPath().empty() ? "/" : request.redirectUri.getPath();
	if (method != "GET" || received.getPath() != expectedPath || received.getRawQuery().empty())
	{
		// Browsers also ask for /favicon.ico and the like.
		answer(client, 404, "Not Found", "");
		return false;
	}
	answer(client, 200, "OK", DONE_PAGE);
	Poco::URI result(request.redirectUri);
	result.setRawQuery(received.getRawQuery());
	redirect = result.toString();
	return true;
}


std::string LoopbackAuthorizationAgent::authorize(const Request& request)
{
	std::unique_lock<std::mutex> lock(_mutex);
	bool same = _pendingUrl == request.authorizationUrl.toString();
	if (same && !_redirect.empty())
	{
		std::string redirect;
		redirect.swap(_redirect);
		close(lock);
		return redirect;
	}
	if (!same || !_socket || std::chrono::steady_clock::now() >= _deadline)
	{
		close(lock);
		open(request);
	}
	for (;;)
	{
		if (!_redirect.empty())
		{
			std::string redirect;
			redirect.swap(_redirect);
			close(lock);
			return redirect;
		}
		if (std::chrono::steady_clock::now() >= _deadline)
		{
			close(lock);
			throw Poco::TimeoutException("nobody completed the authorization in time");
		}
		if (request.cancelled && request.cancelled()) return std::string();
		_condition.wait_for(lock, std::chrono::milliseconds(250));
	}
}


} // namespace Nash
