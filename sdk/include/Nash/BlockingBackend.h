//
// BlockingBackend.h
//


#ifndef Nash_BlockingBackend_INCLUDED
#define Nash_BlockingBackend_INCLUDED


#include "Nash/CancellationToken.h"
#include "Nash/ChatEventSink.h"
#include "Nash/ChatEvents.h"
#include "Nash/ChatRequest.h"
#include "Nash/ModelBackend.h"


namespace Nash {


class BlockingBackend: public ModelBackend
	/// A backend that answers by computing or waiting itself: the server
	/// calls it on a thread of its bounded worker pool, which it holds until
	/// the answer is complete. A backend for a provider's HTTP API is a
	/// ProviderBackend instead: it does no I/O itself, the server does its
	/// exchange with the upstream.
{
public:
	virtual void streamChat(const ChatRequest& request, ChatEventSink& sink, const CancellationToken& cancellation) = 0;
		/// Streams one answer into sink, each piece as soon as it exists.
		/// Returns when the answer is complete, or soon after cancellation
		/// (without throwing). Throws BackendException (or another
		/// Poco::Exception) when the model cannot answer.

	virtual ChatResult complete(const ChatRequest& request, const CancellationToken& cancellation) = 0;
		/// Answers without streaming. Throws like streamChat(); when cancelled
		/// it may throw or return a partial result, which is discarded.
};


} // namespace Nash


#endif // Nash_BlockingBackend_INCLUDED
