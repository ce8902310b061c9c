//
// ChatClient.h
//
// HTTP access to the chat endpoints of the LLM server. No terminal I/O.
//


#ifndef NashClient_ChatClient_INCLUDED
#define NashClient_ChatClient_INCLUDED


#include "StreamListener.h"
#include "Poco/JSON/Array.h"
#include "Poco/JSON/Object.h"
#include "Poco/Net/HTTPClientSession.h"
#include "Poco/Net/HTTPResponse.h"
#include "Poco/URI.h"
#include <istream>
#include <memory>
#include <string>


namespace NashClient {


class ChatClient
	/// Talks to the chat endpoints of an LLM server:
	/// POST /v1/chat/completions/stream, read as a server-sent event stream
	/// while it arrives, and POST /v1/chat/summarize.
	///
	/// Every call opens a connection of its own; the client keeps no
	/// conversation state (the caller owns the history and the session id).
{
public:
	struct StreamResult
		/// What one streamed answer amounted to.
	{
		std::string firstSessionId;
		std::string lastSessionId;
		std::string content;
			/// All content pieces joined: the assistant's answer.
		bool warned = false;
			/// A warning event came instead of an answer.
		bool failed = false;
			/// An error event (or an event that could not be decoded) came.
		bool complete = false;
			/// The stream ended with [DONE].

		bool sessionIdsAgree() const;
			/// True when the first and the last session events named the same id.

		bool succeeded() const;
			/// Complete, no warning, no error, session ids agree.
	};

	struct SummaryResult
		/// A successful answer of the summarize endpoint.
	{
		std::string summary;
		Poco::JSON::Array::Ptr messages;
			/// The history to continue with.
		int tokensBefore = 0;
		int tokensAfter = 0;
		std::string sessionId;
			/// Empty when the server returned none.
	};

	explicit ChatClient(const Poco::URI& baseUri);
		/// Creates a client for the server at baseUri (e.g. http://127.0.0.1:8001;
		/// a path in it is kept as a prefix of the endpoint paths).
		/// Throws Poco::InvalidArgumentException when baseUri is not an http URI
		/// with a host.

	void setModel(const std::string& model);
		/// The model to name in requests; empty (the default) leaves the
		/// choice to the server.

	const std::string& model() const;

	const Poco::URI& baseUri() const;

	StreamResult streamChat(const Poco::JSON::Array::Ptr& messages, const std::string& sessionId, StreamListener& listener);
		/// Posts messages (and sessionId, sent as null when empty) to the
		/// streaming endpoint and reports each event to listener the moment it
		/// arrives. Returns after [DONE] or when the server closes the stream.
		///
		/// Throws ServerUnreachableException when no connection can be made,
		/// Poco::Net::HTTPException when the server answers another status
		/// than 200 (code() is the status, message() the server's "detail"),
		/// and Poco::Net::NetException or Poco::TimeoutException when the
		/// connection fails before the answer's header arrived.

	SummaryResult summarize(const Poco::JSON::Array::Ptr& messages, const std::string& sessionId);
		/// Posts messages and sessionId to the summarize endpoint.
		///
		/// Throws ServerUnreachableException and Poco::Net::HTTPException as
		/// streamChat() does, Poco::DataFormatException when the answer is not
		/// the documented JSON, and Poco::RuntimeException when the server
		/// reports that summarizing failed.

private:
	std::string makeRequestBody(const Poco::JSON::Array::Ptr& messages, const std::string& sessionId) const;
	std::unique_ptr<Poco::Net::HTTPClientSession> openSession() const;
	std::istream& post(Poco::Net::HTTPClientSession& session, const std::string& endpoint, const std::string& body, const std::string& accept, Poco::Net::HTTPResponse& response) const;
	static bool dispatchEvent(const std::string& data, StreamResult& result, StreamListener& listener);
	static ConversationWarning parseWarning(const Poco::Dynamic::Var& value);
	static std::string errorText(const std::string& body);

	Poco::URI _baseUri;
	std::string _pathPrefix;
	std::string _model;
};


} // namespace NashClient


#endif // NashClient_ChatClient_INCLUDED
