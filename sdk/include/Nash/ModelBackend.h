//
// ModelBackend.h
//


#ifndef Nash_ModelBackend_INCLUDED
#define Nash_ModelBackend_INCLUDED


#include "Nash/ChatEvents.h"
#include "Nash/ChatRequest.h"
#include "Poco/Util/AbstractConfiguration.h"
#include <string>
#include <vector>


namespace Nash {


class ModelBackend
	/// A model provider the server can route chat requests to: what every
	/// backend plugin has, whichever of the two kinds it is.
	///
	/// A plugin's class derives from one of the two:
	/// - ProviderBackend, a translator for a provider's HTTP API: it builds
	///   the upstream request and decodes the answer's bytes into chat
	///   events, and does no I/O. The server does the exchange (connections,
	///   TLS, timeouts, retries, cancellation) for every provider alike.
	/// - BlockingBackend, for a backend that computes or blocks (a model in
	///   the process, a stand-in with delays): the server calls it on a
	///   thread of its bounded worker pool.
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
};


} // namespace Nash


#endif // Nash_ModelBackend_INCLUDED
