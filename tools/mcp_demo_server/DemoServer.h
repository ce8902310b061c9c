//
// DemoServer.h
//
// A small MCP server speaking stdio, shipped with nash-llm-server so that the
// default configuration has tools to list on a fresh machine, and used by
// the tests as a real server behind the real stdio transport.
//


#ifndef Nash_DemoServer_INCLUDED
#define Nash_DemoServer_INCLUDED


#include "Poco/JSON/Object.h"
#include <iosfwd>
#include <string>
#include <vector>


namespace Nash {


class DemoServer
	/// Reads one JSON-RPC message per line from in, writes one per line to
	/// out. Tools: echo, add, current_time, list_directory. Bad tool input is
	/// a tool error (isError), an unknown tool a JSON-RPC error (-32602).
{
public:
	struct Options
	{
		bool testTools = false;
			/// Adds crash, hang, pid, big and stderr_burst, which only tests want.
		int pageSize = 0;
			/// tools/list pages of this many tools (0: one page).
		std::string forcedVersion;
			/// Answer initialize with this version, whatever was asked.
		bool silent = false;
			/// Never answer anything (a server that hangs at start).
		bool banner = false;
			/// Write a line that is not JSON before anything else.
	};

	DemoServer(const Options& options, std::istream& in, std::ostream& out, std::ostream& log);

	int run();
		/// Serves until in ends; returns the exit code.

	static const std::vector<std::string>& supportedVersions();

private:
	void handle(const std::string& line);
	Poco::JSON::Object::Ptr dispatch(const std::string& method, const Poco::JSON::Object::Ptr& params, bool& answer);
	Poco::JSON::Object::Ptr initialize(const Poco::JSON::Object::Ptr& params);
	Poco::JSON::Object::Ptr listTools(const Poco::JSON::Object::Ptr& params);
	Poco::JSON::Object::Ptr callTool(const Poco::JSON::Object::Ptr& params, bool& answer);
	Poco::JSON::Array::Ptr tools() const;
	void write(const Poco::JSON::Object::Ptr& message);

	Options _options;
	std::istream& _in;
	std::ostream& _out;
	std::ostream& _log;
};


} // namespace Nash


#endif // Nash_DemoServer_INCLUDED
