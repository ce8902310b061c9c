//
// UpstreamObserver.cpp
//


#include "NashUpstream/UpstreamObserver.h"


namespace NashUpstream {


// The key functions: defined here, out of line, they give each class's
// vtable and type_info one home in each binary that links NashUpstream, so
// that the server's dynamic_cast to ObservableUpstream recognizes a plugin's
// backend (see UpstreamHeadObserver.cpp).


UpstreamObserver::~UpstreamObserver() = default;


ObservableUpstream::~ObservableUpstream() = default;


} // namespace NashUpstream
