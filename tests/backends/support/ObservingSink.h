//
// ObservingSink.h
//


#ifndef NashTest_ObservingSink_INCLUDED
#define NashTest_ObservingSink_INCLUDED


#include "RecordingSink.h"
#include "NashUpstream/UpstreamHeadObserver.h"
#include "Poco/Net/NameValueCollection.h"


namespace NashTest {


class ObservingSink: public RecordingSink, public NashUpstream::UpstreamHeadObserver
	/// A RecordingSink that also wants the upstream's status and headers, as
	/// the server's sink does: they come as the event "head", in order with
	/// the others.
{
public:
	void upstreamHead(int status, const Poco::Net::NameValueCollection& headers) override
	{
		statuses.push_back(status);
		lastHeaders = headers;
		events.push_back("head");
	}

	std::vector<int> statuses;
	Poco::Net::NameValueCollection lastHeaders;
};


} // namespace NashTest


#endif // NashTest_ObservingSink_INCLUDED
