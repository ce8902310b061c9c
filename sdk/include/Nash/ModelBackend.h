//
// ModelBackend.h
//


#ifndef Nash_ModelBackend_INCLUDED
#define Nash_ModelBackend_INCLUDED


#include "Nash/CancellationToken.h"
#include "Nash/ChatEventSink.h"
#include "Nash/ChatEvents.h"
#include "Nash/ChatRequest.h"
#include "Poco/Util/AbstractConfiguration.h"
#include <string>
#include <vector>


namespace Nash {


class ModelBackend
	/// A model provider the server can route chat requests to.
	///
	/// The server creates one instance per configured backend section with the
	/// default constructor, calls configure() once, and then calls the other
	/// methods from many threads at once: implementations must be thread-safe
	/// after configure() returned.
{
public:
	virtual ~ModelBackend() = default;

	virtual void configure(const std::string& instanceName, const Poco::Util::AbstractConfiguration& section) = 0;
		/// Reads the backend's own configuration section ([backend.<name>] of
		/// the ini file; keys relative to it). Throws a Poco::Exception whose
		/// message names the offending key when the configuration is unusable.

	virtual std::vector<std::string> models() const = 0;
		/// The models this backend offers, for routing and listing.

	virtual std::string defaultModel() const = 0;
		/// The model used when a request names the backend but no model.

	virtual bool acceptsAnyModel() const
		/// True when the backend passes model names it does not list on to its
		/// upstream (an OpenAI-compatible server knows its own models best).
	{
		return false;
	}

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


#endif // Nash_ModelBackend_INCLUDED
