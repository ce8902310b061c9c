//
// SseWriter.h
//


#ifndef Nash_SseWriter_INCLUDED
#define Nash_SseWriter_INCLUDED


#include <cstddef>
#include <mutex>
#include <ostream>
#include <string>


namespace Nash {


class SseWriter
	/// Writes server-sent events to a chunked response stream: each event is
	/// "data: <payload>\n\n", flushed at once so it leaves as its own chunk.
	/// The first failed write marks the client as gone; later writes are
	/// skipped. Safe to call from several threads.
{
public:
	explicit SseWriter(std::ostream& out);

	bool event(const std::string& payload);
		/// Writes one event. payload must be one line (JSON text). Returns
		/// false when the client is gone.

	bool write(const std::string& frames);
		/// Writes events already framed (frame() of each), at once, as one
		/// chunk. Returns false when the client is gone.

	bool done();
		/// Writes the final "data: [DONE]" event.

	bool failed() const;
	std::size_t bytesWritten() const;

	static std::string frame(const std::string& payload);
		/// The bytes of one event.

	static std::string frame(const std::string& name, const std::string& payload);
		/// The bytes of one named event: "event: <name>" before the data.

private:
	std::ostream& _out;
	mutable std::mutex _mutex;
	bool _failed = false;
	std::size_t _bytes = 0;
};


} // namespace Nash


#endif // Nash_SseWriter_INCLUDED
