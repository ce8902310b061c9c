//
// TestCall.cpp
//


#include "TestCall.h"
#include "Poco/JSON/Parser.h"
#include <cppunit/extensions/HelperMacros.h>


namespace NashTest {


TestCall::TestCall(const std::string& provider, const std::string& secret)
{
	NashUpstream::UpstreamSettings settings;
	settings.baseUri = Poco::URI("http://127.0.0.1:9");
	_client.reset(new NashUpstream::UpstreamClient(settings));
	_call.reset(new NashUpstream::ProviderCall(*_client, provider, {secret}));
}


NashUpstream::ProviderCall& TestCall::call()
{
	return *_call;
}


Poco::JSON::Object::Ptr TestCall::json(const std::string& text)
{
	Poco::JSON::Parser parser;
	Poco::Dynamic::Var parsed = parser.parse(text);
	CPPUNIT_ASSERT(parsed.type() == typeid(Poco::JSON::Object::Ptr));
	return parsed.extract<Poco::JSON::Object::Ptr>();
}


} // namespace NashTest
