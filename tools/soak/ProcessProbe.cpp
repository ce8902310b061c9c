//
// ProcessProbe.cpp
//


#include "ProcessProbe.h"
#include <dirent.h>
#include <fstream>
#include <sstream>


namespace NashSoak {


ProcessProbe::ProcessProbe(int pid): _pid(pid)
{
}


int ProcessProbe::pid() const
{
	return _pid;
}


ProcessProbe::Sample ProcessProbe::sample() const
{
	Sample s;
	if (_pid <= 0 || !readStatus(_pid, s)) return s;
	s.descriptors = countDescriptors(_pid);
	s.childrenRssKiB = childrenRss(_pid);
	return s;
}


bool ProcessProbe::readStatus(int pid, Sample& sample)
{
	std::ifstream in("/proc/" + std::to_string(pid) + "/status");
	if (!in) return false;
	std::string line;
	bool zombie = false;
	while (std::getline(in, line))
	{
		std::istringstream fields(line);
		std::string key;
		fields >> key;
		if (key == "VmRSS:") fields >> sample.rssKiB;
		else if (key == "VmHWM:") fields >> sample.peakRssKiB;
		else if (key == "Threads:") fields >> sample.threads;
		else if (key == "State:")
		{
			std::string state;
			fields >> state;
			zombie = state == "Z" || state == "X";
		}
	}
	sample.alive = !zombie;
	return true;
}


int ProcessProbe::countDescriptors(int pid)
{
	DIR* dir = opendir(("/proc/" + std::to_string(pid) + "/fd").c_str());
	if (!dir) return -1;
	int n = 0;
	while (struct dirent* entry = readdir(dir))
	{
		if (entry->d_name[0] != '.') ++n;
	}
	closedir(dir);
	return n;
}


long ProcessProbe::childrenRss(int pid)
{
	// The kernel lists a child under the thread that started it, and the
	// server may start (or restart) an MCP server from any thread.
	long total = 0;
	DIR* tasks = opendir(("/proc/" + std::to_string(pid) + "/task").c_str());
	if (!tasks) return 0;
	while (struct dirent* task = readdir(tasks))
	{
		if (task->d_name[0] == '.') continue;
		std::ifstream in("/proc/" + std::to_string(pid) + "/task/" + task->d_name + "/children");
		int child = 0;
		while (in >> child)
		{
			Sample s;
			if (readStatus(child, s)) total += s.rssKiB;
		}
	}
	closedir(tasks);
	return total;
}


} // namespace NashSoak
