//
// RequestParser.h
//


#ifndef Nash_RequestParser_INCLUDED
#define Nash_RequestParser_INCLUDED


#include "core/http/RequestHead.h"
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>


namespace Nash {


class RequestParser
	/// Reads HTTP/1.1 requests from a connection's bytes, one message after
	/// the other, with llhttp (the parser of Node.js) in strict mode. It does
	/// no I/O: bytes go in as they arrive, in pieces of any size, and it
	/// says how many of them it used, so that what follows a message stays
	/// for the next one and a body's bytes can never be taken for a request.
	///
	/// Everything RFC 9112 lets a server refuse is a failure with the status
	/// to answer before closing the connection: 400 for malformed framing
	/// (two different Content-Lengths, Content-Length with Transfer-Encoding,
	/// a bad chunk, obs-fold, a field without a name, a fragment in the
	/// target), 501 for a transfer coding other than chunked or an unknown
	/// method, 505 for a version other than 1.0 and 1.1, 431 and 414 for a
	/// head over the limits.
{
public:
	struct Limits
	{
		std::size_t maxHeadBytes = 16 * 1024;
			/// The request line and every field line (also the trailer's).
		int maxFields = 100;
		std::size_t maxTargetBytes = 16 * 1024;
	};

	enum class Phase
	{
		Head,
			/// Reading a request line and header fields (or waiting for them).
		Body,
			/// The head is complete; the body (if any) follows.
		Complete,
			/// The message ended; nextMessage() starts the next one.
		Failed
			/// The bytes are not an acceptable request: answer failureStatus()
			/// and close the connection.
	};

	explicit RequestParser(const Limits& limits);
	~RequestParser();
	RequestParser(const RequestParser&) = delete;
	RequestParser& operator = (const RequestParser&) = delete;

	std::size_t parseHead(const char* data, std::size_t length);
		/// Feeds bytes in the Head phase and returns how many were used:
		/// it stops right after the head's last byte (phase Body) or at the
		/// first byte in error (phase Failed).

	std::size_t parseBody(const char* data, std::size_t length, std::string& body, std::size_t maxBody);
		/// Feeds bytes in the Body phase, appends the body's bytes to body
		/// and returns how many input bytes were used: it stops after the
		/// message's last byte (phase Complete), at an error (Failed), or
		/// once body has grown by maxBody bytes or more (the caller drains
		/// body, then feeds the rest). Call with length 0 to complete a
		/// message without a body.

	void endOfInput();
		/// The client closed its side. A message under way fails (the
		/// connection cannot carry its answer reliably: 400).

	void nextMessage();
		/// After Complete: ready for the next request's head.

	Phase phase() const;

	bool started() const;
		/// Some byte of the current message has been read.

	const RequestHead& head() const;
		/// The head, complete from the Body phase on.

	std::uint64_t bodyBytesRead() const;

	int failureStatus() const;
	const std::string& failureReason() const;
		/// When Failed: the status to answer and why (safe to show).

private:
	struct Callbacks;
	friend struct Callbacks;

	void fail(int status, const std::string& reason);
	void failFromParser(int error, const char* reason);
	std::size_t foldAt(const char* data, std::size_t length) const;
		/// Where in data a head line begins with whitespace, or length.
	void completeHead();
	bool decideMethod();
		/// After llhttp refused the method: fails with 501 for a token
		/// followed by a space, 400 for anything else, and returns true;
		/// false when the bytes so far cannot tell yet.

	static constexpr std::size_t MAX_METHOD_BYTES = 32;

	Limits _limits;
	struct State;
	std::unique_ptr<State> _state;
};


} // namespace Nash


#endif // Nash_RequestParser_INCLUDED
