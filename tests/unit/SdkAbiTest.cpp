//
// SdkAbiTest.cpp
//
// The SDK version must change whenever the SDK headers change: a plugin
// built against other headers has another ABI. sdk/abi-versions.txt lists
// each version with the digest of the headers it stands for; this test
// fails when the headers no longer match the digest of the current version.
//


#include "TestEnvironment.h"
#include "Nash/SdkVersion.h"
#include "Poco/DigestStream.h"
#include "Poco/DirectoryIterator.h"
#include "Poco/FileStream.h"
#include "Poco/SHA1Engine.h"
#include "Poco/StreamCopier.h"
#include <algorithm>
#include <cppunit/extensions/HelperMacros.h>
#include <map>
#include <set>
#include <sstream>


namespace {


std::string headersDigest()
{
	std::string folder = NashTest::sourceDir() + "/sdk/include/Nash";
	std::vector<std::string> names;
	for (Poco::DirectoryIterator it(folder), end; it != end; ++it)
	{
		if (it.name().size() > 2 && it.name().compare(it.name().size() - 2, 2, ".h") == 0) names.push_back(it.name());
	}
	std::sort(names.begin(), names.end());
	Poco::SHA1Engine engine;
	Poco::DigestOutputStream digest(engine);
	for (const auto& name: names)
	{
		Poco::FileInputStream in(folder + "/" + name);
		std::string text;
		Poco::StreamCopier::copyToString(in, text);
		// Line endings do not change an ABI.
		text.erase(std::remove(text.begin(), text.end(), '\r'), text.end());
		digest << name << '\n' << text << '\n';
	}
	digest.flush();
	return Poco::DigestEngine::digestToHex(engine.digest());
}


} // namespace


class SdkAbiTest: public CppUnit::TestFixture
{
	CPPUNIT_TEST_SUITE(SdkAbiTest);
	CPPUNIT_TEST(testHeadersMatchTheRecordedDigestOfThisVersion);
	CPPUNIT_TEST_SUITE_END();

public:
	void testHeadersMatchTheRecordedDigestOfThisVersion()
	{
		Poco::FileInputStream in(NashTest::sourceDir() + "/sdk/abi-versions.txt");
		std::map<int, std::string> recorded;
		std::set<std::string> digests;
		std::string line;
		while (std::getline(in, line))
		{
			if (line.empty() || line[0] == '#') continue;
			std::istringstream fields(line);
			int version = 0;
			std::string digest;
			fields >> version >> digest;
			CPPUNIT_ASSERT_MESSAGE("version " + std::to_string(version) + " is recorded twice", recorded.count(version) == 0);
			CPPUNIT_ASSERT_MESSAGE("digest " + digest + " is recorded for two versions", digests.insert(digest).second);
			recorded[version] = digest;
		}
		std::string current = headersDigest();
		CPPUNIT_ASSERT_MESSAGE("sdk/abi-versions.txt has no line for NASH_SDK_VERSION " + std::to_string(NASH_SDK_VERSION) +
			"; the headers' digest is " + current, recorded.count(NASH_SDK_VERSION) == 1);
		CPPUNIT_ASSERT_MESSAGE("The SDK headers changed but NASH_SDK_VERSION did not: bump it in SdkVersion.h and add the line \"" +
			std::to_string(NASH_SDK_VERSION + 1) + " <digest>\" to sdk/abi-versions.txt (the headers' digest is then printed here; now it is " + current + ")",
			recorded[NASH_SDK_VERSION] == current);
	}
};


CPPUNIT_TEST_SUITE_REGISTRATION(SdkAbiTest);
