//
// WwwAuthenticate.h
//
// The Bearer challenge of a WWW-Authenticate header (RFC 6750 section 3,
// RFC 9728 section 5.1).
//


#ifndef Nash_WwwAuthenticate_INCLUDED
#define Nash_WwwAuthenticate_INCLUDED


#include <map>
#include <string>


namespace Nash {


class WwwAuthenticate
	/// A header may hold several challenges (Basic realm="x", Bearer ...);
	/// only the Bearer one matters to MCP. Parameter names are compared
	/// without case; values may be tokens or quoted strings with \-escapes.
{
public:
	WwwAuthenticate();

	static WwwAuthenticate parse(const std::string& header);
		/// Never throws: what cannot be read is left out.

	bool isBearer() const;
		/// The header had a Bearer challenge.

	std::string param(const std::string& name) const;
		/// The value of the Bearer challenge's parameter, empty when absent.

	std::string error() const;
	std::string scope() const;
	std::string resourceMetadata() const;

	bool insufficientScope() const;
		/// error="insufficient_scope": a step-up is asked for.

private:
	bool _bearer = false;
	std::map<std::string, std::string> _params;
};


} // namespace Nash


#endif // Nash_WwwAuthenticate_INCLUDED
