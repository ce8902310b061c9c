//
// FakeUpstreamApplication.h
//


#ifndef FakeUpstream_FakeUpstreamApplication_INCLUDED
#define FakeUpstream_FakeUpstreamApplication_INCLUDED


#include "Poco/Util/ServerApplication.h"


namespace FakeUpstream {


class FakeUpstreamApplication: public Poco::Util::ServerApplication
	/// The fake_upstream program: serves the OpenAI, Anthropic and Ollama chat
	/// APIs on a loopback port with canned answers and the faults that the
	/// model name asks for (see Scenario), until asked to stop.
{
public:
	FakeUpstreamApplication();

protected:
	void defineOptions(Poco::Util::OptionSet& options) override;
	int main(const ArgVec& args) override;

private:
	void handleHelp(const std::string& name, const std::string& value);

	bool _helpRequested = false;
};


} // namespace FakeUpstream


#endif // FakeUpstream_FakeUpstreamApplication_INCLUDED
