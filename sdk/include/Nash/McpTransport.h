//
// McpTransport.h
//


#ifndef Nash_McpTransport_INCLUDED
#define Nash_McpTransport_INCLUDED


#include "Poco/Util/AbstractConfiguration.h"
#include <string>


namespace Nash {


class McpTransportListener
	/// Receives what arrives from an MCP server. Implemented by the server's
	/// MCP client; called from the transport's own threads.
{
public:
	virtual ~McpTransportListener() = default;

	virtual void messageReceived(const std::string& message) = 0;
		/// One complete JSON-RPC message (request, notification or response)
		/// as UTF-8 JSON text, in the order it arrived.

	virtual void transportClosed(const std::string& reason) = 0;
		/// The peer went away (process exited, connection lost). Called once;
		/// no message follows it. Not called for a close that stop() began.
};


class McpTransport
	/// Carries JSON-RPC messages to and from one MCP server: a child process
	/// over stdio, a Streamable HTTP endpoint, or anything else a plugin
	/// provides. It knows nothing of MCP's methods; framing only.
	///
	/// Lifecycle: configure() once, then start() and stop(), possibly several
	/// times (a server that died is started again). send() may be called from
	/// many threads at once.
{
public:
	virtual ~McpTransport() = default;

	virtual void configure(const std::string& serverName, const Poco::Util::AbstractConfiguration& section) = 0;
		/// Reads the MCP server's configuration section (keys relative to it:
		/// command, args, env, cwd, url, headers ...). Throws a Poco::Exception
		/// naming the key when it is unusable.

	virtual void start(McpTransportListener& listener) = 0;
		/// Connects or spawns, and begins delivering messages to listener,
		/// which must outlive the transport's next stop(). Throws a
		/// Poco::Exception when the server cannot be reached or started.

	virtual void send(const std::string& message) = 0;
		/// Sends one JSON-RPC message (JSON text without a trailing newline).
		/// Throws Poco::IOException when the transport is not open.

	virtual void stop() = 0;
		/// Closes the connection or ends the child process and waits for the
		/// transport's threads. Safe to call when not started.

	virtual bool isOpen() const = 0;
		/// True between a successful start() and stop() or transportClosed().

	virtual void setProtocolVersion(const std::string& version)
		/// The MCP protocol version the client negotiated; HTTP transports send
		/// it with every later request. Ignored by default.
	{
		(void) version;
	}
};


} // namespace Nash


#endif // Nash_McpTransport_INCLUDED
