//
// RecordingObserver.h
//
// An McpObserver that keeps what it was told, for the tests of what the MCP
// client reports.
//


#ifndef NashTest_RecordingObserver_INCLUDED
#define NashTest_RecordingObserver_INCLUDED


#include "McpObserver.h"
#include <mutex>
#include <string>
#include <vector>


namespace NashTest {


class RecordingObserver: public Nash::McpObserver
{
public:
	struct Call
	{
		std::string server;
		std::string method;
		std::string outcome;
		double seconds;
	};

	struct ToolCall
	{
		std::string server;
		std::string tool;
		std::string outcome;
	};

	void mcpCall(const std::string& server, const std::string& method, const std::string& outcome, double seconds) override
	{
		std::lock_guard<std::mutex> lock(_mutex);
		_calls.push_back({server, method, outcome, seconds});
	}

	void mcpRestart(const std::string& server) override
	{
		std::lock_guard<std::mutex> lock(_mutex);
		_restarts.push_back(server);
	}

	void mcpToolCall(const std::string& server, const std::string& tool, const std::string& outcome) override
	{
		std::lock_guard<std::mutex> lock(_mutex);
		_toolCalls.push_back({server, tool, outcome});
	}

	std::vector<Call> calls(const std::string& method) const
		/// The calls of method, in the order they were reported.
	{
		std::lock_guard<std::mutex> lock(_mutex);
		std::vector<Call> result;
		for (const auto& call: _calls)
		{
			if (call.method == method) result.push_back(call);
		}
		return result;
	}

	std::vector<Call> allCalls() const
	{
		std::lock_guard<std::mutex> lock(_mutex);
		return _calls;
	}

	std::vector<std::string> restarts() const
	{
		std::lock_guard<std::mutex> lock(_mutex);
		return _restarts;
	}

	std::vector<ToolCall> toolCalls() const
	{
		std::lock_guard<std::mutex> lock(_mutex);
		return _toolCalls;
	}

private:
	mutable std::mutex _mutex;
	std::vector<Call> _calls;
	std::vector<std::string> _restarts;
	std::vector<ToolCall> _toolCalls;
};


} // namespace NashTest


#endif // NashTest_RecordingObserver_INCLUDED
