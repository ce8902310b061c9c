//
// ConsoleChat.h
//
// The terminal side of the client: the chat loop, the one-shot question and
// everything printed about them.
//


#ifndef NashClient_ConsoleChat_INCLUDED
#define NashClient_ConsoleChat_INCLUDED


#include "ChatClient.h"
#include "StreamListener.h"
#include "Poco/JSON/Array.h"
#include <iosfwd>
#include <string>


namespace NashClient {


class ConsoleChat: private StreamListener
	/// Keeps the conversation (history and session id) on the client side,
	/// as the server is stateless, and drives a ChatClient from text input.
	///
	/// Answers and information go to out, warnings and errors to err; the
	/// answer is written piece by piece as it arrives.
{
public:
	enum Outcome
	{
		ANSWERED,     /// The server answered completely.
		FAILED,       /// The server refused, warned, reported an error or broke off.
		UNREACHABLE   /// No connection to the server could be made.
	};

	ConsoleChat(ChatClient& client, std::istream& in, std::ostream& out, std::ostream& err);

	void runInteractive();
		/// Reads lines from in until "exit" or the end of input. An empty line
		/// is ignored, "summarize" condenses the conversation, anything else
		/// is sent as the next user message. Failures are reported and the
		/// loop goes on.

	Outcome ask(const std::string& question);
		/// Sends question as the next user message with the history so far,
		/// prints the answer as it arrives and adds the exchange to the
		/// history. A question that got no answer at all is taken out of the
		/// history again, so that the history stays a clean alternation.

	bool summarize();
		/// Has the server summarize the history, prints the summary and the
		/// token reduction, and continues with the server's condensed history
		/// and session id. Returns false (history unchanged) on failure.

	const Poco::JSON::Array::Ptr& history() const;
	const std::string& sessionId() const;

private:
	void onSessionId(const std::string& sessionId, bool first) override;
	void onContent(const std::string& text) override;
	void onWarning(const ConversationWarning& warning) override;
	void onError(const std::string& message) override;

	void endAnswerLine();
	void reportException(const Poco::Exception& exc);
	void adoptSessionId(const std::string& sessionId);
	void addMessage(const std::string& role, const std::string& content);
	void dropLastMessage();

	ChatClient& _client;
	std::istream& _in;
	std::ostream& _out;
	std::ostream& _err;
	bool _interactive = false;
	bool _answerStarted = false;
	Poco::JSON::Array::Ptr _history;
	std::string _sessionId;
};


} // namespace NashClient


#endif // NashClient_ConsoleChat_INCLUDED
