//
// RateLimitWait.h
//
// How long a provider asks us to wait before the next call.
//


#ifndef Nash_RateLimitWait_INCLUDED
#define Nash_RateLimitWait_INCLUDED


#include "Poco/Net/NameValueCollection.h"
#include "Poco/Timestamp.h"


namespace Nash {


class RateLimitWait
	/// Reads Anthropic's rate-limit headers, as the Nash app's server did:
	/// anthropic-ratelimit-{input-tokens,output-tokens,requests}-{limit,
	/// remaining,reset}. Only when all nine are there: the first of the
	/// three whose remaining is at most a tenth of its limit decides, and the
	/// wait lasts until its reset (RFC 3339). Values that cannot be read are
	/// no reason to wait (nor to fail).
{
public:
	static double seconds(const Poco::Net::NameValueCollection& headers, const Poco::Timestamp& now);
		/// The wait in seconds; 0 when there is none.
};


} // namespace Nash


#endif // Nash_RateLimitWait_INCLUDED
