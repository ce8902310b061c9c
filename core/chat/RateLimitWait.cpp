//
// RateLimitWait.cpp
//


#include "core/chat/RateLimitWait.h"
#include "Poco/DateTimeFormat.h"
#include "Poco/DateTimeParser.h"
#include "Poco/NumberParser.h"
#include "Poco/String.h"
#include <cctype>


namespace Nash {


namespace {


bool isRfc3339(const std::string& text)
	/// YYYY-MM-DDTHH:MM:SS[.fraction](Z|+HH:MM|-HH:MM), exactly: Poco's parser
	/// fills in what is missing ("2030" would be a wait of years).
{
	auto digits = [&](std::size_t at, std::size_t count) {
		if (at + count > text.size()) return false;
		for (std::size_t i = at; i < at + count; ++i)
		{
			if (text[i] < '0' || text[i] > '9') return false;
		}
		return true;
	};
	if (!digits(0, 4) || text.size() < 20 || text[4] != '-' || !digits(5, 2) || text[7] != '-' || !digits(8, 2)
		|| (text[10] != 'T' && text[10] != 't') || !digits(11, 2) || text[13] != ':' || !digits(14, 2) || text[16] != ':' || !digits(17, 2))
		return false;
	std::size_t at = 19;
	if (text[at] == '.')
	{
		std::size_t start = ++at;
		while (at < text.size() && text[at] >= '0' && text[at] <= '9') ++at;
		if (at == start) return false;
	}
	std::string zone = text.substr(at);
	if (zone == "Z" || zone == "z") return true;
	return zone.size() == 6 && (zone[0] == '+' || zone[0] == '-') && zone[3] == ':'
		&& isdigit(static_cast<unsigned char>(zone[1])) && isdigit(static_cast<unsigned char>(zone[2]))
		&& isdigit(static_cast<unsigned char>(zone[4])) && isdigit(static_cast<unsigned char>(zone[5]));
}


} // namespace


double RateLimitWait::seconds(const Poco::Net::NameValueCollection& headers, const Poco::Timestamp& now)
{
	static const char* const kinds[] = {"input-tokens", "output-tokens", "requests"};
	const std::string prefix = "anthropic-ratelimit-";
	for (const char* kind: kinds)
	{
		for (const char* part: {"-limit", "-remaining", "-reset"})
		{
			if (!headers.has(prefix + kind + part)) return 0;
		}
	}
	for (const char* kind: kinds)
	{
		double limit = 0;
		double remaining = 0;
		if (!Poco::NumberParser::tryParseFloat(Poco::trim(headers.get(prefix + kind + "-limit")), limit)) continue;
		if (!Poco::NumberParser::tryParseFloat(Poco::trim(headers.get(prefix + kind + "-remaining")), remaining)) continue;
		if (remaining > 0.1 * limit) continue;
		Poco::DateTime reset;
		int zone = 0;
		std::string text = Poco::trim(headers.get(prefix + kind + "-reset"));
		if (!isRfc3339(text) || !Poco::DateTimeParser::tryParse(Poco::DateTimeFormat::ISO8601_FRAC_FORMAT, text, reset, zone))
			return 0;
		reset.makeUTC(zone);
		double wait = static_cast<double>(reset.timestamp() - now) / Poco::Timestamp::resolution();
		return wait > 0 ? wait : 0;
	}
	return 0;
}


} // namespace Nash
