//
// ResponseParser.h
//


#ifndef Nash_ResponseParser_INCLUDED
#define Nash_ResponseParser_INCLUDED


#include "Poco/Net/NameValueCollection.h"
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>


namespace Nash {


class ResponseParser
	/// Reads one HTTP/1.1 response from the bytes of a connection, with
	/// llhttp (the parser of Node.js) in strict mode, for a client that does
	/// its own non-blocking I/O (LoopExchange). It does no I/O: bytes go in
	/// as they arrive, in pieces of any size, and parse() says how many it
	/// used.
	///
	/// The head is reported before any byte of the body: parse() stops right
	/// after it (phase Body), so that the caller can look at the status and
	/// choose where the body goes before feeding the rest. Interim answers
	/// (1xx but 101) are read and dropped. The body is handed to the body
	/// callback dechunked, as it arrives, without being kept; chunk
	/// extensions and trailer fields are read and dropped (the trailer
	/// within the head's limits). The body ends by its Content-Length, its
	/// last chunk, or the connection's close (finish()).
	///
	/// Whatever is not a well-formed response is a failure (phase Failed)
	/// with a reason that may be shown: garbage, a head over the limits,
	/// two different Content-Lengths, a bad chunk, 101 Switching Protocols
	/// (no upgrade is ever asked for), a body cut short.
	///
	/// One parser reads one response, on one thread at a time.
{
public:
	struct Limits
	{
		std::size_t maxHeadBytes = 64 * 1024;
			/// The status line and the header fields (each interim answer's,
			/// and the trailer's, on their own).
		int maxFields = 256;
	};

	enum class Phase
	{
		Head,
			/// Waiting for or reading the status line and header fields.
		Body,
			/// The head is complete (status(), headers()); the body follows.
		Complete,
			/// The response ended; bytes after it are not used.
		Failed
			/// Not an acceptable response: failureReason() says why.
	};

	using BodyCallback = std::function<void(const char* data, std::size_t length)>;

	ResponseParser();
	explicit ResponseParser(const Limits& limits);
	~ResponseParser();
	ResponseParser(const ResponseParser&) = delete;
	ResponseParser& operator = (const ResponseParser&) = delete;

	void setBodyCallback(BodyCallback callback);
		/// Where the body's bytes go; without one they are dropped. The
		/// callback may call halt().

	void expectNoBody();
		/// The response answers a HEAD request: it has no body, whatever its
		/// head announces. Before parse().

	std::size_t parse(const char* data, std::size_t length);
		/// Feeds bytes and returns how many were used. Stops after the head
		/// (phase Body: call again with the rest), after the response's last
		/// byte (phase Complete), at the first byte in error (Failed), or
		/// when the body callback called halt(). Does nothing in the phases
		/// Complete and Failed.

	void finish();
		/// The connection was closed (end of input). A body delimited by
		/// the close completes; anything else under way fails as cut short.

	void halt();
		/// From the body callback: parse() returns without reading further
		/// (the parser is Failed with the reason "halted"). For a caller that
		/// stops reading the response in the middle of a piece.

	Phase phase() const;

	bool started() const;
		/// Some byte of the response has been read.

	int status() const;
	const std::string& reason() const;
	int versionMinor() const;
	const Poco::Net::NameValueCollection& headers() const;
		/// From the phase Body on. Header names as sent; values with the
		/// whitespace around them removed.

	bool chunked() const;
	bool hasContentLength() const;
	std::uint64_t contentLength() const;
		/// From the phase Body on.

	bool bodyUntilClose() const;
		/// From the phase Body on: the body ends only with the connection.

	bool keepAlive() const;
		/// In the phase Complete: whether the connection may carry another
		/// request (HTTP/1.1 without Connection: close, HTTP/1.0 with
		/// keep-alive, and a body not delimited by the close).

	std::uint64_t bodyBytes() const;
		/// Body bytes handed to the callback so far.

	const std::string& failureReason() const;

private:
	struct Callbacks;
	friend struct Callbacks;
	struct State;

	void fail(const std::string& reason);
	void failFromParser(int error, const char* reason);

	Limits _limits;
	std::unique_ptr<State> _state;
};


} // namespace Nash


#endif // Nash_ResponseParser_INCLUDED
