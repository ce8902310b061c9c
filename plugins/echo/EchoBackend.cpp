//
// EchoBackend.cpp
//


#include "EchoBackend.h"
#include "Nash/Plugin.h"
#include "Poco/Exception.h"
#include "Poco/NumberParser.h"
#include "Poco/String.h"
#include "Poco/StringTokenizer.h"


namespace Nash {


namespace {


long readWholeNumber(const Poco::Util::AbstractConfiguration& section, const std::string& key, long defaultValue, long maximum)
{
	if (!section.hasProperty(key)) return defaultValue;
	std::string text = Poco::trim(section.getString(key));
	int value = 0;
	if (!Poco::NumberParser::tryParse(text, value) || value < 0 || value > maximum)
		throw Poco::InvalidArgumentException("echo backend: '" + key + "' must be a whole number from 0 to " + std::to_string(maximum) + ", not '" + text + "'");
	return value;
}


bool isSpace(char c)
{
	return c == ' ' || c == '\n' || c == '\t' || c == '\r';
}


} // namespace


void EchoBackend::configure(const std::string&, const Poco::Util::AbstractConfiguration& section)
{
	_delay = std::chrono::milliseconds(readWholeNumber(section, "delay_ms", 0, 3600000));
	_maxWords = readWholeNumber(section, "max_words", 0, 1000000000);
	_prefix = section.getString("prefix", _prefix);
	// An ini file trims values; quotes are the way to keep a trailing space.
	if (_prefix.size() >= 2 && _prefix.front() == '"' && _prefix.back() == '"') _prefix = _prefix.substr(1, _prefix.size() - 2);
	if (section.hasProperty("models"))
	{
		Poco::StringTokenizer names(section.getString("models"), ",", Poco::StringTokenizer::TOK_TRIM | Poco::StringTokenizer::TOK_IGNORE_EMPTY);
		if (names.count() == 0)
			throw Poco::InvalidArgumentException("echo backend: 'models' must name at least one model");
		_models.assign(names.begin(), names.end());
	}
}


std::vector<std::string> EchoBackend::models() const
{
	return _models;
}


std::string EchoBackend::defaultModel() const
{
	return _models.front();
}


std::string EchoBackend::replyTo(const ChatRequest& request) const
{
	std::string said;
	bool found = false;
	for (auto it = request.messages.rbegin(); it != request.messages.rend(); ++it)
	{
		if (it->role == "user")
		{
			said = it->content;
			found = true;
			break;
		}
	}
	if (!found) said = "(no user message)";
	else if (Poco::trim(said).empty()) said = "(empty message)";

	if (_maxWords > 0)
	{
		std::vector<std::string> words = pieces(said);
		if (static_cast<long>(words.size()) > _maxWords)
		{
			said.clear();
			for (long i = 0; i < _maxWords; ++i) said += words[static_cast<std::size_t>(i)];
			said += " ...";
		}
	}
	std::string reply = _prefix + said;
	return reply;
}


std::vector<std::string> EchoBackend::pieces(const std::string& text)
{
	std::vector<std::string> result;
	std::size_t i = 0;
	while (i < text.size())
	{
		std::size_t start = i;
		while (i < text.size() && isSpace(text[i])) ++i;
		while (i < text.size() && !isSpace(text[i])) ++i;
		result.push_back(text.substr(start, i - start));
	}
	return result;
}


void EchoBackend::streamChat(const ChatRequest& request, ChatEventSink& sink, const CancellationToken& cancellation)
{
	std::vector<std::string> words = pieces(replyTo(request));
	for (std::size_t i = 0; i < words.size(); ++i)
	{
		if (cancellation.isCancelled()) return;
		if (i > 0 && _delay.count() > 0 && cancellation.waitFor(_delay)) return;
		sink.content(words[i]);
	}
	sink.finish("stop");
}


ChatResult EchoBackend::complete(const ChatRequest& request, const CancellationToken& cancellation)
{
	// As slow as the stream, so that delay_ms makes a slow model of both.
	std::vector<std::string> words = pieces(replyTo(request));
	ChatResult result;
	result.finishReason = "stop";
	for (std::size_t i = 0; i < words.size(); ++i)
	{
		if (i > 0 && _delay.count() > 0 && cancellation.waitFor(_delay))
		{
			result.finishReason = "cancelled";
			break;
		}
		result.content += words[i];
	}
	return result;
}


} // namespace Nash


NASH_MODEL_BACKEND_PLUGIN(Nash::EchoBackend)
