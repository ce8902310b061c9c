//
// EchoBackend.h
//


#ifndef Nash_EchoBackend_INCLUDED
#define Nash_EchoBackend_INCLUDED


#include "Nash/BlockingBackend.h"
#include <chrono>
#include <string>
#include <vector>


namespace Nash {


class EchoBackend: public BlockingBackend
	/// The built-in stand-in model: answers with the last user message,
	/// prefixed, one word per event, with an optional delay between events.
	/// Needs no network and no key, so the server does its job out of the box;
	/// tests and the benchmark use it as a model of known behaviour.
	///
	/// A BlockingBackend: it waits out its delays itself, so the server runs
	/// it on a thread of its worker pool.
	///
	/// Configuration ([backend.echo]): delay_ms (default 0), prefix (default
	/// "Echo: "), models (default "echo"), max_words (default 0: no limit; the echoed words, not the prefix).
{
public:
	void configure(const std::string& instanceName, const Poco::Util::AbstractConfiguration& section) override;
	std::vector<std::string> models() const override;
	std::string defaultModel() const override;
	void streamChat(const ChatRequest& request, ChatEventSink& sink, const CancellationToken& cancellation) override;
	ChatResult complete(const ChatRequest& request, const CancellationToken& cancellation) override;

	std::string replyTo(const ChatRequest& request) const;
		/// The whole answer to request.

	static std::vector<std::string> pieces(const std::string& text);
		/// text cut into words, each with the white space before it, so that
		/// the pieces joined are text again.

private:
	std::chrono::milliseconds _delay{0};
	std::string _prefix = "Echo: ";
	std::vector<std::string> _models{"echo"};
	long _maxWords = 0;
};


} // namespace Nash


#endif // Nash_EchoBackend_INCLUDED
