//
// ChatOutcome.h
//


#ifndef Nash_ChatOutcome_INCLUDED
#define Nash_ChatOutcome_INCLUDED


#include "core/http/ErrorResponder.h"


namespace Nash {


struct ChatOutcome
	/// How a backend's answer ended.
{
	bool complete = true;
		/// The backend finished and nothing cut the answer short.
	ErrorReply error;
		/// When not complete: what went wrong, its kind and message.
	int upstreamStatus = 0;
		/// The provider's HTTP status when it refused the request (the
		/// code of a BackendException), else 0.
};


} // namespace Nash


#endif // Nash_ChatOutcome_INCLUDED
