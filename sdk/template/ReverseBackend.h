//
// ReverseBackend.h
//
// A complete, small model backend for nash-llm-server: a template to copy.
// It is a Nash::BlockingBackend, the kind for a backend that computes its
// answer itself. A backend for a provider's HTTP API is a ProviderBackend
// instead: see the SDK's README.
//


#ifndef Example_ReverseBackend_INCLUDED
#define Example_ReverseBackend_INCLUDED


#include "Nash/BlockingBackend.h"
#include <chrono>
#include <string>
#include <vector>


namespace Example {


class ReverseBackend: public Nash::BlockingBackend
	/// Answers with the words of the last user message in reverse order,
	/// one word per event ("one two three" streams "three", " two", " one").
	///
	/// It stands where a real backend would run its model: configure() reads
	/// and checks its section, streamChat() hands each piece to the sink the
	/// moment it exists and stops as soon as the request is cancelled, and a
	/// request it cannot answer is a Nash::BackendException. The server calls
	/// streamChat() and complete() on a thread of its worker pool, which the
	/// call holds until it returns, delays included.
	///
	/// Configuration ([backend.<name>] with plugin = reverse):
	///   models    the model names it answers to, comma-separated; the first
	///             is its default (default: reverse)
	///   delay_ms  milliseconds between two words (default 0), the stand-in
	///             for a model that takes its time
{
public:
	void configure(const std::string& instanceName, const Poco::Util::AbstractConfiguration& section) override;
		/// Reads models and delay_ms. Throws Poco::InvalidArgumentException
		/// naming the key when a value is unusable.

	std::vector<std::string> models() const override;
	std::string defaultModel() const override;

	void streamChat(const Nash::ChatRequest& request, Nash::ChatEventSink& sink, const Nash::CancellationToken& cancellation) override;
		/// Streams the reversed words. Returns early, without an error, when
		/// cancelled. Throws Nash::BackendException when the conversation has
		/// no user message.

	Nash::ChatResult complete(const Nash::ChatRequest& request, const Nash::CancellationToken& cancellation) override;
		/// The whole reversed message at once (the server's summarize uses it).
		/// Throws like streamChat().

	static std::vector<std::string> reversedWords(const std::string& text);
		/// The words of text (split at white space), last first.

private:
	static const std::string& lastUserMessage(const Nash::ChatRequest& request);

	// Written by configure() only, before any other call: the server calls
	// the other methods from many threads at once, which then only read.
	std::vector<std::string> _models{"reverse"};
	std::chrono::milliseconds _delay{0};
};


} // namespace Example


#endif // Example_ReverseBackend_INCLUDED
