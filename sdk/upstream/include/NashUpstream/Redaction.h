//
// Redaction.h
//


#ifndef NashUpstream_Redaction_INCLUDED
#define NashUpstream_Redaction_INCLUDED


#include <string>
#include <vector>


namespace NashUpstream {


class Redaction
	/// Makes text that may hold credentials fit to be shown: in an answer's
	/// body, an error event of a stream, /health or a log line. The server
	/// and every plugin use these same rules, so that no message is safer
	/// than another:
	///
	///   - The user information of a URL becomes "***", so that the host
	///     stays visible (an operator can act on it) and the reader sees
	///     that credentials were configured:
	///         http://user:secret@host:8080/v1  ->  http://***@host:8080/v1
	///   - The value of a query or fragment parameter whose name looks like
	///     a credential (isCredentialName()) becomes "***":
	///         https://host/x?api_key=sk-1&model=m  ->  https://host/x?api_key=***&model=m
	///   - Known secrets (a configured API key) become "[redacted]" wherever
	///     they appear.
	///   - A URL inside another one's path or in the value of a parameter
	///     (redirect_uri=http://user:pw@host/) is redacted the same way;
	///     parameter names are compared percent-decoded (api%5Fkey).
	///
	/// A URL is found by its "://"; it ends at a blank, a quote, '<', '>' or
	/// '`'. Its parts are those of RFC 3986: a password that holds '/', '?',
	/// '#' or '@' must be percent-encoded, as in any URL.
	///
	/// Text that holds no URL and no known secret is returned unchanged, and
	/// redacting twice changes nothing more.
{
public:
	static std::string text(const std::string& text);
		/// text with every URL in it redacted (see url()).

	static std::string text(const std::string& text, const std::vector<std::string>& secrets);
		/// text with every URL in it redacted, and every occurrence of each
		/// secret of at least 4 characters replaced by "[redacted]" (shorter
		/// ones would mangle ordinary words without hiding anything).

	static std::string url(const std::string& url);
		/// url, known to be one URL as a whole (a configuration value, blanks
		/// and all), redacted. Without "://" it is taken as host[:port][/path]
		/// with optional user information, the way OLLAMA_HOST is written.

	static bool isCredentialName(const std::string& name);
		/// Whether a query parameter named name (case and '-' or '_' do not
		/// matter) holds a credential: key, token, secret, password, sig,
		/// signature, auth, authorization, code, credential and session ids,
		/// and the names ending in one of them (api_key, access_token,
		/// client_secret, X-Amz-Signature ...).

private:
	static std::string afterScheme(const std::string& rest);
	static std::string parameters(const std::string& list);
};


} // namespace NashUpstream


#endif // NashUpstream_Redaction_INCLUDED
