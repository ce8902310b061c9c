//
// RequestHead.h
//


#ifndef Nash_RequestHead_INCLUDED
#define Nash_RequestHead_INCLUDED


#include <cstddef>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>


namespace Nash {


struct RequestHead
	/// A request line and its header fields as they came from the wire,
	/// with what the parser found out about the body's framing.
{
	std::string method;
	std::string target;
		/// The request-target exactly as sent (not decoded).
	int versionMajor = 1;
	int versionMinor = 1;
	std::vector<std::pair<std::string, std::string>> fields;
		/// In order, names as sent, repeated fields kept apart.

	bool keepAlive = true;
		/// The client allows another request on this connection.
	bool chunked = false;
	bool hasContentLength = false;
	std::uint64_t contentLength = 0;
	bool upgrade = false;
		/// Connection: upgrade or CONNECT (never honoured).
	std::size_t bytes = 0;
		/// The head's size on the wire.

	bool hasBody() const;
		/// Chunked, or a Content-Length above 0.

	std::size_t count(const std::string& name) const;
		/// How many fields have this name (case-insensitive).

	const std::string* find(const std::string& name) const;
		/// The first field of this name, or null.

	std::string version() const;
		/// "HTTP/1.1" or "HTTP/1.0".
};


} // namespace Nash


#endif // Nash_RequestHead_INCLUDED
