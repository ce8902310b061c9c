//
// RequestTarget.h
//


#ifndef Nash_RequestTarget_INCLUDED
#define Nash_RequestTarget_INCLUDED


#include <string>


namespace Nash {


class RequestTarget
	/// The request-target of a request line (RFC 9112 section 3.2): origin
	/// form ("/path?query"), absolute form ("http://host/path"), or "*" for
	/// OPTIONS. Authority form is CONNECT's, which this server refuses.
{
public:
	static std::string problem(const std::string& method, const std::string& target);
		/// What is wrong with target, for the client; empty when nothing is.
		/// Every character must be one RFC 3986 allows there, every '%'
		/// must begin an escape, and there must be no fragment.

	static bool isAbsolute(const std::string& target);
		/// http:// or https:// (any case).

	static std::string authority(const std::string& target);
		/// The host[:port] of an absolute target; empty for other forms.
};


} // namespace Nash


#endif // Nash_RequestTarget_INCLUDED
