//
// UpstreamHeadObserver.h
//


#ifndef NashUpstream_UpstreamHeadObserver_INCLUDED
#define NashUpstream_UpstreamHeadObserver_INCLUDED


#include "NashUpstream/UpstreamClient.h"
#include "Nash/ChatEventSink.h"
#include "Poco/Net/NameValueCollection.h"


namespace NashUpstream {


class UpstreamHeadObserver
	/// What a Nash::ChatEventSink may implement besides to learn how the
	/// upstream answered: a sink that also derives from this class is told
	/// the status and headers of each upstream answer a backend streams from,
	/// before the answer's events. The server reads the provider's rate-limit
	/// headers (anthropic-ratelimit-*, x-ratelimit-*) this way.
	///
	/// This is not part of the plugin ABI (sdk/include/Nash), which stays as
	/// it is: a backend finds the interface with a dynamic_cast, so a plugin
	/// built without it simply does not report, and a sink without it is
	/// simply not told. Only 2xx answers are reported; an error answer
	/// becomes the backend's exception instead.
{
public:
	virtual ~UpstreamHeadObserver();
		/// Defined out of line: the key function, which gives the class's
		/// type_info one home in each binary that links NashUpstream.

	virtual void upstreamHead(int status, const Poco::Net::NameValueCollection& headers) = 0;
		/// The upstream's status and headers, called on the thread that
		/// streams, before the first event of the answer. Should not throw:
		/// an exception ends the call as a failure of the backend.

	static void notify(Nash::ChatEventSink& sink, const UpstreamExchange& exchange);
		/// Tells sink the status and headers of exchange when it implements
		/// this interface; does nothing otherwise. Backends call it right
		/// after the exchange opened.
};


} // namespace NashUpstream


#endif // NashUpstream_UpstreamHeadObserver_INCLUDED
