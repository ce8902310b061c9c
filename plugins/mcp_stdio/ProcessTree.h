//
// ProcessTree.h
//
// The processes an MCP server's child started, found in /proc, so that a
// wrapper (npx, sh -c) cannot leave the real server running when we stop or
// lose it.
//


#ifndef Nash_ProcessTree_INCLUDED
#define Nash_ProcessTree_INCLUDED


#include <chrono>
#include <string>
#include <vector>


namespace Nash {


class ProcessTree
	/// Poco::Process starts the child in our process group, so a signal to
	/// the group would hit the server itself, and a signal to the child does
	/// not reach what it started. Instead the descendants are looked up
	/// while the child lives (its children are its own until it dies, then
	/// they belong to init or a subreaper and no parent link leads to them
	/// any more), and afterwards through the pipes they inherited.
	///
	/// Every process is remembered with its start time, so that a pid that
	/// was freed and reused by an unrelated process is never signalled.
	///
	/// Linux only (/proc). Elsewhere every lookup finds nothing and the
	/// signalling does nothing: there the grandchildren only get EOF on the
	/// stdin they inherited, which ends well-behaved servers.
{
public:
	struct Process
	{
		int pid = 0;
		unsigned long long startTime = 0;
			/// Clock ticks after boot (/proc/<pid>/stat field 22).
	};

	static bool supported();
		/// True where the lookups below can find anything.

	static std::vector<Process> descendants(int pid);
		/// Every living process below pid, deepest first.

	static std::vector<std::string> pipeNames(const std::vector<int>& fds);
		/// How /proc names the pipes behind fds (descriptors of ours), taken
		/// while we still have them open.

	static std::vector<Process> pipeHolders(const std::vector<std::string>& pipes);
		/// Every living process other than ours that has one of pipes open:
		/// what a dead child left behind still holds its stdin, stdout or
		/// stderr.

	static void merge(std::vector<Process>& into, const std::vector<Process>& more);
		/// Appends the processes of more that into does not have yet.

	static std::vector<Process> alive(const std::vector<Process>& processes);
		/// Those still running: neither gone nor a zombie, and the pid not
		/// reused since.

	static void terminate(const std::vector<Process>& processes);
		/// SIGTERM to each one still alive, in order.

	static void kill(const std::vector<Process>& processes);
		/// SIGKILL to each one still alive, in order.

	static std::vector<Process> waitGone(const std::vector<Process>& processes, std::chrono::milliseconds timeout);
		/// Polls until none is alive or timeout passed; returns those still
		/// alive. They are not our children, so nothing can wait for them.

	static std::string describe(const std::vector<Process>& processes);
		/// "123, 456" for log lines.
};


} // namespace Nash


#endif // Nash_ProcessTree_INCLUDED
