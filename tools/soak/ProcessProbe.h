//
// ProcessProbe.h
//
// Memory, threads and descriptors of a process, from Linux's /proc.
//


#ifndef NashSoak_ProcessProbe_INCLUDED
#define NashSoak_ProcessProbe_INCLUDED


#include <string>


namespace NashSoak {


class ProcessProbe
{
public:
	struct Sample
	{
		double seconds = 0;
			/// Since the start of the measured load; negative in the warm-up.
		std::string label;
			/// "start", "middle", "end", "after", or empty for a periodic one.
		bool alive = false;
		long rssKiB = 0;
		long peakRssKiB = 0;
			/// VmHWM: the highest RSS since the process started.
		int threads = 0;
		int descriptors = -1;
			/// -1 when /proc/<pid>/fd cannot be read.
		long childrenRssKiB = 0;
			/// The direct children (the MCP servers), when the kernel lists them.
	};

	explicit ProcessProbe(int pid);

	Sample sample() const;

	int pid() const;

private:
	static bool readStatus(int pid, Sample& sample);
	static int countDescriptors(int pid);
	static long childrenRss(int pid);

	int _pid;
};


} // namespace NashSoak


#endif // NashSoak_ProcessProbe_INCLUDED
