//
// main.cpp
//


#include "FakeUpstreamApplication.h"
#include <csignal>


int main(int argc, char** argv)
{
	// Faults close connections under the client's feet and clients leave
	// mid-stream: a write to such a socket must fail, not end the process.
	std::signal(SIGPIPE, SIG_IGN);
	FakeUpstream::FakeUpstreamApplication app;
	return app.run(argc, argv);
}
