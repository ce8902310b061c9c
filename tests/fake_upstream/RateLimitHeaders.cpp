//
// RateLimitHeaders.cpp
//


#include "RateLimitHeaders.h"
#include "Poco/DateTimeFormatter.h"
#include "Poco/NumberParser.h"


namespace FakeUpstream {


namespace {


const char* const limit = "1000";
const char* const tokensRemaining = "900";
const char* const requestsRemaining = "0";
const int maxResetMs = 24 * 3600 * 1000;


} // namespace


void RateLimitHeaders::add(const Poco::Net::HTTPRequest& request, const Poco::Timestamp& now, Poco::Net::NameValueCollection& headers)
{
	int resetMs = 0;
	bool timed = Poco::NumberParser::tryParse(request.get("X-Fake-Ratelimit-Reset-Ms", ""), resetMs) && resetMs >= 0 && resetMs <= maxResetMs;
	bool malformed = request.get("X-Fake-Ratelimit-Malformed", "") == "1";
	if (!timed && !malformed) return;

	std::string reset = malformed ? std::string("not-a-date") : resetTime(now + Poco::Timestamp::TimeDiff(resetMs) * 1000);
	for (const char* kind: {"input-tokens", "output-tokens", "requests"})
	{
		std::string prefix = std::string("anthropic-ratelimit-") + kind;
		headers.set(prefix + "-limit", limit);
		headers.set(prefix + "-remaining", std::string(kind) == "requests" ? requestsRemaining : tokensRemaining);
		headers.set(prefix + "-reset", reset);
	}
}


std::string RateLimitHeaders::resetTime(const Poco::Timestamp& when)
{
	return Poco::DateTimeFormatter::format(when, "%Y-%m-%dT%H:%M:%S.%iZ");
}


} // namespace FakeUpstream
