//
// ChatDecoder.h
//


#ifndef Nash_ChatDecoder_INCLUDED
#define Nash_ChatDecoder_INCLUDED


#include "Nash/ChatEventSink.h"
#include <cstddef>


namespace Nash {


class ChatDecoder
	/// Turns the body of one streamed answer (a 2xx) into chat events as its
	/// bytes arrive, in pieces of any size: a piece may end in the middle of
	/// an event, a line or a UTF-8 sequence. One decoder serves one answer,
	/// on one thread at a time.
	///
	/// It throws BackendException (with its Cause) when the bytes are not
	/// what the provider sends, when they report an error, or when the body
	/// ends before the answer is complete. Its messages are shown to clients
	/// as they are; the server removes the backend's secrets from them.
{
public:
	virtual ~ChatDecoder() = default;

	virtual void feed(const char* data, std::size_t size, ChatEventSink& sink) = 0;
		/// The next bytes of the body. Events found are given to sink before
		/// the call returns; bytes after the answer's end are ignored.

	virtual void end(ChatEventSink& sink) = 0;
		/// The body ended. Gives sink what the last bytes completed, and
		/// throws BackendException (Cause::Incomplete) when the answer is
		/// not whole (the provider's end marker never came).
};


} // namespace Nash


#endif // Nash_ChatDecoder_INCLUDED
