//
// UpstreamError.h
//


#ifndef NashUpstream_UpstreamError_INCLUDED
#define NashUpstream_UpstreamError_INCLUDED


#include <string>
#include <vector>


namespace NashUpstream {


class UpstreamError
	/// The messages a client sees when a provider fails: the upstream's own
	/// words, never a secret.
{
public:
	static std::string messageOfBody(const std::string& body);
		/// The provider's message in an error body: error.message, error (a
		/// string), message or detail of a JSON object; else the start of
		/// the body as text.

	static std::string describeStatus(const std::string& provider, int status, const std::string& reason, const std::string& body);
		/// "<provider> answered 401 Unauthorized: <message>"

	static std::string redact(const std::string& text, const std::vector<std::string>& secrets);
		/// text with every occurrence of each secret replaced and every URL
		/// in it made safe: Redaction::text(text, secrets).

	static std::string snippet(const std::string& text, std::size_t maximum = 200);
		/// The start of text, for messages about malformed data.
};


} // namespace NashUpstream


#endif // NashUpstream_UpstreamError_INCLUDED
