//
// StreamListener.h
//
// Receives the events of a chat completion stream as they arrive.
//


#ifndef NashClient_StreamListener_INCLUDED
#define NashClient_StreamListener_INCLUDED


#include "ConversationWarning.h"
#include <string>


namespace NashClient {


class StreamListener
	/// The interface ChatClient::streamChat() calls for each event of the
	/// stream, in the order the server sends them, on the calling thread.
{
public:
	virtual ~StreamListener() = default;

	virtual void onSessionId(const std::string& sessionId, bool first) = 0;
		/// A session event; first is true for the first one of the stream.

	virtual void onContent(const std::string& text) = 0;
		/// One piece of the answer, the moment it arrived.

	virtual void onWarning(const ConversationWarning& warning) = 0;
		/// The conversation exceeds the server's limits; no answer follows.

	virtual void onError(const std::string& message) = 0;
		/// The server reported an error after the stream began, or sent an
		/// event that could not be understood.
};


} // namespace NashClient


#endif // NashClient_StreamListener_INCLUDED
