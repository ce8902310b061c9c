//
// ReverseBackend.cpp
//


#include "ReverseBackend.h"
#include "Nash/BackendException.h"
#include "Nash/Plugin.h"
#include "Poco/Exception.h"
#include "Poco/NumberParser.h"
#include "Poco/String.h"
#include "Poco/StringTokenizer.h"
#include <iterator>


namespace Example {


void ReverseBackend::configure(const std::string& instanceName, const Poco::Util::AbstractConfiguration& section)
{
	// Keys are relative to the backend's own section; a message names the
	// section and the key, so that the administrator knows what to fix.
	if (section.hasProperty("models"))
	{
		Poco::StringTokenizer names(section.getString("models"), ",", Poco::StringTokenizer::TOK_TRIM | Poco::StringTokenizer::TOK_IGNORE_EMPTY);
		if (names.count() == 0)
			throw Poco::InvalidArgumentException("[backend." + instanceName + "] models: name at least one model");
		_models.assign(names.begin(), names.end());
	}
	if (section.hasProperty("delay_ms"))
	{
		std::string text = Poco::trim(section.getString("delay_ms"));
		int delay = 0;
		if (!Poco::NumberParser::tryParse(text, delay) || delay < 0 || delay > 60000)
			throw Poco::InvalidArgumentException("[backend." + instanceName + "] delay_ms: a whole number from 0 to 60000, not '" + text + "'");
		_delay = std::chrono::milliseconds(delay);
	}
}


std::vector<std::string> ReverseBackend::models() const
{
	return _models;
}


std::string ReverseBackend::defaultModel() const
{
	return _models.front();
}


const std::string& ReverseBackend::lastUserMessage(const Nash::ChatRequest& request)
{
	for (auto it = request.messages.rbegin(); it != request.messages.rend(); ++it)
	{
		if (it->role == "user") return it->content;
	}
	// The client sees this message in an "error" event: it says what is
	// wrong, and a real backend's message must never contain a key.
	throw Nash::BackendException("reverse backend: the conversation has no user message");
}


std::vector<std::string> ReverseBackend::reversedWords(const std::string& text)
{
	Poco::StringTokenizer words(text, " \t\r\n", Poco::StringTokenizer::TOK_IGNORE_EMPTY);
	return std::vector<std::string>(std::make_reverse_iterator(words.end()), std::make_reverse_iterator(words.begin()));
}


void ReverseBackend::streamChat(const Nash::ChatRequest& request, Nash::ChatEventSink& sink, const Nash::CancellationToken& cancellation)
{
	std::vector<std::string> words = reversedWords(lastUserMessage(request));
	for (std::size_t i = 0; i < words.size(); ++i)
	{
		// The client went away: stop at once, and give the server its worker
		// thread back. waitFor() is the pause that a cancellation cuts short
		// (true: cancelled); a backend that blocks in a call of its own would
		// register onCancel() to break that call off.
		if (cancellation.isCancelled()) return;
		if (i > 0 && _delay.count() > 0 && cancellation.waitFor(_delay)) return;
		sink.content(i == 0 ? words[i] : " " + words[i]);
	}
	sink.finish("stop");
}


Nash::ChatResult ReverseBackend::complete(const Nash::ChatRequest& request, const Nash::CancellationToken&)
{
	Nash::ChatResult result;
	for (const std::string& word: reversedWords(lastUserMessage(request)))
	{
		if (!result.content.empty()) result.content += ' ';
		result.content += word;
	}
	result.finishReason = "stop";
	return result;
}


} // namespace Example


// The plugin's entry points: the Poco ClassLoader manifest and the SDK version
// the server checks before it uses the library. Exactly once per plugin.
NASH_MODEL_BACKEND_PLUGIN(Example::ReverseBackend)
