//
// SoakSettings.h
//
// What one soak run does, from the command line.
//


#ifndef NashSoak_SoakSettings_INCLUDED
#define NashSoak_SoakSettings_INCLUDED


#include <string>


namespace NashSoak {


struct SoakSettings
{
	std::string host = "127.0.0.1";
	int port = 0;
	int pid = 0;
		/// The server process whose memory, threads and descriptors are sampled.
	int concurrency = 64;
	double seconds = 180;
		/// The measured load, after the warm-up.
	double warmupSeconds = 10;
	double reportSeconds = 10;
	double timeoutSeconds = 30;
		/// Connect, send and receive timeouts of every request.
	unsigned seed = 1;
	std::string model = "echo";
		/// An echo backend without delay.
	std::string slowModel = "slow";
		/// An echo backend with a delay between words, so that a stream lasts
		/// long enough to be left in the middle.
	std::string echoPrefix = "Echo: ";
	std::string mcpServer = "demo";
	double rssMarginPercent = 10;
	double rssMarginMiB = 16;
	std::string jsonPath;
	std::string markdownPath;
};


} // namespace NashSoak


#endif // NashSoak_SoakSettings_INCLUDED
