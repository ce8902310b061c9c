//
// FuzzJsonRpc.cpp
//
// What an MCP server may send to the client: each line of the input is one
// message (responses to requests that were never made, requests, notifications,
// garbage), delivered to a session as its transport would.
//


#include "McpSession.h"
#include "Nash/McpTransport.h"
#include <cstddef>
#include <cstdint>
#include <sstream>
#include <string>


namespace {


class NullTransport: public Nash::McpTransport
	/// Accepts whatever the session answers and forgets it.
{
public:
	void configure(const std::string&, const Poco::Util::AbstractConfiguration&) override
	{
	}

	void start(Nash::McpTransportListener&) override
	{
	}

	void send(const std::string&) override
	{
	}

	void stop() override
	{
	}

	bool isOpen() const override
	{
		return true;
	}
};


} // namespace


extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
	NullTransport transport;
	Nash::McpSession session("fuzz", transport,
		[](const std::string&, const Poco::JSON::Object::Ptr&) {},
		[](const std::string&) {});
	std::istringstream lines(std::string(reinterpret_cast<const char*>(data), size));
	std::string line;
	while (std::getline(lines, line)) session.messageReceived(line);
	session.close("fuzzing done");
	return 0;
}
