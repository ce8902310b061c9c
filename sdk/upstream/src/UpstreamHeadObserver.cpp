//
// UpstreamHeadObserver.cpp
//


#include "NashUpstream/UpstreamHeadObserver.h"


namespace NashUpstream {


UpstreamHeadObserver::~UpstreamHeadObserver() = default;


void UpstreamHeadObserver::notify(Nash::ChatEventSink& sink, const UpstreamExchange& exchange)
{
	// A cross cast: the sink's class derives from both. The server and each
	// plugin hold a copy of this class's type_info of their own (NashUpstream
	// is linked statically into each, and plugins are loaded RTLD_LOCAL);
	// the Itanium C++ runtime (libstdc++) compares the type_infos of classes
	// with external linkage by name, so a plugin's cast still recognizes the
	// server's observer.
	if (auto* observer = dynamic_cast<UpstreamHeadObserver*>(&sink))
		observer->upstreamHead(exchange.status(), exchange.headers());
}


} // namespace NashUpstream
