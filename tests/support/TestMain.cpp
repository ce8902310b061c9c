//
// TestMain.cpp
//
// The runner shared by every suite: runs all registered fixtures, or only
// those named on the command line (e.g. "ChatStreamTest::testWarning").
//


#include "SanitizerReports.h"
#include <cppunit/BriefTestProgressListener.h>
#include <cppunit/CompilerOutputter.h>
#include <cppunit/TestResult.h>
#include <cppunit/TestResultCollector.h>
#include <cppunit/TestRunner.h>
#include <cppunit/extensions/TestFactoryRegistry.h>
#include <iostream>


int main(int argc, char** argv)
{
	NashTest::reportToStandardError();
	CppUnit::TestResult controller;
	CppUnit::TestResultCollector collector;
	controller.addListener(&collector);
	CppUnit::BriefTestProgressListener progress;
	controller.addListener(&progress);

	{
		// Scoped so that the fixtures, and the child processes they hold, are
		// gone before the sanitizer reports of those children are looked at.
		CppUnit::TestRunner runner;
		runner.addTest(CppUnit::TestFactoryRegistry::getRegistry().makeTest());
		if (argc > 1)
		{
			for (int i = 1; i < argc; ++i) runner.run(controller, argv[i]);
		}
		else
		{
			runner.run(controller);
		}
		// The failures refer to their tests: written while those still exist.
		CppUnit::CompilerOutputter outputter(&collector, std::cerr);
		outputter.write();
	}

	int failed = collector.testErrors() + collector.testFailures();
	std::cout << (collector.runTests() - failed) << " passed, " << failed << " failed" << std::endl;
	std::vector<std::string> reports = NashTest::sanitizerReports();
	for (const auto& report: reports) std::cerr << "Sanitizer report of a child process, " << report << std::endl;
	if (!reports.empty()) std::cout << reports.size() << " sanitizer report(s) of child processes" << std::endl;
	return collector.wasSuccessful() && collector.runTests() > 0 && reports.empty() ? 0 : 1;
}
