//
// RateLimitHeaders.h
//


#ifndef FakeUpstream_RateLimitHeaders_INCLUDED
#define FakeUpstream_RateLimitHeaders_INCLUDED


#include "Poco/Net/HTTPRequest.h"
#include "Poco/Net/NameValueCollection.h"
#include "Poco/Timestamp.h"


namespace FakeUpstream {


class RateLimitHeaders
	/// Anthropic's anthropic-ratelimit-* headers, sent when a test asks for
	/// them, so that a client's handling of a nearly used-up quota can be
	/// tried without running into a 429:
	///
	///   X-Fake-Ratelimit-Reset-Ms: N   every reset is now + N ms
	///   X-Fake-Ratelimit-Malformed: 1  every reset is "not-a-date"
	///
	/// The limits are 1000; no request is left (requests-remaining 0), 900
	/// input and output tokens are.
{
public:
	static void add(const Poco::Net::HTTPRequest& request, const Poco::Timestamp& now, Poco::Net::NameValueCollection& headers);
		/// Adds the nine headers to headers when request asks for them.

	static std::string resetTime(const Poco::Timestamp& when);
		/// RFC 3339 in UTC with milliseconds, as Anthropic sends it:
		/// 2026-03-26T19:21:04.250Z.
};


} // namespace FakeUpstream


#endif // FakeUpstream_RateLimitHeaders_INCLUDED
