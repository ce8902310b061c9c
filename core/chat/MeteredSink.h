//
// MeteredSink.h
//


#ifndef Nash_MeteredSink_INCLUDED
#define Nash_MeteredSink_INCLUDED


#include "core/metrics/RequestMeter.h"
#include "NashUpstream/UpstreamHeadObserver.h"
#include "Nash/ChatEventSink.h"
#include "Nash/ChatEvents.h"


namespace Nash {


class MeteredSink: public ChatEventSink, public NashUpstream::UpstreamHeadObserver
	/// Stands between a backend and the sink it streams to, for the request's
	/// meter: the backend call is a wait (RequestMeter::Wait around it), but
	/// the time spent in the sink (encoding events, writing them to the
	/// client) is the server's, so it is taken off the wait here. The last
	/// token counts the backend reported are added to the meter when this
	/// goes. Upstream heads reach the sink when it watches them.
{
public:
	MeteredSink(ChatEventSink& sink, RequestMeter* meter);
	~MeteredSink() override;
	MeteredSink(const MeteredSink&) = delete;
	MeteredSink& operator = (const MeteredSink&) = delete;

	void content(const std::string& text) override;
	void toolCallDelta(const ToolCallDelta& delta) override;
	void usage(const Usage& usage) override;
	void finish(const std::string& reason) override;
	void upstreamHead(int status, const Poco::Net::NameValueCollection& headers) override;

private:
	class Inside;

	ChatEventSink& _sink;
	RequestMeter* _meter;
	Usage _usage;
};


} // namespace Nash


#endif // Nash_MeteredSink_INCLUDED
