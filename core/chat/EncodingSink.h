//
// EncodingSink.h
//
// A backend's events, through a dialect's encoder, to the client.
//


#ifndef Nash_EncodingSink_INCLUDED
#define Nash_EncodingSink_INCLUDED


#include "core/http/AccessLog.h"
#include "core/http/SseWriter.h"
#include "Nash/CancellationToken.h"
#include "Nash/ChatEventSink.h"
#include <mutex>
#include <string>


namespace Nash {


template <class Encoder>
class EncodingSink: public ChatEventSink
	/// Hands each event to a dialect's encoder. When the answer streams
	/// (writer not null), what the encoder makes of an event (framed
	/// server-sent events) is written at once, and a write that fails (the
	/// client left) cancels the backend. Without a writer the encoder only
	/// keeps the answer for its whole-answer object.
	///
	/// Encoder has std::string content(text), std::string toolCall(delta),
	/// void usage(usage) and void finish(reason).
{
public:
	EncodingSink(Encoder& encoder, SseWriter* writer, CancellationToken& cancellation, AccessLog::Entry& entry):
		_encoder(encoder),
		_writer(writer),
		_cancellation(cancellation),
		_entry(entry)
	{
	}

	void content(const std::string& text) override
	{
		std::lock_guard<std::mutex> lock(_mutex);
		write(_encoder.content(text));
	}

	void toolCallDelta(const ToolCallDelta& delta) override
	{
		std::lock_guard<std::mutex> lock(_mutex);
		write(_encoder.toolCall(delta));
	}

	void usage(const Usage& usage) override
	{
		std::lock_guard<std::mutex> lock(_mutex);
		_encoder.usage(usage);
	}

	void finish(const std::string& reason) override
	{
		std::lock_guard<std::mutex> lock(_mutex);
		_encoder.finish(reason);
	}

private:
	void write(const std::string& frames)
	{
		_entry.markFirstByte();
		if (frames.empty() || !_writer || _cancellation.isCancelled()) return;
		if (!_writer->write(frames)) _cancellation.cancel();
	}

	Encoder& _encoder;
	SseWriter* _writer;
	CancellationToken& _cancellation;
	AccessLog::Entry& _entry;
	std::mutex _mutex;
};


} // namespace Nash


#endif // Nash_EncodingSink_INCLUDED
