//
// ConsoleChat.cpp
//


#include "ConsoleChat.h"
#include "ServerUnreachableException.h"
#include "Poco/JSON/Object.h"
#include "Poco/Net/HTTPResponse.h"
#include "Poco/Net/NetException.h"
#include "Poco/NumberFormatter.h"
#include "Poco/String.h"
#include <istream>
#include <ostream>


namespace NashClient {


namespace {


const std::string RULE(40, '-');


} // namespace


ConsoleChat::ConsoleChat(ChatClient& client, std::istream& in, std::ostream& out, std::ostream& err):
	_client(client),
	_in(in),
	_out(out),
	_err(err),
	_history(new Poco::JSON::Array)
{
}


void ConsoleChat::runInteractive()
{
	_interactive = true;
	_out << "Chatting with the LLM server at " << _client.baseUri().toString();
	if (!_client.model().empty()) _out << " (model " << _client.model() << ")";
	_out << ".\n"
	     << "Commands: 'summarize' condenses the conversation, 'exit' (or end of input) ends it.\n";

	std::string line;
	for (;;)
	{
		_out << "\nYou: " << std::flush;
		if (!std::getline(_in, line))
		{
			_out << std::endl;
			break;
		}
		std::string input = Poco::trim(line);
		if (input.empty()) continue;
		if (Poco::icompare(input, "exit") == 0) break;
		if (Poco::icompare(input, "summarize") == 0)
			summarize();
		else
			ask(input);
	}
}


ConsoleChat::Outcome ConsoleChat::ask(const std::string& question)
{
	addMessage("user", question);
	_answerStarted = false;
	ChatClient::StreamResult result;
	try
	{
		result = _client.streamChat(_history, _sessionId, *this);
	}
	catch (ServerUnreachableException& exc)
	{
		dropLastMessage();
		reportException(exc);
		return UNREACHABLE;
	}
	catch (Poco::Exception& exc)
	{
		dropLastMessage();
		reportException(exc);
		return FAILED;
	}
	endAnswerLine();

	if (!result.sessionIdsAgree())
	{
		_err << "Warning: session id mismatch: the stream began with " << result.firstSessionId
		     << " and ended with " << result.lastSessionId << "." << std::endl;
	}
	if (!result.complete)
		_err << "Error: the server closed the stream before it was complete." << std::endl;

	if (!result.content.empty() || result.succeeded())
		addMessage("assistant", result.content);
	else
		dropLastMessage();
	return result.succeeded() ? ANSWERED : FAILED;
}


bool ConsoleChat::summarize()
{
	if (_history->size() == 0)
	{
		_out << "Nothing to summarize yet." << std::endl;
		return false;
	}
	_out << "Summarizing the conversation..." << std::endl;
	ChatClient::SummaryResult result;
	try
	{
		result = _client.summarize(_history, _sessionId);
	}
	catch (Poco::Exception& exc)
	{
		reportException(exc);
		return false;
	}

	int saved = result.tokensBefore - result.tokensAfter;
	double percent = result.tokensBefore > 0 ? 100.0 * saved / result.tokensBefore : 0.0;
	_out << "Summary:\n"
	     << RULE << "\n"
	     << result.summary << "\n"
	     << RULE << "\n"
	     << "Token reduction: " << saved << " (" << Poco::NumberFormatter::format(percent, 1) << "%)\n"
	     << "- Before: " << result.tokensBefore << "\n"
	     << "- After: " << result.tokensAfter << std::endl;

	_history = result.messages;
	if (!result.sessionId.empty()) adoptSessionId(result.sessionId);
	return true;
}


const Poco::JSON::Array::Ptr& ConsoleChat::history() const
{
	return _history;
}


const std::string& ConsoleChat::sessionId() const
{
	return _sessionId;
}


void ConsoleChat::onSessionId(const std::string& sessionId, bool first)
{
	// The first id of a stream is the conversation's from now on; the last
	// one is only compared with it once the stream is over.
	if (first) adoptSessionId(sessionId);
}


void ConsoleChat::onContent(const std::string& text)
{
	if (!_answerStarted)
	{
		if (_interactive) _out << "Assistant: ";
		_answerStarted = true;
	}
	_out << text << std::flush;
}


void ConsoleChat::onWarning(const ConversationWarning& warning)
{
	endAnswerLine();
	_err << "Warning: " << warning.text << "\n";
	if (!warning.suggestions.empty())
	{
		_err << "Suggestions:\n";
		for (std::size_t i = 0; i < warning.suggestions.size(); ++i)
			_err << (i + 1) << ". " << warning.suggestions[i] << "\n";
	}
	_err << "Details:\n"
	     << "- Messages: " << warning.messageCount << "/" << warning.maxMessages << "\n"
	     << "- Est. Tokens: " << warning.estimatedTokens << "/" << warning.maxTokens << "\n";
	if (_interactive)
		_err << "Tip: use 'summarize' to condense the conversation while keeping its context.\n";
	_err << std::flush;
}


void ConsoleChat::onError(const std::string& message)
{
	endAnswerLine();
	_err << "Error: " << message << std::endl;
}


void ConsoleChat::endAnswerLine()
{
	if (_answerStarted)
	{
		_out << std::endl;
		_answerStarted = false;
	}
}


void ConsoleChat::reportException(const Poco::Exception& exc)
{
	endAnswerLine();
	if (dynamic_cast<const ServerUnreachableException*>(&exc))
	{
		_err << "Could not connect to the LLM server at " << _client.baseUri().toString()
		     << ". Start it first with: llm_server\n";
		if (exc.nested()) _err << "(" << exc.nested()->displayText() << ")\n";
	}
	else if (dynamic_cast<const Poco::Net::HTTPException*>(&exc))
	{
		auto status = static_cast<Poco::Net::HTTPResponse::HTTPStatus>(exc.code());
		_err << "Error: the server answered " << exc.code() << " "
		     << Poco::Net::HTTPResponse::getReasonForStatus(status);
		if (!exc.message().empty()) _err << ": " << exc.message();
		_err << "\n";
	}
	else
	{
		_err << "Error: " << exc.displayText() << "\n";
	}
	_err << std::flush;
}


void ConsoleChat::adoptSessionId(const std::string& sessionId)
{
	if (sessionId == _sessionId) return;
	_sessionId = sessionId;
	if (_interactive) _out << "Session: " << _sessionId << std::endl;
}


void ConsoleChat::dropLastMessage()
{
	if (_history->size() > 0) _history->remove(static_cast<unsigned>(_history->size() - 1));
}


void ConsoleChat::addMessage(const std::string& role, const std::string& content)
{
	Poco::JSON::Object::Ptr message(new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER));
	message->set("role", role);
	message->set("content", content);
	_history->add(message);
}


} // namespace NashClient
