//
// McpServerSettings.h
//
// The configuration of one MCP server, read once at start from the ini file
// or from a --mcp-config JSON file, and handed to McpManager.
//


#ifndef Nash_McpServerSettings_INCLUDED
#define Nash_McpServerSettings_INCLUDED


#include "McpElicitation.h"
#include "Poco/AutoPtr.h"
#include "Poco/Util/AbstractConfiguration.h"
#include <chrono>
#include <string>
#include <vector>


namespace Nash {


struct McpServerSettings
	/// One MCP server: how to reach it (the transport plugin and its
	/// section) and how patient to be with it.
	///
	/// Ini form, one group of keys per server below "mcp.<name>.":
	///
	///     [mcp.demo]
	///     transport = stdio          (stdio | http | sse, or a plugin name)
	///     command = mcp_demo_server
	///     args = --flag "two words"  (one line split like a shell, or
	///                                 args.0 = --flag, args.1 = two words ...)
	///     env.API_KEY = ${API_KEY}   (${VAR} comes from our environment)
	///     show_args = false          (true: messages show the arguments)
	///     cwd = /some/folder
	///     url = http://127.0.0.1:3001/mcp        (http and sse)
	///     headers.Authorization = Bearer ${TOKEN}
	///     enabled = true
	///     timeout = 60               (seconds for tools/call)
	///     request_timeout = 10       (seconds for every other request)
	///     restart_backoff = 1        (seconds before the 2nd restart attempt)
	///     restart_backoff_max = 60   (the back-off doubles up to this)
	///     elicitation = none         (none | decline | defaults)
	///
	/// Without "transport", a server with "url" is http, otherwise stdio.
	/// "plugin = <name>" names another transport plugin explicitly.
{
	std::string name;
		/// The server's name, as in "mcp.<name>" and the "server" fields.

	std::string transport = "stdio";
		/// What the configuration said: stdio, http, sse or a plugin name.

	std::string plugin = "mcp_stdio";
		/// The transport plugin that carries the messages.

	bool enabled = true;

	std::chrono::milliseconds requestTimeout{10000};
		/// initialize, the list methods, ping, prompts and resources.

	std::chrono::milliseconds toolTimeout{60000};
		/// tools/call.

	std::chrono::milliseconds restartBackoff{1000};
		/// After a failed restart the next one waits this long, doubled on
		/// every further failure up to restartBackoffMax. The first restart
		/// after a death is immediate.

	std::chrono::milliseconds restartBackoffMax{60000};

	ElicitationPolicy elicitation = ElicitationPolicy::None;
		/// How the server's elicitation/create is answered (see
		/// McpElicitation.h). Not declared unless configured.

	Poco::AutoPtr<Poco::Util::AbstractConfiguration> transportConfig;
		/// The section handed to McpTransport::configure(): command, args.N,
		/// env.NAME, cwd, url, headers.NAME, already with ${VAR} expanded in
		/// env and header values. Never shown by health() (it holds secrets).

	static std::vector<McpServerSettings> fromConfiguration(const Poco::Util::AbstractConfiguration& config, const std::string& prefix = "mcp");
		/// Reads every "<prefix>.<name>" group of config, ordered by name.
		/// Throws Poco::InvalidArgumentException naming the key when a value
		/// is unusable.

	static std::vector<McpServerSettings> fromJson(const std::string& text, const std::string& origin = "MCP config");
		/// Reads {"mcpServers": {"<name>": {...}}} (the format other MCP
		/// clients keep): "command", "args", "env", "cwd" for stdio servers,
		/// "type": "http" | "sse" (also "streamable-http", "streamableHttp",
		/// "stdio"), "url", "headers" for remote ones, and optional "timeout"
		/// (seconds, tool calls), "disabled": true and "elicitation" (as in
		/// the ini). Throws
		/// Poco::DataFormatException naming origin and the key when the text
		/// is not that.

	static std::vector<McpServerSettings> fromJsonFile(const std::string& path);
		/// Reads the file at path with fromJson(). Throws
		/// Poco::FileNotFoundException or Poco::DataFormatException.

	static McpServerSettings stdioServer(const std::string& name, const std::string& command, const std::vector<std::string>& args = {});
		/// A stdio server with the default timeouts: for built-in defaults
		/// such as the demo server beside the binary
		/// (stdioServer("demo", "<bin>/mcp_demo_server")).

	static std::string expandEnvironment(const std::string& value);
		/// Replaces every ${NAME} in value with the environment variable NAME
		/// (empty when it is not set). "$${" stays a literal "${". The same
		/// as EnvironmentExpansion::expand(), which the plugins use.

	static std::vector<std::string> splitCommandLine(const std::string& line);
		/// Splits one line into arguments at blanks; single and double quotes
		/// group, a backslash escapes the next character (outside single
		/// quotes). Throws Poco::SyntaxException on an unclosed quote.

	static std::string pluginForTransport(const std::string& transport);
		/// "stdio" -> "mcp_stdio"; "http", "sse", "streamable-http",
		/// "streamableHttp" -> "mcp_http"; anything else is taken as a plugin
		/// name as it is.
};


} // namespace Nash


#endif // Nash_McpServerSettings_INCLUDED
