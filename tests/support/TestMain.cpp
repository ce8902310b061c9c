//
// TestMain.cpp
//
// The runner shared by every suite: runs all registered fixtures, or only
// those named on the command line (e.g. "ChatStreamTest::testWarning").
//


#include <cppunit/BriefTestProgressListener.h>
#include <cppunit/CompilerOutputter.h>
#include <cppunit/TestResult.h>
#include <cppunit/TestResultCollector.h>
#include <cppunit/TestRunner.h>
#include <cppunit/extensions/TestFactoryRegistry.h>
#include <iostream>


int main(int argc, char** argv)
{
	CppUnit::TestResult controller;
	CppUnit::TestResultCollector collector;
	controller.addListener(&collector);
	CppUnit::BriefTestProgressListener progress;
	controller.addListener(&progress);

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

	CppUnit::CompilerOutputter outputter(&collector, std::cerr);
	outputter.write();
	int failed = collector.testErrors() + collector.testFailures();
	std::cout << (collector.runTests() - failed) << " passed, " << failed << " failed" << std::endl;
	return collector.wasSuccessful() && collector.runTests() > 0 ? 0 : 1;
}
