//
// TestCall.h
//


#ifndef NashTest_TestCall_INCLUDED
#define NashTest_TestCall_INCLUDED


#include "NashUpstream/ProviderCall.h"
#include "NashUpstream/UpstreamClient.h"
#include "Poco/JSON/Object.h"
#include <memory>
#include <string>


namespace NashTest {


class TestCall
	/// A ProviderCall for translation tests, which send nothing: the stream
	/// classes fail through a call, which redacts the secret.
{
public:
	TestCall(const std::string& provider, const std::string& secret);

	NashUpstream::ProviderCall& call();

	static Poco::JSON::Object::Ptr json(const std::string& text);
		/// text parsed; fails the test when it is no JSON object.

private:
	std::unique_ptr<NashUpstream::UpstreamClient> _client;
	std::unique_ptr<NashUpstream::ProviderCall> _call;
};


} // namespace NashTest


#endif // NashTest_TestCall_INCLUDED
