//
// main.cpp
//
// mcp_demo_server [--page-size=N] [--test-tools] [--protocol-version=V]
//                 [--silent] [--banner]
//
// The flags other than --page-size exist for the tests; see DemoServer.h.
//


#include "DemoServer.h"
#include "Poco/NumberParser.h"
#include <iostream>
#include <string>


int main(int argc, char** argv)
{
	std::ios::sync_with_stdio(false);
	Nash::DemoServer::Options options;
	for (int i = 1; i < argc; ++i)
	{
		std::string arg = argv[i];
		int value = 0;
		if (arg == "--test-tools") options.testTools = true;
		else if (arg == "--silent") options.silent = true;
		else if (arg == "--banner") options.banner = true;
		else if (arg.compare(0, 12, "--page-size=") == 0 && Poco::NumberParser::tryParse(arg.substr(12), value) && value >= 0) options.pageSize = value;
		else if (arg.compare(0, 19, "--protocol-version=") == 0) options.forcedVersion = arg.substr(19);
		else
		{
			std::cerr << "usage: mcp_demo_server [--page-size=N] [--test-tools] [--protocol-version=V] [--silent] [--banner]" << std::endl;
			return 2;
		}
	}
	Nash::DemoServer server(options, std::cin, std::cout, std::cerr);
	return server.run();
}
