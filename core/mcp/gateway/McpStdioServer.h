//
// McpStdioServer.h
//
// The MCP gateway over standard input and output (llm_server --mcp-stdio):
// a desktop client's mcpServers entry starts the gateway itself.
//


#ifndef Nash_McpStdioServer_INCLUDED
#define Nash_McpStdioServer_INCLUDED


#include "core/mcp/gateway/McpGateway.h"
#include "Nash/CancellationToken.h"
#include "Poco/Logger.h"
#include <atomic>
#include <cstddef>
#include <istream>
#include <list>
#include <map>
#include <memory>
#include <mutex>
#include <ostream>
#include <string>
#include <thread>


namespace Nash {


class McpStdioServer: public McpGateway::Sink
	/// Reads JSON-RPC messages from in, one a line (the stdio transport of
	/// MCP), and writes the answers, and what the servers send for the
	/// client, to out, one a line.
	///
	/// Each request runs on a thread of its own, so that the client may
	/// cancel it (notifications/cancelled), answer a server's request made
	/// during it, or send other requests meanwhile. A line longer than
	/// maxLineBytes is answered with a JSON-RPC error and skipped.
{
public:
	McpStdioServer(McpGateway& gateway, std::istream& in, std::ostream& out, std::size_t maxLineBytes);
	~McpStdioServer() override;

	void run();
		/// Serves until in ends, then cancels what still runs and waits for it.

	void send(const Poco::JSON::Object::Ptr& message) override;

	static const std::string CALLER_KEY;

private:
	bool readLine(std::string& line, bool& tooLong);
	void handle(const Poco::JSON::Object::Ptr& message);
	void write(const std::string& json);
	void reapWorkers();
		/// Joins the threads of the requests answered.

	McpGateway& _gateway;
	std::istream& _in;
	std::ostream& _out;
	std::size_t _maxLineBytes;
	Poco::Logger& _logger;

	std::mutex _writeMutex;
	std::mutex _mutex;
		// Guards _caller and _inFlight.
	McpGateway::Caller _caller;
	std::map<std::string, std::shared_ptr<CancellationToken>> _inFlight;
	struct Worker
	{
		std::thread thread;
		std::shared_ptr<std::atomic<bool>> done;
	};
	std::list<Worker> _workers;
		// The reading thread's only.
};


} // namespace Nash


#endif // Nash_McpStdioServer_INCLUDED
