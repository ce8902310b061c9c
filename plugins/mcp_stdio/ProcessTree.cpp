//
// ProcessTree.cpp
//


#include "ProcessTree.h"
#include <algorithm>
#include <thread>

#if defined(__linux__)
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <dirent.h>
#include <map>
#include <set>
#include <signal.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>
#endif


namespace Nash {


namespace {


#if defined(__linux__)


struct Stat
{
	int pid = 0;
	int ppid = 0;
	char state = 0;
	unsigned long long startTime = 0;
};


bool readStat(int pid, Stat& stat)
	/// Parses /proc/<pid>/stat. The command name (field 2) may hold blanks
	/// and parentheses, so the fields are counted from its last ')'.
{
	char path[64];
	std::snprintf(path, sizeof(path), "/proc/%d/stat", pid);
	FILE* file = std::fopen(path, "re");
	if (!file) return false;
	char buffer[1024];
	std::size_t size = std::fread(buffer, 1, sizeof(buffer) - 1, file);
	std::fclose(file);
	buffer[size] = 0;
	const char* close = std::strrchr(buffer, ')');
	if (!close || close[1] != ' ') return false;
	const char* field = close + 2; // field 3, the state
	stat.pid = pid;
	stat.state = *field;
	for (int index = 3; index <= 22 && field && *field; ++index)
	{
		if (index == 4) stat.ppid = std::atoi(field);
		if (index == 22)
		{
			stat.startTime = std::strtoull(field, nullptr, 10);
			return true;
		}
		field = std::strchr(field, ' ');
		if (field) ++field;
	}
	return false;
}


std::vector<int> allPids()
{
	std::vector<int> pids;
	DIR* dir = ::opendir("/proc");
	if (!dir) return pids;
	while (struct dirent* entry = ::readdir(dir))
	{
		char* end = nullptr;
		long pid = std::strtol(entry->d_name, &end, 10);
		if (end && *end == 0 && pid > 0) pids.push_back(static_cast<int>(pid));
	}
	::closedir(dir);
	return pids;
}


bool isAlive(const ProcessTree::Process& process)
{
	Stat stat;
	if (!readStat(process.pid, stat)) return false;
	// A zombie has ended; whoever adopted it has yet to reap it (an init
	// that never reaps keeps it forever).
	return stat.startTime == process.startTime && stat.state != 'Z' && stat.state != 'X';
}


void signalAll(const std::vector<ProcessTree::Process>& processes, int number)
{
	for (const auto& process: processes)
	{
		if (isAlive(process)) ::kill(process.pid, number);
	}
}


#endif


} // namespace


bool ProcessTree::supported()
{
#if defined(__linux__)
	return true;
#else
	return false;
#endif
}


std::vector<ProcessTree::Process> ProcessTree::descendants(int pid)
{
	std::vector<Process> result;
#if defined(__linux__)
	if (pid <= 0) return result;
	std::multimap<int, Stat> children;
	for (int candidate: allPids())
	{
		Stat stat;
		if (readStat(candidate, stat) && stat.state != 'Z' && stat.state != 'X') children.emplace(stat.ppid, stat);
	}
	// Breadth first, then reversed: the deepest come first, so that a
	// wrapper never sees its child die and starts another meanwhile.
	std::vector<int> queue{pid};
	std::set<int> seen{pid};
	for (std::size_t i = 0; i < queue.size(); ++i)
	{
		auto range = children.equal_range(queue[i]);
		for (auto it = range.first; it != range.second; ++it)
		{
			if (!seen.insert(it->second.pid).second) continue;
			queue.push_back(it->second.pid);
			Process process;
			process.pid = it->second.pid;
			process.startTime = it->second.startTime;
			result.push_back(process);
		}
	}
	std::reverse(result.begin(), result.end());
#else
	(void) pid;
#endif
	return result;
}


std::vector<std::string> ProcessTree::pipeNames(const std::vector<int>& fds)
{
	std::vector<std::string> result;
#if defined(__linux__)
	for (int fd: fds)
	{
		struct stat info;
		if (fd >= 0 && ::fstat(fd, &info) == 0 && S_ISFIFO(info.st_mode))
			result.push_back("pipe:[" + std::to_string(info.st_ino) + "]");
	}
#else
	(void) fds;
#endif
	return result;
}


std::vector<ProcessTree::Process> ProcessTree::pipeHolders(const std::vector<std::string>& pipes)
{
	std::vector<Process> result;
#if defined(__linux__)
	std::set<std::string> targets(pipes.begin(), pipes.end());
	if (targets.empty()) return result;
	int self = static_cast<int>(::getpid());
	for (int pid: allPids())
	{
		if (pid == self) continue;
		std::string folder = "/proc/" + std::to_string(pid) + "/fd";
		DIR* dir = ::opendir(folder.c_str());
		if (!dir) continue; // gone, or not ours to look into
		bool holds = false;
		while (!holds)
		{
			struct dirent* entry = ::readdir(dir);
			if (!entry) break;
			if (entry->d_name[0] == '.') continue;
			char link[128];
			ssize_t size = ::readlinkat(::dirfd(dir), entry->d_name, link, sizeof(link) - 1);
			if (size <= 0) continue;
			link[size] = 0;
			holds = targets.count(link) > 0;
		}
		::closedir(dir);
		Stat stat;
		if (holds && readStat(pid, stat) && stat.state != 'Z' && stat.state != 'X')
		{
			Process process;
			process.pid = pid;
			process.startTime = stat.startTime;
			result.push_back(process);
		}
	}
#else
	(void) pipes;
#endif
	return result;
}


void ProcessTree::merge(std::vector<Process>& into, const std::vector<Process>& more)
{
	for (const auto& process: more)
	{
		bool known = std::any_of(into.begin(), into.end(), [&process](const Process& p)
		{
			return p.pid == process.pid && p.startTime == process.startTime;
		});
		if (!known) into.push_back(process);
	}
}


std::vector<ProcessTree::Process> ProcessTree::alive(const std::vector<Process>& processes)
{
	std::vector<Process> result;
#if defined(__linux__)
	for (const auto& process: processes)
	{
		if (isAlive(process)) result.push_back(process);
	}
#else
	(void) processes;
#endif
	return result;
}


void ProcessTree::terminate(const std::vector<Process>& processes)
{
#if defined(__linux__)
	signalAll(processes, SIGTERM);
#else
	(void) processes;
#endif
}


void ProcessTree::kill(const std::vector<Process>& processes)
{
#if defined(__linux__)
	signalAll(processes, SIGKILL);
#else
	(void) processes;
#endif
}


std::vector<ProcessTree::Process> ProcessTree::waitGone(const std::vector<Process>& processes, std::chrono::milliseconds timeout)
{
	auto deadline = std::chrono::steady_clock::now() + timeout;
	std::vector<Process> left = alive(processes);
	while (!left.empty() && std::chrono::steady_clock::now() < deadline)
	{
		std::this_thread::sleep_for(std::chrono::milliseconds(10));
		left = alive(left);
	}
	return left;
}


std::string ProcessTree::describe(const std::vector<Process>& processes)
{
	std::string text;
	for (const auto& process: processes)
	{
		if (!text.empty()) text += ", ";
		text += std::to_string(process.pid);
	}
	return text;
}


} // namespace Nash
